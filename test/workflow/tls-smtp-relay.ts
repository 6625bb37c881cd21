import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

/**
 * An SMTP relay on 127.0.0.1 that offers STARTTLS with a certificate made
 * for this run, as a pipeline's relay would, so that `tenantctl deliver`
 * runs unchanged (TLS required, no insecure flag). Processes that should
 * trust it get `NODE_EXTRA_CA_CERTS: relay.caFile`.
 */
export class TlsSmtpRelay {
  readonly received: string[] = [];
  readonly caFile: string;
  private readonly server: SMTPServer;

  constructor(dir: string) {
    const key = path.join(dir, 'relay-key.pem');
    this.caFile = path.join(dir, 'relay-cert.pem');
    // An ECDSA P-256 key, as many relays have: made at once, where an RSA key took ~0.25 s of CPU.
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', this.caFile, '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
    this.server = new SMTPServer({
      key: fs.readFileSync(key),
      cert: fs.readFileSync(this.caFile),
      logger: false,
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.received.push(Buffer.concat(chunks).toString('utf8'));
          callback();
        });
      },
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  /** The relay's URL, as a pipeline's secret TENANTCTL_SMTP_URL holds it. */
  get url(): string {
    return `smtp://tenantctl:relay-password@127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
