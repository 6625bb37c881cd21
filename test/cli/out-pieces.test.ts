// outPieces (cmd/terminal.ts) writes history's trail a piece at a time. A
// pipe to stdout is written asynchronously by Node: a piece not yet taken by
// the reader is queued in memory. Not waiting for 'drain', a slow reader
// (`history | less`) had the whole trail queued, the memory reading it in
// pages was to save.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { outPieces } from '../../cmd/terminal.js';
import { neutraliseWorkflowCommands } from '../../src/render/escape-terminal.js';

function slowStream() {
  const taken: string[] = [];
  const waiting: (() => void)[] = [];
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, callback) {
      taken.push(chunk.toString());
      waiting.push(callback);
    },
  });
  return { stream, taken, release: () => waiting.splice(0).forEach((callback) => callback()) };
}

describe('outPieces', () => {
  it('resolves a write only once a slow reader has taken it in', async () => {
    const { stream, release } = slowStream();
    const out = outPieces(stream);
    let done = false;
    const write = out.write(`${'x'.repeat(100)}\n`).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    expect(stream.writableLength).toBe(101);
    release();
    await write;
    expect(done).toBe(true);
  });

  it('writes what the guard writes over the whole text, however it is cut', async () => {
    const text = 'a ::x\n::error::one\r::two\r\n  ::three ##[x\n##[y\n::end';
    for (let size = 1; size <= text.length; size++) {
      const taken: string[] = [];
      const stream = new Writable({ write: (chunk: Buffer, _e, callback) => (taken.push(chunk.toString()), callback()) });
      const out = outPieces(stream);
      for (let at = 0; at < text.length; at += size) await out.write(text.slice(at, at + size));
      await out.end();
      expect(taken.join('')).toBe(neutraliseWorkflowCommands(text));
    }
  });
});
