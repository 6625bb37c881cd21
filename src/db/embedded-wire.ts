import { protocol, types, type PGlite } from '@electric-sql/pglite';

/**
 * One parameterised statement on PGlite, as `PGlite.query` runs it (the same
 * protocol messages, parameter serialisers and type parsers, the same error
 * object), but with the rows decoded here. PGlite's decoder copies every
 * field of every row into an ArrayBuffer of its own before decoding it: on a
 * read of 10,000 users that was a third of `export`'s time, most of its
 * garbage collection included. Here each field is decoded straight from the
 * response (Buffer.utf8Slice).
 */
export async function wireQuery<Row extends object>(pg: PGlite, sql: string, params: readonly unknown[], inTransaction: boolean): Promise<Row[]> {
  if (pg.closed) throw new Error('PGlite is closed');
  return pg.runExclusive(async () => {
    let failure: unknown = null;
    let rows: Row[] = [];
    try {
      const described = await exchange(pg, [protocol.serialize.parse({ text: sql }), protocol.serialize.describe({ type: 'S' })]);
      failure = described.error;
      if (failure === null) {
        const values = params.map((param, i) => serializeParam(pg, param, described.paramTypes[i]));
        const executed = await exchange(pg, [protocol.serialize.bind({ values }), protocol.serialize.describe({ type: 'P' }), protocol.serialize.execute({})]);
        failure = executed.error;
        rows = executed.rows as Row[];
      }
    } finally {
      // Ends the extended-protocol exchange, after an error too; PGlite syncs its file system outside transactions.
      await exchange(pg, [protocol.serialize.sync()], !inTransaction);
    }
    if (failure !== null) throw Object.assign(failure as object, { query: sql, params, queryOptions: undefined });
    return rows;
  });
}

function serializeParam(pg: PGlite, param: unknown, oid: number | undefined): string | null {
  if (param === null || param === undefined) return null;
  const serialize = oid === undefined ? undefined : pg.serializers[oid];
  return serialize ? (serialize(param) as string) : String(param);
}

interface Response {
  readonly paramTypes: number[];
  readonly rows: object[];
  /** PGlite's own DatabaseError for the first ErrorResponse, or null. */
  readonly error: unknown;
}

async function exchange(pg: PGlite, messages: readonly Uint8Array[], syncToFs = false): Promise<Response> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  await pg.execProtocolRawStream(concat(messages), {
    syncToFs,
    // A view into WebAssembly memory, valid only during the call: copied.
    onRawData: (bytes) => {
      chunks.push(bytes.slice());
      length += bytes.length;
    },
  });
  const buffer = Buffer.concat(chunks, length);
  return decode(pg, buffer);
}

function concat(messages: readonly Uint8Array[]): Uint8Array {
  return messages.length === 1 ? (messages[0] as Uint8Array) : Buffer.concat(messages);
}

interface Column {
  readonly name: string;
  readonly type: number;
  readonly parse: ((text: string, type: number) => unknown) | undefined;
}

/** The backend messages of one response: parameter types, rows, and the first error. */
function decode(pg: PGlite, buffer: Buffer): Response {
  const paramTypes: number[] = [];
  const rows: object[] = [];
  let columns: Column[] = [];
  let error: unknown = null;
  let offset = 0;
  while (offset + 5 <= buffer.length) {
    const code = buffer[offset] as number;
    const end = offset + 1 + buffer.readInt32BE(offset + 1);
    const body = offset + 5;
    switch (code) {
      case 0x74: // 't' ParameterDescription
        for (let i = 0, n = buffer.readInt16BE(body); i < n; i++) paramTypes.push(buffer.readInt32BE(body + 2 + i * 4));
        break;
      case 0x54: // 'T' RowDescription
        columns = rowDescription(pg, buffer, body);
        break;
      case 0x44: // 'D' DataRow
        rows.push(dataRow(buffer, body, columns));
        break;
      case 0x45: // 'E' ErrorResponse
        if (error === null) error = pgliteError(buffer.subarray(offset, end));
        break;
      default: // completions, notices, ReadyForQuery: PGlite's query ignores them too
    }
    offset = end;
  }
  return { paramTypes, rows, error };
}

function rowDescription(pg: PGlite, buffer: Buffer, body: number): Column[] {
  const columns: Column[] = [];
  let at = body + 2;
  for (let i = 0, n = buffer.readInt16BE(body); i < n; i++) {
    const nul = buffer.indexOf(0, at);
    const name = text(buffer, at, nul);
    const type = buffer.readInt32BE(nul + 7);
    columns.push({ name, type, parse: pg.parsers[type] ?? types.parsers[type] });
    at = nul + 19;
  }
  return columns;
}

function dataRow(buffer: Buffer, body: number, columns: readonly Column[]): object {
  const row: Record<string, unknown> = {};
  let at = body + 2;
  for (let i = 0, n = buffer.readInt16BE(body); i < n; i++) {
    const length = buffer.readInt32BE(at);
    at += 4;
    const column = columns[i] as Column;
    if (length === -1) {
      row[column.name] = null;
      continue;
    }
    const value = text(buffer, at, at + length);
    at += length;
    row[column.name] = column.parse ? column.parse(value, column.type) : value;
  }
  return row;
}

/** UTF-8 as PGlite's TextDecoder reads it, which drops a leading byte order mark. */
function text(buffer: Buffer, start: number, end: number): string {
  const from = end - start >= 3 && buffer[start] === 0xef && buffer[start + 1] === 0xbb && buffer[start + 2] === 0xbf ? start + 3 : start;
  return buffer.toString('utf8', from, end);
}

/** The error PGlite would throw: its own protocol parser reads the message. */
function pgliteError(message: Buffer): unknown {
  let error: unknown = null;
  new protocol.Parser().parse(message, (parsed) => {
    error ??= parsed;
  });
  return error;
}
