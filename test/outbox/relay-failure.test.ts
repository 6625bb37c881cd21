import { describe, expect, it } from 'vitest';
import { RelayUnusable, sendFailure } from '../../src/outbox/relay-failure.js';

const said = (text: string) => text;

describe('sendFailure', () => {
  it('stops the run only for what fails before any message is sent: the relay unreachable, no TLS, the login', () => {
    expect(sendFailure({ code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:25' }, '127.0.0.1:25', said)).toBeInstanceOf(RelayUnusable);
    expect(sendFailure({ code: 'EAUTH', message: 'Invalid login: 535' }, 'h:587', said)).toBeInstanceOf(RelayUnusable);
    expect(sendFailure({ code: 'ETLS', command: 'STARTTLS', message: 'Error upgrading connection with STARTTLS: 500' }, 'h:587', said).message).toMatch(/^the relay h:587 does not offer TLS/);
  });

  // nodemailer reports Node's certificate checks as ESOCKET at CONN, in Node's words only.
  it('stops the run for a certificate Node refuses, or TLS asked of a port that speaks it only after STARTTLS, saying what to do', () => {
    for (const message of ['self-signed certificate', 'unable to get local issuer certificate', 'certificate has expired', "Hostname/IP does not match certificate's altnames: IP: 10.0.0.5 is not in the cert's list: 127.0.0.1"]) {
      const failure = sendFailure({ code: 'ESOCKET', command: 'CONN', message }, 'h:587', said);
      expect(failure).toBeInstanceOf(RelayUnusable);
      expect(failure.message).toBe(
        `the relay h:587's TLS certificate was refused (${message}), so nothing was sent: for a relay whose certificate a private CA signed, ` +
          'give Node that CA with NODE_EXTRA_CA_CERTS=FILE (a PEM file) where deliver runs; otherwise check that the URL names the host its certificate is for',
      );
    }
    const version = sendFailure({ code: 'ESOCKET', command: 'CONN', message: '80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number' }, 'h:587', said);
    expect(version).toBeInstanceOf(RelayUnusable);
    expect(version.message).toMatch(/^the relay h:587 did not answer in TLS \(.*wrong version number\), so nothing was sent: smtps:\/\/ is for a port that speaks TLS from the start \(465\); for a port that uses STARTTLS \(587\) write smtp:\/\/$/);
  });

  // nodemailer says ETIMEDOUT/CONN for a stall at one message's RCPT: that message must not block the others on every run.
  it('goes on past a timeout or a dropped connection, which one message can cause', () => {
    for (const cause of [
      { code: 'ETIMEDOUT', command: 'CONN', message: 'Timeout' },
      { code: 'ECONNECTION', message: 'Connection closed unexpectedly' },
      { code: 'ESOCKET', message: 'read ECONNRESET' },
    ]) {
      const failure = sendFailure(cause, 'h:587', said);
      expect(failure).not.toBeInstanceOf(RelayUnusable);
      expect(failure.message).toBe(cause.message);
    }
  });
});
