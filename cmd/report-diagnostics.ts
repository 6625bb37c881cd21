import { countDiagnostics, formatDiagnostic, formatLocation, type Diagnostic, type SourceLocation } from '../src/diagnostics/diagnostic.js';
import path from 'node:path';
import { annotationPath, annotationText } from '../src/render/escape-annotation.js';
import { jsonText } from '../src/render/escape-json.js';
import { terminalMessage, terminalText } from '../src/render/escape-terminal.js';

export type DiagnosticFormat = 'text' | 'json' | 'github';

export interface ReportOptions {
  /**
   * Whether the checks that need the tenant's catalog (domains,
   * subscriptions, service plans) ran; only `validate` knows, and says so.
   */
  readonly catalogChecked?: boolean;
}

/**
 * A path as GitHub resolves an annotation's: from the repository's root
 * (GITHUB_WORKSPACE), not from the step's working directory, which may be a
 * folder inside it. A path outside the workspace is left as given.
 */
function workspacePath(file: string): string {
  const workspace = process.env.GITHUB_WORKSPACE;
  if (!workspace) return file;
  const relative = path.relative(workspace, path.resolve(file));
  return relative === '' || relative.split(path.sep)[0] === '..' || path.isAbsolute(relative) ? file : relative;
}

/**
 * `::error file=F,line=L,col=C::CODE: message`, an annotation on the line in
 * the pull request; file names and messages carry untrusted text, escaped as
 * GitHub documents (and made visible) by escape-annotation.ts.
 */
function github(d: Diagnostic): string {
  const properties: string[] = [];
  if (d.location) {
    properties.push(`file=${annotationPath(workspacePath(d.location.file))}`);
    if (d.location.line !== undefined) properties.push(`line=${d.location.line}`, `col=${d.location.column ?? 1}`);
  }
  const related = d.related ? ` (see also ${formatLocation(d.related)})` : '';
  const command = d.severity === 'warning' ? 'warning' : 'error';
  return `::${command}${properties.length > 0 ? ` ${properties.join(',')}` : ''}::${annotationText(`${d.code}: ${d.message}${related}`)}`;
}

/**
 * A message as the text format shows it, for the JSON: messages are prose
 * for people and quote what the input wrote (a UPN holding ESC, CR or LF, say),
 * and scripts print them as they are (GitLab's job log renders ANSI escapes).
 * One about a place in the configuration is one line, as `file:line:col:`
 * shows it; a refusal may keep its list on lines of their own. The `file`
 * itself stays exact: it is data, the path to annotate.
 */
const jsonMessage = (d: Diagnostic): string => (d.location ? terminalText(d.message) : terminalMessage(d.message));

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `2 errors, 1 warning`: every problem found, also those a capped list only counted. */
function count(diagnostics: readonly Diagnostic[]): string {
  const { errors, warnings } = countDiagnostics(diagnostics);
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

function jsonLocation(location: SourceLocation | undefined): { file: string | null; line: number | null; column: number | null } {
  return { file: location?.file ?? null, line: location?.line ?? null, column: location?.column ?? null };
}

/**
 * All diagnostics in the chosen format, in the order given (the loader sorts
 * them by file and line): text lines `file:line:column: CODE: message` and a
 * count line; JSON (formatVersion 1.0) for scripts; GitHub Actions annotations.
 */
export function reportDiagnostics(diagnostics: readonly Diagnostic[], format: DiagnosticFormat, options: ReportOptions = {}): string {
  switch (format) {
    case 'json':
      return `${jsonText(
        {
          formatVersion: '1.0',
          ...(options.catalogChecked === undefined ? {} : { catalogChecked: options.catalogChecked }),
          ...countDiagnostics(diagnostics),
          diagnostics: diagnostics.map((d) => ({
            severity: d.severity,
            code: d.code,
            message: jsonMessage(d),
            ...jsonLocation(d.location),
            ...(d.related ? { related: jsonLocation(d.related) } : {}),
          })),
        },
      )}\n`;
    case 'github':
      return diagnostics.map((d) => `${github(d)}\n`).join('');
    case 'text':
      return diagnostics.length === 0 ? '' : `${diagnostics.map(formatDiagnostic).join('\n')}\n${count(diagnostics)}\n`;
  }
}
