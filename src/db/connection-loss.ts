/**
 * Errors that mean the connection to a PostgreSQL server is gone (the server
 * stopped, crashed, or ended the session), as opposed to the server refusing
 * a statement. Returns what happened in a few words, or null.
 */
export function connectionLoss(cause: unknown): string | null {
  const err = cause as { code?: unknown; message?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : '';
  const message = typeof err?.message === 'string' ? (err.message.split('\n')[0] ?? '') : '';
  switch (code) {
    case '57P01': // admin_shutdown: pg_ctl stop -m fast, or pg_terminate_backend
      return `the server ended the session: ${message}`;
    case '57P02': // crash_shutdown: another backend crashed, or pg_ctl stop -m immediate
      return `the server crashed or was stopped: ${message}`;
    case '57P03':
      return 'the server is starting up or shutting down';
    case '57P05':
      return 'the server ended the idle session';
    case 'ECONNRESET':
      return 'the server reset the connection';
    case 'EPIPE':
      return 'the connection was broken';
    case 'ECONNREFUSED':
      return 'connection refused (is the server running and listening there?)';
    case 'ETIMEDOUT':
      return 'the connection timed out';
  }
  if (code.startsWith('08')) return `connection failure: ${message}`;
  if (/^Connection terminated/.test(message)) return 'the server closed the connection unexpectedly';
  if (/is not queryable$/.test(message)) return 'the connection had already failed';
  return null;
}
