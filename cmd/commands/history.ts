import type { Command } from 'commander';
import { followUser } from '../../src/audit/follow-user.js';
import { openHistoryPages } from '../../src/audit/history-pages.js';
import { parseLimit, parseSince, parseUser } from '../../src/audit/history-options.js';
import { historyJsonPieces } from '../../src/render/history-json.js';
import { historyTextPieces } from '../../src/render/history-text.js';
import { resolveActor } from '../actor.js';
import { withDatabase, type DatabaseOptions } from '../database-option.js';
import { formatOption } from '../format-option.js';
import { outPieces } from '../terminal.js';

interface HistoryOptions extends DatabaseOptions {
  readonly format: string;
  readonly since?: string;
  readonly limit?: number;
  readonly user?: string;
}

export function registerHistory(program: Command): void {
  program
    .command('history')
    .summary('show the audit trail: which commit and actor applied which changes')
    .description(
      'List the applies recorded in the database, newest first: when, by whom, from which host and git commit, and every ' +
        'change each made. Between them, every other write to the directory, the catalog or the outbox key: by init ' +
        '(prices, seats, domains, the key) or outside tenantctl (psql, a script), with the database role that made it. ' +
        'Use it to trace a drift finding ("last apply #12") to a commit and a person. ' +
        'No password is ever recorded, so none is shown.\n\n' +
        'Examples:\n  tenantctl history --limit 5\n  tenantctl history --since 7d\n  tenantctl history --user megan.bowen@contoso.com\n  tenantctl history --since 2026-11-01 --format json',
    )
    .addOption(formatOption(['text', 'json'], 'text or json'))
    .option('--since <date>', 'only entries since then: an age (12h, 7d, 2w), a date (2026-11-25, UTC) or an ISO time')
    .option('--limit <n>', 'at most this many entries, the newest (in JSON: this many applies, and this many other writes)', parseLimit)
    .option('--user <upn>', 'only the entries that changed this user (or renamed it from this name), also under its former and later names, and only its changes', parseUser)
    .action(async (options: HistoryOptions) => {
      const since = options.since === undefined ? null : parseSince(options.since, new Date());
      const query = { since, limit: options.limit ?? null, user: options.user ?? null };
      const user = options.user ?? null;
      await withDatabase({ ...options, actor: resolveActor(options.actor) }, (db) =>
        // One snapshot for the list and every page read after it; written out a page at a time (history-pages.ts).
        db.transaction(async (tx) => {
          await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
          // Written out while it is open, at the reader's pace (a pager may wait on a person): a server's
          // idle_in_transaction_session_timeout ended the session mid-trail. Read only: it holds no lock.
          await tx.query('SET LOCAL idle_in_transaction_session_timeout = 0');
          // Found once: the heading names what was followed.
          const followed = query.user === null ? null : await followUser(tx, query.user);
          const pages = await openHistoryPages(tx, { ...query, followed });
          const pieces = options.format === 'json' ? historyJsonPieces(pages, user) : historyTextPieces(pages, user, since, followed);
          const stdout = outPieces();
          // Each piece taken in before the next is made: a slow reader holds the pages back, not memory.
          for await (const piece of pieces) await stdout.write(piece);
          await stdout.end();
        }),
      );
    });
}
