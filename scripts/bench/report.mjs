// The benchmark's table, for the terminal and for BENCHMARKS.md.
import os from 'node:os';

const seconds = (ms) => (ms / 1000).toFixed(2);

/** BENCHMARKS.md: everything from this line on is kept when the benchmark rewrites the file. */
export const NOTES_MARKER = '<!-- Notes below this line are kept when npm run bench rewrites the file. -->';
const TARGETS = {
  'postgres 10000 steady: plan': 800,
  'postgres 100000 steady: plan': 5000,
};

export function renderTable({ results }) {
  const header = ['users', 'database', 'step', 'median s', 'CPU s', 'peak RSS MB', 'floor s', 'floor CPU s', '× floor', '× floor (CPU)', 'target s', 'note'];
  const lines = results.map((r) => {
    const target = TARGETS[`${r.engine} ${r.size} ${r.step}`];
    return [r.size.toLocaleString('en-US'), r.engine, r.step, seconds(r.ms), r.cpuMs === null ? 'n/a' : seconds(r.cpuMs), r.rssMB === null ? 'n/a' : r.rssMB.toFixed(0), seconds(r.floorMs), r.floorCpuMs == null ? 'n/a' : seconds(r.floorCpuMs), (r.ms / r.floorMs).toFixed(1), r.cpuMs == null || r.floorCpuMs == null ? 'n/a' : (r.cpuMs / r.floorCpuMs).toFixed(1), target ? seconds(target) : '', r.note ?? ''];
  });
  const rows = [header, header.map(() => '---'), ...lines];
  return rows.map((row) => `| ${row.join(' | ')} |`).join('\n');
}

/** The targets (issue 11), each judged from this run's figures; absent sizes are "not measured". */
export function renderTargets({ results }) {
  const find = (engine, size, step) => results.find((r) => r.engine === engine && r.size === size && r.step === step);
  const sum = (rows) => (rows.every(Boolean) ? rows.reduce((total, r) => total + r.ms, 0) : null);
  const rows = [];
  const judge = (target, measured, met) => rows.push([target, measured ?? 'not measured', measured === null ? '—' : met ? '**yes**' : 'no']);
  const plan10k = find('postgres', 10_000, 'steady: plan');
  const limit10k = TARGETS['postgres 10000 steady: plan'];
  judge(`steady \`plan\`, PostgreSQL, 10,000 users ≤ ${limit10k / 1000} s`, plan10k ? `${seconds(plan10k.ms)} s` : null, plan10k && plan10k.ms <= limit10k);
  const plan100k = find('postgres', 100_000, 'steady: plan');
  const limit100k = TARGETS['postgres 100000 steady: plan'];
  judge(
    `steady \`plan\`, PostgreSQL, 100,000 users ≤ ${limit100k / 1000} s and ≤ 1 GiB`,
    plan100k ? `${seconds(plan100k.ms)} s, ${plan100k.rssMB?.toFixed(0) ?? 'n/a'} MB` : null,
    plan100k && plan100k.ms <= limit100k && (plan100k.rssMB ?? Infinity) <= 1024,
  );
  const churn = sum([find('postgres', 100_000, 'churn: plan'), find('postgres', 100_000, 'churn: apply')]);
  judge('churn at 100,000 (`plan` + `apply`), PostgreSQL, ≤ 8 s', churn === null ? null : `${seconds(churn)} s`, churn !== null && churn <= 8000);
  const adopt = sum(['adopt: export', 'adopt: plan', 'adopt: apply'].map((step) => find('postgres', 100_000, step)));
  judge('adopt of 100,000 (export + plan + apply), PostgreSQL, ≤ 12 s', adopt === null ? null : `${seconds(adopt)} s`, adopt !== null && adopt <= 12_000);
  const ratios = results.map((r) => r.ms / r.floorMs);
  const worst = results[ratios.indexOf(Math.max(...ratios))];
  judge('every figure within 2× of the same run\'s floor', worst ? `worst ${(worst.ms / worst.floorMs).toFixed(1)}× (${worst.size.toLocaleString('en-US')} ${worst.engine} ${worst.step}); ${ratios.filter((x) => x <= 2).length} of ${ratios.length} within 2×` : null, ratios.every((x) => x <= 2));
  const pairs = results.filter((r) => r.engine === 'embedded').map((e) => [e, find('postgres', e.size, e.step)]).filter(([, p]) => p);
  const slowest = pairs.reduce((worstPair, pair) => (!worstPair || pair[0].ms / pair[1].ms > worstPair[0].ms / worstPair[1].ms ? pair : worstPair), null);
  judge(
    'the embedded database within 2× of PostgreSQL',
    slowest ? `worst ${(slowest[0].ms / slowest[1].ms).toFixed(1)}× (${slowest[0].size.toLocaleString('en-US')} ${slowest[0].step}); ${pairs.filter(([e, p]) => e.ms <= 2 * p.ms).length} of ${pairs.length} steps within 2×` : null,
    pairs.every(([e, p]) => e.ms <= 2 * p.ms),
  );
  for (const create of results.filter((r) => r.step.startsWith('create:'))) {
    judge(`${create.step} at ≥ 90 % of the hashing floor (${create.engine})`, `${Math.round((100 * create.floorMs) / create.ms)} % (${seconds(create.ms)} s against ${seconds(create.floorMs)} s)`, create.floorMs / create.ms >= 0.9);
  }
  const table = [['target', 'measured (this run, wall time)', 'met?'], ['---', '---', '---'], ...rows];
  return table.map((row) => `| ${row.join(' | ')} |`).join('\n');
}

export function renderReport(run, { command, started }) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return [
    '# Benchmarks',
    '',
    'tenantctl run as a process, end to end, on generated tenants (see `scripts/bench.mjs`).',
    'Each figure is the median wall time of the repeats, the median CPU time (user + system, steadier than',
    'wall time when the machine is shared) and the highest peak RSS of the process.',
    'The floor is the same run\'s cost of parsing the same files with the fastest parser at hand (tenantctl\'s',
    'block reader, `src/config/block-reader.ts`, since the thirty-first session; js-yaml before) and reading the same rows',
    'with one plain query per table (`scripts/bench/floor.mjs`); for creating users it is the',
    `hashing alone: count × one scrypt hash (${run.msPerHash.toFixed(0)} ms of CPU) ÷ ${run.cores} cores.`,
    '',
    `- Command: \`${command}\``,
    `- Date: ${started.toISOString()}`,
    `- Machine: ${cpu}, ${run.cores} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`,
    '',
    renderTable(run),
    '',
    '## Targets',
    '',
    renderTargets(run),
    '',
  ].join('\n');
}
