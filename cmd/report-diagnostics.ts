import { formatDiagnostic, type Diagnostic } from '../src/diagnostics/diagnostic.js';

export type DiagnosticFormat = 'text' | 'json' | 'github';

function githubEscape(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function githubProperty(text: string): string {
  return githubEscape(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function github(d: Diagnostic): string {
  const where = d.location
    ? ` file=${githubProperty(d.location.file)}${d.location.line ? `,line=${d.location.line},col=${d.location.column ?? 1}` : ''}`
    : '';
  return `::${d.severity === 'warning' ? 'warning' : 'error'}${where},title=${githubProperty(d.code)}::${githubEscape(d.message)}`.replace(
    /^(::\w+),/,
    '$1 ',
  );
}

function count(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/** All diagnostics in the chosen format; text ends with a count line. */
export function reportDiagnostics(diagnostics: readonly Diagnostic[], format: DiagnosticFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        {
          formatVersion: '1.0',
          errors: diagnostics.filter((d) => d.severity === 'error').length,
          warnings: diagnostics.filter((d) => d.severity === 'warning').length,
          diagnostics: diagnostics.map((d) => ({
            severity: d.severity,
            code: d.code,
            message: d.message,
            file: d.location?.file ?? null,
            line: d.location?.line ?? null,
            column: d.location?.column ?? null,
            ...(d.related ? { related: { file: d.related.file, line: d.related.line ?? null, column: d.related.column ?? null } } : {}),
          })),
        },
        null,
        2,
      )}\n`;
    case 'github':
      return diagnostics.map((d) => `${github(d)}\n`).join('');
    case 'text':
      return diagnostics.length === 0 ? '' : `${diagnostics.map(formatDiagnostic).join('\n')}\n${count(diagnostics)}\n`;
  }
}
