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

export function renderReport(run, { command, started }) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return [
    '# Benchmarks',
    '',
    'tenantctl run as a process, end to end, on generated tenants (see `scripts/bench.mjs`).',
    'Each figure is the median wall time of the repeats, the median CPU time (user + system, steadier than',
    'wall time when the machine is shared) and the highest peak RSS of the process.',
    'The floor is the same run\'s cost of parsing the same files with js-yaml and reading the same rows',
    'with one plain query per table (`scripts/bench/floor.mjs`); for creating users it is the',
    `hashing alone: count × one scrypt hash (${run.msPerHash.toFixed(0)} ms of CPU) ÷ ${run.cores} cores.`,
    '',
    `- Command: \`${command}\``,
    `- Date: ${started.toISOString()}`,
    `- Machine: ${cpu}, ${run.cores} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`,
    '',
    renderTable(run),
    '',
  ].join('\n');
}
