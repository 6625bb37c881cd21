// A TCP proxy in front of PostgreSQL that cuts the connection at the COMMIT
// of the first transaction to run a chosen statement: the client then cannot
// know whether the server committed, which no stopped server or killed
// process reproduces on cue.
import net from 'node:net';

/**
 * `after`: COMMIT reaches the server, which commits; its reply never reaches
 * the client. `before`: COMMIT never reaches the server, which rolls back.
 */
export type CutAt = 'before' | 'after';

export interface CommitCuttingProxy {
  /** The URL to give the client: the server's, with the proxy's port. */
  readonly url: string;
  /** How many commits were cut. */
  cuts(): number;
  close(): Promise<void>;
}

/** Frontend messages, once the untyped startup packets are past: type byte, then a length that counts itself. */
function* messages(buffer: Buffer, startup: boolean): Generator<{ type: string; body: Buffer; end: number }> {
  let at = 0;
  for (;;) {
    const header = startup ? 0 : 1;
    if (buffer.length < at + header + 4) return;
    const length = buffer.readUInt32BE(at + header);
    const end = at + header + length;
    if (buffer.length < end) return;
    yield { type: startup ? '' : String.fromCharCode(buffer[at] ?? 0), body: buffer.subarray(at + header + 4, end), end };
    at = end;
  }
}

const SSL_OR_GSS_REQUEST = new Set([80877103, 80877104]);

export async function startCommitCuttingProxy(serverUrl: string, marker: string, cutAt: CutAt): Promise<CommitCuttingProxy> {
  const upstream = new URL(serverUrl);
  let cut = 0;
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    const server = net.connect(Number(upstream.port), upstream.hostname);
    sockets.add(client).add(server);
    let pending = Buffer.alloc(0);
    let startup = true;
    let armed = false;
    let swallowReply = false;
    const cutBoth = () => {
      client.destroy();
      server.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      let forwarded = 0;
      for (const message of messages(pending, startup)) {
        if (startup) {
          startup = message.body.length === 4 && SSL_OR_GSS_REQUEST.has(message.body.readUInt32BE(0));
        } else if (message.body.includes(marker)) {
          armed = true;
        } else if (armed && message.type === 'Q' && /^COMMIT\b/i.test(message.body.toString('utf8'))) {
          cut += 1;
          if (cutAt === 'before') {
            cutBoth();
            return;
          }
          server.write(pending.subarray(forwarded, message.end));
          swallowReply = true;
          pending = Buffer.alloc(0);
          return;
        }
        server.write(pending.subarray(forwarded, message.end));
        forwarded = message.end;
      }
      pending = pending.subarray(forwarded);
    });
    server.on('data', (chunk: Buffer) => {
      // The reply to COMMIT means the server has committed: now the client loses it.
      if (swallowReply) cutBoth();
      else client.write(chunk);
    });
    for (const socket of [client, server]) {
      socket.on('error', () => cutBoth());
      socket.on('close', () => {
        sockets.delete(socket);
        cutBoth();
      });
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const url = new URL(serverUrl);
  url.hostname = '127.0.0.1';
  url.port = String((proxy.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    cuts: () => cut,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
