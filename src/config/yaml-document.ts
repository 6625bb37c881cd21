import { Composer, isScalar, LineCounter, Parser, parseDocument, YAMLParseError, type CST, type Document } from 'yaml';

/** A 1-based line and column; columns count UTF-16 code units, as editors do. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** A document parsed with source ranges, and the line starts to turn offsets into positions. */
export interface SourcePositions {
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** Where composing stopped after MAX_YAML_PROBLEMS problems (the document is then empty). */
  readonly stoppedAt?: number;
}

/** The object key a scalar map key becomes in JS (as yaml's `toJS` spells it); undefined for collections. */
export function jsKeyOf(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  return key.value === null ? '' : String(key.value);
}

/**
 * Deeper than any configuration (users, a user, its licenses, a licence, its
 * disabledPlans: 6 levels). yaml composes a document by recursion, one level of
 * nesting after another, and catches the stack overflow of a file nested
 * thousands deep only to carry on at the end of the stack; there a regular
 * expression compiled for the first time makes V8 abort the process
 * ("RegExpCompiler Allocation failed") instead of throwing.
 */
export const MAX_NESTING = 64;

/** yaml's RESOURCE_EXHAUSTION message for a file nested deeper than MAX_NESTING. */
export const nestingProblem = `the values here nest more than ${MAX_NESTING} levels deep`;

/**
 * Where the first collection nested deeper than MAX_NESTING starts, from
 * yaml's concrete syntax tree (which its parser builds without recursion,
 * and which is walked here with a stack); undefined when there is none.
 */
function tooDeep(tokens: Iterable<CST.Token>): number | undefined {
  const pending: { token: CST.Token; depth: number }[] = [];
  for (const token of tokens) if (token.type === 'document' && token.value) pending.push({ token: token.value, depth: 1 });
  while (pending.length > 0) {
    const { token, depth } = pending.pop()!;
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth > MAX_NESTING) return token.offset;
    for (const item of token.items) {
      if ('key' in item && item.key) pending.push({ token: item.key, depth: depth + 1 });
      if (item.value) pending.push({ token: item.value, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * The one way this stage parses YAML into a Document: YAML 1.2 core schema,
 * source ranges, nothing logged to the console. yaml does not look for
 * repeated keys (its check is a linear search per key, quadratic in a
 * mapping's size); the caller finds them in one pass (see yaml-source.ts).
 * A file nested deeper than MAX_NESTING is not composed: its document is
 * empty, with one RESOURCE_EXHAUSTION error where the nesting goes too deep.
 */
export function parseWithPositions(text: string): SourcePositions {
  const lineCounter = new LineCounter();
  // The syntax tree is built once, for the depth check and then for composing: it is most of the cost (helper-76).
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const deep = tooDeep(tokens);
  if (deep === undefined) return { ...composeBounded(text, tokens), lineCounter };
  return { document: withErrors([new YAMLParseError([deep, deep + 1], 'RESOURCE_EXHAUSTION', nestingProblem)]), lineCounter };
}

/**
 * Problems composed before a file is given up on. A file of nothing but
 * syntax errors (`a: [` on every line) made yaml build an error, with its
 * stack trace, per line: 2 MB took 20 s and 1.7 GB, 24 MB aborted on the
 * heap limit (helper-75).
 */
export const MAX_YAML_PROBLEMS = 100;

const OPTIONS = { prettyErrors: false, logLevel: 'error', uniqueKeys: false } as const;

/** An empty document holding `errors`: what a file not composed reports. */
function withErrors(errors: readonly YAMLParseError[]): Document.Parsed {
  const document = parseDocument('', OPTIONS);
  document.errors.push(...errors);
  return document;
}

class TooManyProblems extends Error {}

type ComposerOnError = (source: unknown, code: string, message: string, warning?: boolean) => void;

/**
 * parseDocument (yaml's public-api.js), stopped once the composer has reported
 * MAX_YAML_PROBLEMS + 1 problems: the document is then empty, with those.
 * yaml's errors capture no stack trace meanwhile (each took as long as its parse).
 */
function composeBounded(text: string, tokens: readonly CST.Token[]): { document: Document.Parsed; stoppedAt?: number } {
  const composer = new Composer(OPTIONS);
  // Composer's own members (compose/composer.js): it reads onError each time it composes a document.
  const inside = composer as unknown as { onError: ComposerOnError; errors: YAMLParseError[] };
  const report = inside.onError;
  let problems = 0;
  inside.onError = (source, code, message, warning) => {
    report(source, code, message, warning);
    if (!warning && ++problems > MAX_YAML_PROBLEMS) throw new TooManyProblems();
  };
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    let document: Document.Parsed | undefined;
    for (const composed of composer.compose(tokens, true, text.length)) {
      if (!document) document = composed;
      else {
        document.errors.push(new YAMLParseError(composed.range.slice(0, 2) as [number, number], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
        break;
      }
    }
    return { document: document ?? withErrors([]) };
  } catch (cause) {
    if (!(cause instanceof TooManyProblems)) throw cause;
    const errors = inside.errors.slice(0, MAX_YAML_PROBLEMS);
    // Errors come in the order of composing, not of the text: the furthest one is where it stopped.
    return { document: withErrors(errors), stoppedAt: Math.max(0, ...inside.errors.map((e) => e.pos[0])) };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

export function positionAt(positions: SourcePositions, offset: number): SourcePosition {
  const { line, col } = positions.lineCounter.linePos(offset);
  return { line, column: col };
}
