// docs/diagnostics.md is rendered from the registry of codes and from
// examples/invalid/, by running each example: it cannot drift from what
// tenantctl prints. After changing a message or an example:
//   npx vitest run test/config/diagnostics-doc.test.ts -u
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_DIAGNOSTIC_CODES, type DiagnosticCodeInfo } from '../../src/config/diagnostic-codes.js';
import { loadConfig } from '../../src/config/load-config.js';
import { formatDiagnostic, type Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { contosoCatalog, invalidExamples, NO_EXAMPLE_FILE, type InvalidExample } from './expectations.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const catalog = contosoCatalog();

/** Paths as seen from the repository root, whatever the working directory. */
const fromRepository = (text: string): string => text.replaceAll(`${path.relative(process.cwd(), ROOT) || '.'}/`, '').replaceAll(`${ROOT}/`, '');

function output(example: InvalidExample): { lines: string[]; diagnostics: readonly Diagnostic[] } {
  const { diagnostics } = loadConfig([example.path], { catalog, env: example.env, phase: 'validate' });
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const count = `${errors} error${errors === 1 ? '' : 's'}, ${diagnostics.length - errors} warning${diagnostics.length - errors === 1 ? '' : 's'}`;
  return { lines: [...diagnostics.map((d) => fromRepository(formatDiagnostic(d))), count], diagnostics };
}

const MISSING = 'no/such/tenant.yaml';
const missingPath = (): readonly Diagnostic[] => loadConfig([MISSING], { catalog, env: {}, phase: 'validate' }).diagnostics;

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('<', '&lt;').replaceAll('\n', ' ');
const anchor = (code: string): string => `#${code.toLowerCase()}`;

/** The examples that show one code on its own, by code. */
function examplesByCode(examples: readonly InvalidExample[]): Map<string, InvalidExample[]> {
  const byCode = new Map<string, InvalidExample[]>();
  for (const example of examples) {
    const codes = new Set(example.expectations.map((e) => e.code));
    if (codes.size !== 1) continue;
    const [code = ''] = codes;
    // The example named after the code comes first.
    const named = example.name.replace(/\.yaml$/, '') === code.toLowerCase().replaceAll('_', '-');
    const others = byCode.get(code) ?? [];
    byCode.set(code, named ? [example, ...others] : [...others, example]);
  }
  return byCode;
}

/** The line of YAML that triggers the example's problem, for the table. */
function offendingLine(example: InvalidExample): string {
  const expectation = example.expectations[0];
  if (!expectation) return '';
  if (expectation.line === null) return 'a directory without `.yaml` files';
  const text = fs.readFileSync(expectation.file, 'latin1').split('\n')[expectation.line - 1] ?? '';
  return `\`${text.replaceAll('\t', '→').trim()}\``;
}

function fileBlock(file: string): string {
  const bytes = fs.readFileSync(file);
  const utf8 = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const notUtf8 = utf8.includes('\uFFFD');
  const text = notUtf8 ? bytes.toString('latin1') : utf8;
  const language = file.endsWith('.md') ? 'markdown' : 'yaml';
  const note = notUtf8 ? ' (saved as Latin-1, shown decoded)' : '';
  return `\`${fromRepository(file)}\`${note}:\n\n\`\`\`${language}\n${text.trimEnd()}\n\`\`\`\n`;
}

function section(info: DiagnosticCodeInfo, examples: readonly InvalidExample[]): string {
  const head = `### \`${info.code}\`\n\n**${info.severity}.** ${info.meaning}\n`;
  if (examples.length === 0) {
    if (info.code === 'CONFIG_NOT_FOUND') {
      return `${head}\n\`tenantctl validate -c ${MISSING}\` prints:\n\n\`\`\`text\n${missingPath().map(formatDiagnostic).join('\n')}\n1 error, 0 warnings\n\`\`\`\n`;
    }
    return `${head}\nNo example file: ${NO_EXAMPLE_FILE[info.code] ?? ''}.\n`;
  }
  return `${head}\n${examples
    .map((example) => {
      const files = example.files.map(fileBlock).join('\n');
      return `${files}\n\`tenantctl validate -c ${fromRepository(example.path)}\` prints:\n\n\`\`\`text\n${output(example).lines.join('\n')}\n\`\`\`\n`;
    })
    .join('\n')}`;
}

function render(): string {
  const examples = invalidExamples();
  const byCode = examplesByCode(examples);
  const rows = CONFIG_DIAGNOSTIC_CODES.map((info) => {
    const example = byCode.get(info.code)?.[0];
    const missing = info.code === 'CONFIG_NOT_FOUND';
    const message = example ? (output(example).diagnostics[0]?.message ?? '') : missing ? (missingPath()[0]?.message ?? '') : '';
    const trigger = example ? offendingLine(example) : missing ? `\`-c ${MISSING}\`` : '—';
    return `| [\`${info.code}\`](${anchor(info.code)}) | ${info.severity} | ${cell(info.meaning)} | ${cell(trigger)} | ${cell(message) || '—'} |`;
  });
  const several = examples.find((e) => e.name === 'several-mistakes');
  return `# Configuration diagnostics

<!-- Generated by test/config/diagnostics-doc.test.ts from src/config/diagnostic-codes.ts and examples/invalid/.
     Do not edit by hand: after changing a message or an example, run
     npx vitest run test/config/diagnostics-doc.test.ts -u -->

\`tenantctl validate -c PATH\` checks a configuration and reports every problem it finds in one run,
sorted by file and line, each as

\`\`\`text
file:line:column: CODE: message
\`\`\`

followed by a count (\`2 errors, 1 warning\`). \`plan\` and \`apply\` run the same checks first and
change nothing when one fails. The codes below are stable: scripts and CI jobs may match on them.

- **Exit status.** 1 when there is an error; warnings alone do not fail (exit 0).
- **\`--format json\`** prints \`{ formatVersion, catalogChecked, errors, warnings, diagnostics: [{ severity, code,
  message, file, line, column, related? }] }\`; \`related\` is the other place involved (the first declaration of
  a duplicated UPN, the first entry of a duplicated license).
- **\`--format github\`** prints GitHub Actions annotations, \`::error file=…,line=…,col=…::CODE: message\`
  (\`::warning\` for warnings), so each problem shows on its line of the pull request.
- **Without a database.** The checks against the tenant's catalog (domains, subscriptions, service plans:
  ${['UPN_UNKNOWN_DOMAIN', 'LICENSE_UNKNOWN_SKU', 'LICENSE_UNKNOWN_PLAN', 'LICENSE_PLAN_NOT_IN_SKU'].map((c) => `\`${c}\``).join(', ')}) need a
  database initialised with \`tenantctl init --catalog FILE\`. When none is reachable, \`validate\` runs every other
  check and says on stderr that these were skipped.
- **What cannot be read is left out, not guessed.** A value of the wrong type is left out of the later checks,
  which still check everything else; a check that would mislead without it (e.g. \`GLOBAL_ADMIN_MINIMUM\`, or
  what users inherit from \`defaults\` while a file cannot be parsed) waits until the configuration can be read.
- **Secrets.** No message ever repeats a password, whether written in the YAML or read from \`fromEnv\`.

Every example below is a file of [\`examples/invalid/\`](../examples/invalid/); its first line states what it
must produce, and the tests check that it does.

## All codes

| code | severity | what it means | example | message |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

## Codes one by one

${CONFIG_DIAGNOSTIC_CODES.map((info) => section(info, byCode.get(info.code) ?? [])).join('\n')}
## Several mistakes at once

${several ? `${several.files.map(fileBlock).join('\n')}\n\`tenantctl validate -c ${fromRepository(several.path)}\` prints:\n\n\`\`\`text\n${output(several).lines.join('\n')}\n\`\`\`\n` : ''}`;
}

describe('docs/diagnostics.md', () => {
  it('documents every code with its example and the message it prints', async () => {
    await expect(render()).toMatchFileSnapshot('../../docs/diagnostics.md');
  });

  it('lists exactly the codes the configuration stage, and the plan refusals located in it, can report', () => {
    const files = [
      ...fs
        .readdirSync(path.join(ROOT, 'src/config'), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts'))
        .map((file) => path.join('src/config', file)),
      'src/workflow/plan-refusals.ts',
    ];
    const sources = files.map((file) => fs.readFileSync(path.join(ROOT, file), 'utf8')).join('\n');
    const emitted = new Set([...sources.matchAll(/(?:\berror|\bwarning)\(\s*'([A-Z][A-Z0-9_]+)'|\bcode: '([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1] ?? m[2]));
    expect([...emitted].sort()).toEqual(CONFIG_DIAGNOSTIC_CODES.map((c) => c.code).filter((code) => code !== 'SCHEMA_INVALID' || emitted.has(code)).sort());
  });
});
