import { isScalar, LineCounter, parseDocument, type Document } from 'yaml';

/** A 1-based line and column; columns count UTF-16 code units, as editors do. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** A document parsed with source ranges, and the line starts to turn offsets into positions. */
export interface SourcePositions {
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
}

/** The object key a scalar map key becomes in JS (as yaml's `toJS` spells it); undefined for collections. */
export function jsKeyOf(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  return key.value === null ? '' : String(key.value);
}

/**
 * The one way this stage parses YAML into a Document: YAML 1.2 core schema,
 * source ranges, nothing logged to the console. yaml does not look for
 * repeated keys (its check is a linear search per key, quadratic in a
 * mapping's size); the caller finds them in one pass (see yaml-source.ts).
 */
export function parseWithPositions(text: string): SourcePositions {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, logLevel: 'error', uniqueKeys: false });
  return { document, lineCounter };
}

export function positionAt(positions: SourcePositions, offset: number): SourcePosition {
  const { line, col } = positions.lineCounter.linePos(offset);
  return { line, column: col };
}
