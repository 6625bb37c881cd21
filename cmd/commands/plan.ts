import { writeInFoldersFor } from '../../src/files/create-folders.js';
import { writePrivateFile } from '../../src/files/write-private-file.js';
import type { Command } from 'commander';
import type { Database } from '../../src/db/database.js';
import { hasErrors } from '../../src/diagnostics/diagnostic.js';
import { ExitCode, TenantctlError } from '../../src/diagnostics/tenantctl-error.js';
import { toolVersion } from '../../src/package-root.js';
import { isEmptyPlanDocument, type PlanDocument } from '../../src/plan/plan-document.js';
import { planJsonChunks } from '../../src/render/json.js';
import { shellWord, terminalText } from '../../src/render/escape-terminal.js';
import { renderPlan, type PlanFormat } from '../../src/render/index.js';
import { parseCommitFlag } from '../../src/workflow/git-commit.js';
import { planTenant } from '../../src/workflow/plan-tenant.js';
import type { ProgressReporter } from '../../src/workflow/progress.js';
import { withinPlanLimit } from '../../src/workflow/saved-plan.js';
import { configCommit, resolveActor } from '../actor.js';
import { withDatabase, type DatabaseOptions, type DatabaseSession } from '../database-option.js';
import { formatOption } from '../format-option.js';
import { reportDiagnostics } from '../report-diagnostics.js';
import { startProgress, type ProgressOptions } from '../progress.js';
import { databaseArgument } from '../suggested-command.js';
import { err, out, useColor } from '../terminal.js';

export interface PlanOptions extends DatabaseOptions, ProgressOptions {
  readonly config: string[];
  readonly out?: string;
  readonly format: PlanFormat;
  readonly detailedExitcode?: boolean;
  readonly color?: boolean;
  readonly commit?: string;
}

/**
 * Plans, printing diagnostics to stderr; throws when no plan can be made. `session`: the database apply goes on with;
 * `report`: where apply shows its progress (otherwise plan shows its own).
 */
export async function makePlan(
  options: DatabaseOptions & ProgressOptions & { readonly config: string[]; readonly commit?: string; readonly forApply?: boolean },
  session?: DatabaseSession,
  report?: ProgressReporter,
): Promise<PlanDocument> {
  // Asked while the directory is read and the configuration parsed (planTenant waits for it).
  const gitCommit = configCommit(options.config, options.commit);
  // Awaited by planTenant, unless reading fails first: not an unhandled rejection then.
  gitCommit.catch(() => undefined);
  const progress = report ? { report, stop: () => undefined } : startProgress(options);
  const work = (db: Database) =>
    planTenant(db, { configPaths: options.config, env: process.env, tenantctlVersion: toolVersion(), gitCommit, onProgress: progress.report, forApply: options.forApply === true });
  const { plan, diagnostics } = await (session ? session.use(work) : withDatabase({ ...options, actor: resolveActor(options.actor) }, work)).finally(() =>
    progress.stop(),
  );
  if (diagnostics.length > 0) err(reportDiagnostics(diagnostics, 'text'));
  if (!plan || hasErrors(diagnostics)) {
    throw new TenantctlError('no plan was made: fix the problems above; nothing was changed', ExitCode.error, diagnostics);
  }
  return plan;
}

/**
 * Names of reports, which --out refuses, with how to write each: --out is the JSON plan apply
 * reads, and `--format markdown --out plan.md` would put JSON where the comment was meant to go.
 */
const REPORT_NAMES: readonly (readonly [RegExp, string])[] = [
  [/\.html?$/i, 'write the page with --format html > plan.html'],
  [/\.(md|markdown|txt)$/i, 'write the comment with --format markdown > plan.md (or the text plan with > plan.txt)'],
];

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .summary('show what apply would change, without changing anything')
    .description(
      'Diff the configuration against the database and show every change, purchase and risk.\n\n' +
        'Examples:\n  tenantctl plan -c examples/contoso\n  tenantctl plan -c examples/contoso --out plan.json --detailed-exitcode\n' +
        '  tenantctl plan -c examples/contoso --format markdown > comment.md\n' +
        '  tenantctl plan -c examples/contoso --format html > plan.html',
    )
    .requiredOption('-c, --config <path...>', 'YAML file or directory of YAML files (repeatable)')
    .option('--out <file>', 'save the plan (JSON, with its fingerprint) for `apply --plan`; - is refused: print the JSON plan with --format json')
    .addOption(formatOption(['text', 'json', 'markdown', 'html'], 'text, json, markdown or html (one self-contained page; --out still saves the JSON plan)'))
    .option('--commit <sha>', 'the configuration\'s git commit to record (default: the CI\'s variable, else git)', parseCommitFlag)
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are, 1 on error')
    .option('--no-color', 'no colours, even at a terminal (NO_COLOR is honoured too)')
    .option('--quiet', 'no progress on stderr, however long planning takes (also TENANTCTL_QUIET=1)')
    .action(async (options: PlanOptions) => {
      const saveTo = options.out;
      const report = saveTo === undefined ? undefined : REPORT_NAMES.find(([name]) => name.test(saveTo));
      if (saveTo !== undefined && report) {
        throw new TenantctlError(`--out saves the JSON plan for \`apply --plan\`, not a report (got ${terminalText(saveTo)}): ${report[1]}, and the plan with --out plan.json`);
      }
      const plan = await makePlan(options);
      const shown = renderPlan(plan, options.format, { color: useColor(options.color) });
      // Saved before it is shown: a plan that cannot be saved is an error, and under --format json
      // standard output must then hold only the error's document, not the plan followed by it.
      if (options.out) {
        // Written in pieces: 100,000 adoptions are 200 MB of JSON. The JSON shown is the same text.
        const pieces = options.format === 'json' ? [Buffer.from(shown, 'utf8')] : planJsonChunks(plan);
        // Its folder is created as export --out creates its own, and removed again if the write fails.
        const file = options.out;
        writeInFoldersFor([file], () => writePrivateFile(file, withinPlanLimit(file, pieces)));
      }
      out(shown);
      if (options.out) {
        // apply recomputes a saved plan from the configuration, so it needs -c as well.
        const config = options.config.map((c) => `-c ${shellWord(c)}`).join(' ');
        const database = databaseArgument(options);
        err(
          `Saved the plan to ${terminalText(options.out)}; apply exactly this plan with: ` +
            `tenantctl apply --plan ${shellWord(options.out)} ${config}${database.argument}${database.passwordNote}`,
        );
      }
      if (options.detailedExitcode && !isEmptyPlanDocument(plan)) process.exitCode = ExitCode.changes;
    });
}
