import { describe, expect, it } from 'vitest';
import { RelayUnusable, sendFailure } from '../../src/outbox/relay-failure.js';

const said = (text: string) => text;

describe('sendFailure', () => {
  it('stops the run only for what fails before any message is sent: the relay unreachable, no TLS, the login', () => {
    expect(sendFailure({ code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:25' }, '127.0.0.1:25', said)).toBeInstanceOf(RelayUnusable);
    expect(sendFailure({ code: 'EAUTH', message: 'Invalid login: 535' }, 'h:587', said)).toBeInstanceOf(RelayUnusable);
    expect(sendFailure({ code: 'ETLS', command: 'STARTTLS', message: 'Error upgrading connection with STARTTLS: 500' }, 'h:587', said).message).toMatch(/^the relay h:587 does not offer TLS/);
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
