// A credential notification queued outside an apply (migration 0025 checks
// the apply a notification names only under an apply's mark): the writer
// role could queue one for any recipients, naming any earlier apply, and
// deliver sent it. Migration 0029 refuses that for every role but the
// owner's. The owner's (its psql) is kept in other_writes (0016), and
// `history` must say so: who it goes to, which apply it claims, that deliver
// sends it; and when the owner redirects it (UPDATE ... SET recipients),
// which 0029 records too, from whom to whom. It used to read "+ queued
// temporary password: erased, not delivered" for the insert, with no
// recipient, as for a purge's erasure.
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { contosoPostgres } from '../support/contoso-database.js';
import { asLogin, onConnection, readerAndWriter } from '../support/login-roles.js';
import { describePostgres } from '../support/postgres.js';

const ARMORED = '-----BEGIN AGE ENCRYPTED FILE-----\nnot opened by this test\n-----END AGE ENCRYPTED FILE-----';
const QUEUE = `INSERT INTO tenantctl.credential_notifications (apply_id, user_id, user_principal_name, recipients, sealed_password, reason, force_change)
  SELECT (SELECT min(id) FROM tenantctl.applies), id, user_principal_name, ARRAY['attacker@evil.example'], '${ARMORED}', 'created', true
    FROM tenantctl.users WHERE user_principal_name = 'megan.bowen@contoso.com'`;

const queuedFor = (owner: string, address: string) =>
  onConnection(owner, async (client) => (await client.query(`SELECT count(*)::int AS n FROM tenantctl.credential_notifications WHERE $1 = ANY (recipients)`, [address])).rows[0].n as number);

describePostgres('a credential queued outside an apply, in history', { timeout: 120_000 }, () => {
  describe('on PostgreSQL, by the owner, read by the reader role', () => {
    it('refuses the writer role\'s; names the owner\'s recipients, the apply it claims, a redirection and its erasure', async () => {
      const owner = await contosoPostgres('applied', 'outbox_outside_apply');
      const { reader, writer } = await readerAndWriter(owner);
      const history = (args: string[] = []) => runCli(['history', '--user', 'megan.bowen@contoso.com', ...args], { env: { TENANTCTL_DATABASE_URL: reader } });

      // The merge pipeline's login, without apply's mark: refused, nothing queued, nothing to log.
      await expect(asLogin(writer, QUEUE)).rejects.toThrow(/^refused: role \S+ may queue a credential notification only in tenantctl apply/);
      expect(await queuedFor(owner, 'attacker@evil.example')).toBe(0);

      // The owner's psql: accepted, and kept in other_writes.
      await asLogin(owner, QUEUE);
      const queued = await history();
      expect(queued.code, queued.stderr).toBe(0);
      const entry = queued.stdout.split('\n\n').find((block) => block.startsWith('outside tenantctl'));
      expect(entry).toMatch(/^outside tenantctl \S+ \S+ UTC by database role \S+ — changed 1 user\n/);
      expect(entry).toContain('  ~ megan.bowen@contoso.com (updated)\n      + queued temporary password for attacker@evil.example (naming apply #1): deliver sends it');
      expect(entry).not.toContain('erased');

      // Redirected to another mailbox: recorded, from whom to whom.
      await asLogin(owner, `UPDATE tenantctl.credential_notifications SET recipients = ARRAY['elsewhere@evil.example'] WHERE 'attacker@evil.example' = ANY (recipients)`);
      const redirected = await history(['--limit', '1']);
      expect(redirected.code, redirected.stderr).toBe(0);
      expect(redirected.stdout).toMatch(
        /\n {6}~ queued temporary password #\d+, which deliver sends as it now reads: recipients: \["attacker@evil\.example"\] → \["elsewhere@evil\.example"\]\n?/,
      );

      await asLogin(owner, `DELETE FROM tenantctl.credential_notifications WHERE 'elsewhere@evil.example' = ANY (recipients)`);
      const erased = await history(['--limit', '1']);
      expect(erased.code, erased.stderr).toBe(0);
      expect(erased.stdout).toContain('      - queued temporary password for elsewhere@evil.example (naming apply #1): erased, not delivered');
    });
  });
});
