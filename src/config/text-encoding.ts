/**
 * A file saved as UTF-16 or UTF-32 rather than UTF-8, told from its first
 * bytes alone. Windows tools (PowerShell 5's `>` and Out-File, Notepad's
 * "Unicode") write UTF-16 LE with a BOM: read as UTF-8 that is "byte 0xFF"
 * at 1:1, and without a BOM it is a NUL every other byte, neither of which
 * says what to do. Only HEAD_BYTES are looked at, whatever the file's size.
 */

/** What a file is encoded as instead of UTF-8, and how iconv names that encoding. */
export interface WrongEncoding {
  /** As users know it: `UTF-16 (little endian)`. */
  readonly encoding: string;
  /** iconv's `-f` name: with a BOM the plain name, which reads the byte order from the BOM and drops it. */
  readonly iconvName: string;
}

const HEAD_BYTES = 64;

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean => prefix.every((byte, i) => bytes[i] === byte);

/**
 * NULs at the positions `i % width` in `nulAt` and at none of the others, in
 * at least half of the head's units (a comment in Cyrillic at the top has none),
 * and at least four of them: a NUL in a few bytes of UTF-8 is not taken for more.
 */
function nulPattern(head: Uint8Array, width: number, nulAt: readonly number[]): boolean {
  const units = Math.floor(head.length / width);
  if (units < 4) return false;
  let matching = 0;
  for (let unit = 0; unit < units; unit++) {
    let nuls = 0;
    for (let i = 0; i < width; i++) {
      const isNul = head[unit * width + i] === 0;
      if (isNul && !nulAt.includes(i)) return false;
      if (isNul) nuls++;
    }
    if (nuls === nulAt.length) matching++;
  }
  return matching * 2 >= units;
}

/** The encoding `bytes` are in when they are UTF-16 or UTF-32 rather than UTF-8, else undefined. */
export function wrongEncoding(bytes: Uint8Array): WrongEncoding | undefined {
  const head = bytes.subarray(0, HEAD_BYTES);
  // UTF-32 LE's BOM begins with UTF-16 LE's: it is looked for first.
  if (startsWith(head, [0xff, 0xfe, 0x00, 0x00])) return { encoding: 'UTF-32 (little endian)', iconvName: 'UTF-32' };
  if (startsWith(head, [0x00, 0x00, 0xfe, 0xff])) return { encoding: 'UTF-32 (big endian)', iconvName: 'UTF-32' };
  if (startsWith(head, [0xff, 0xfe])) return { encoding: 'UTF-16 (little endian)', iconvName: 'UTF-16' };
  if (startsWith(head, [0xfe, 0xff])) return { encoding: 'UTF-16 (big endian)', iconvName: 'UTF-16' };
  // Without a BOM: the zero bytes of mostly ASCII text (YAML's keys and punctuation are ASCII).
  if (nulPattern(head, 4, [1, 2, 3])) return { encoding: 'UTF-32 (little endian)', iconvName: 'UTF-32LE' };
  if (nulPattern(head, 4, [0, 1, 2])) return { encoding: 'UTF-32 (big endian)', iconvName: 'UTF-32BE' };
  if (nulPattern(head, 2, [1])) return { encoding: 'UTF-16 (little endian)', iconvName: 'UTF-16LE' };
  if (nulPattern(head, 2, [0])) return { encoding: 'UTF-16 (big endian)', iconvName: 'UTF-16BE' };
  return undefined;
}

/** YAML_NOT_UTF8's words for a file in `wrong`. */
export const wrongEncodingMessage = (wrong: WrongEncoding): string =>
  `the file is saved as ${wrong.encoding}, but tenantctl reads UTF-8 only: save it as UTF-8 (in most editors "Save with Encoding" or the encoding in the status bar), or convert it with iconv -f ${wrong.iconvName} -t UTF-8 FILE > NEW_FILE`;
