import type { DesiredConfig } from '../config/load-config.js';
import { MAX_DIAGNOSTICS } from '../config/diagnostic-limit.js';
import { locateFirst } from '../config/locate-first.js';
import { normalizeLicense } from '../config/normalize-user.js';
import { fromEnvLocation } from '../config/rules/password-rules.js';
import { at } from '../config/rules/rule.js';
import { checkPasswordPolicy } from '../credentials/password-policy.js';
import { shownVariable, variableValue } from '../credentials/password-variable.js';
import { error, warning, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import type { Change } from '../plan/change.js';
import type { PlanProblem, PlanProblemSubject } from '../plan/plan-problem.js';
import { heldNote } from '../plan/held-limits.js';
import { costAboveCap } from '../render/money.js';
import type { Settings } from '../state/settings.js';
import { userKey } from '../state/tenant-state.js';

/**
 * Where a finding about the whole configuration points when the setting it
 * is about is not written: the first user, as GLOBAL_ADMIN_MINIMUM does.
 */
function anchor(config: DesiredConfig): SourceLocation | undefined {
  const [first] = config.declarations.values();
  if (first) return first.location;
  const file = config.files[0];
  return file && { file: file.file, path: ['users'] };
}

/** The entry of `sku` in the user's own licenses, or the user when it inherits the license from defaults. */
function licenseLocation(config: DesiredConfig, userPrincipalName: string, sku: string): SourceLocation | undefined {
  const declared = config.declarations.get(userKey(userPrincipalName));
  if (!declared) return undefined;
  const index = (declared.own.licenses ?? []).findIndex((license) => normalizeLicense(license).sku === sku);
  return index < 0 ? declared.location : at(declared.location, 'licenses', index);
}

/** Where in the configuration a problem's subject is written (undefined: nowhere, e.g. the catalog's seats). */
function subjectLocation(config: DesiredConfig, subject: PlanProblemSubject): SourceLocation | undefined {
  switch (subject.kind) {
    case 'user': {
      const location = config.declarations.get(userKey(subject.userPrincipalName))?.location;
      return location && subject.field ? at(location, subject.field) : location;
    }
    case 'license':
      return licenseLocation(config, subject.userPrincipalName, subject.sku);
    case 'setting':
      // An unwritten setting inside a written `settings` points at `settings:`, as the loader's do.
      return config.settingsLocation ? at(config.settingsLocation, ...subject.path) : anchor(config);
    case 'subscription':
      return undefined;
  }
}

/**
 * settings.maxMonthlyPurchaseCost is a limit no approval lifts: a plan whose
 * purchases cost more cannot be applied, so plan says so (located at the
 * setting) rather than ask a reviewer to approve what apply then refuses.
 */
export function purchaseCapProblems(
  cost: { readonly monthlyIncrease: number; readonly currency: string },
  settings: Pick<Settings, 'maxMonthlyPurchaseCost'>,
  configured: number | null = settings.maxMonthlyPurchaseCost,
): PlanProblem[] {
  const cap = settings.maxMonthlyPurchaseCost;
  if (cap === null || cost.monthlyIncrease <= cap) return [];
  // Held to the latest apply's cap (held-limits.ts): say so, as the file says otherwise.
  const note = configured === cap ? '' : `,${heldNote(configured)}`;
  return [
    {
      message: `${costAboveCap(cost.monthlyIncrease, cap, cost.currency, 'settings.maxMonthlyPurchaseCost')}${note}; raise the limit, or assign fewer licenses of subscriptions without free seats`,
      concerns: { kind: 'setting', path: ['maxMonthlyPurchaseCost'] },
    },
  ];
}

/**
 * A user created or reset with password.fromEnv needs its variable now, and
 * the password in it must meet the policy; for any other user the variable
 * does not matter. Located where validate locates the same variable (the
 * user's password.fromEnv, or defaults'). Messages name the variable, never its value.
 */
function passwordVariableProblems(changes: readonly Change[], env: Readonly<Record<string, string | undefined>>, config: DesiredConfig, forApply: boolean): Diagnostic[] {
  return changes.flatMap((change) => {
    if (change.kind !== 'user.create' && change.kind !== 'user.password-reset') return [];
    if (change.password.kind !== 'env') return [];
    const variable = shownVariable(change.password.variable);
    const why = change.kind === 'user.create' ? 'is created' : 'has its password reset';
    const declared = config.declarations.get(userKey(change.userPrincipalName));
    const where = declared && fromEnvLocation(declared, config.defaultsLocation);
    const value = variableValue(env, change.password.variable);
    if (!value) {
      const unset = `${change.userPrincipalName} ${why} with its temporary password from ${variable} (password.fromEnv), which is not set`;
      // A plan for review is made without the password secrets; apply needs them.
      return [
        forApply
          ? error('PASSWORD_ENV_UNSET', `${unset}; set it (e.g. from a CI secret), or remove fromEnv to generate a password`, where)
          : warning('PASSWORD_ENV_UNSET', `${unset} here; apply needs it: set it (e.g. from a CI secret) where apply runs, or remove fromEnv to generate a password`, where),
      ];
    }
    // Whether it holds the account name only at apply: see passwordFromEnv. A plan for a pull request must
    // not tell it, account name by account name, what the variable holds; apply, which runs only reviewed
    // configuration, says so located at the fromEnv like the rest (prepare-credentials checks it again).
    const problems = checkPasswordPolicy(value, forApply ? change.userPrincipalName : '');
    if (problems.length === 0) return [];
    return [error('PASSWORD_POLICY', `the password in ${variable} for ${change.userPrincipalName} (who ${why}) breaks the password policy: it ${problems.join('; it ')}`, where)];
  });
}

/**
 * Why a computed plan may not be applied, as diagnostics located in the
 * configuration like the loader's (`file:line:column`): the planner's
 * problems (PLAN_REFUSED, at what each concerns) and the password variables
 * of the users it creates or resets. Only the diagnostics there are get
 * located, so a plan without any costs nothing here beyond one pass over
 * its changes.
 */
export function planRefusals(
  problems: readonly PlanProblem[],
  changes: readonly Change[],
  env: Readonly<Record<string, string | undefined>>,
  config: DesiredConfig,
  forApply: boolean,
): Diagnostic[] {
  const refusals = [
    ...problems.map((problem) => error('PLAN_REFUSED', problem.message, subjectLocation(config, problem.concerns))),
    ...passwordVariableProblems(changes, env, config, forApply),
  ];
  // Only those listed need their line: at most MAX_DIAGNOSTICS are, and the first left out gives the limit's notice its place.
  return refusals.length === 0 ? refusals : locateFirst(config.files, refusals, MAX_DIAGNOSTICS + 1);
}
