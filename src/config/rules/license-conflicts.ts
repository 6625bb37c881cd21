import type { Catalog, Subscription } from '../../catalog/catalog.js';
import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { RawLicense } from '../raw-config.js';
import { andList, someOf } from '../../diagnostics/message-lists.js';
import { at, type FieldBlock, ownerName, type Rule } from './rule.js';

/**
 * Service plans Entra refuses on one user (MutuallyExclusiveViolation): the
 * standard and the enterprise plan of one service. This is why E1 and E3
 * conflict (DOMAIN.md), and so do E1 and E5, or Business Premium and E3.
 */
const EXCLUSIVE_PLANS: readonly { readonly plans: readonly [string, string]; readonly service: string }[] = [
  { plans: ['EXCHANGE_S_STANDARD', 'EXCHANGE_S_ENTERPRISE'], service: 'Exchange Online' },
  { plans: ['SHAREPOINTSTANDARD', 'SHAREPOINTENTERPRISE'], service: 'SharePoint Online' },
];

const STANDARD = ['EXCHANGE_S_STANDARD', 'SHAREPOINTSTANDARD'];
const ENTERPRISE = ['EXCHANGE_S_ENTERPRISE', 'SHAREPOINTENTERPRISE'];

/**
 * Without the catalog (validate with no database): the exclusive plans of
 * the subscriptions DOMAIN.md lists. With it, the tenant's own plans decide.
 */
const KNOWN_PLANS: ReadonlyMap<string, readonly string[]> = new Map([
  ['O365_BUSINESS_ESSENTIALS', STANDARD],
  ['O365_BUSINESS_PREMIUM', STANDARD],
  ['STANDARDPACK', STANDARD],
  ['ENTERPRISEPACK', ENTERPRISE],
  ['ENTERPRISEPREMIUM', ENTERPRISE],
]);

interface Licence {
  readonly sku: string;
  readonly index: number;
  /** Its exclusive plans that are on: every one the subscription has, less disabledPlans. */
  readonly on: ReadonlySet<string>;
  /** Its disabledPlans, upper-cased. */
  readonly off: ReadonlySet<string>;
}

const EXCLUSIVE = new Set(EXCLUSIVE_PLANS.flatMap((pair) => pair.plans));

const disabledPlans = (license: RawLicense): Set<string> =>
  new Set(typeof license === 'string' ? [] : (license.disabledPlans ?? []).map((plan) => plan.trim().toUpperCase()));

/** A block's licences that hold an exclusive plan; a part number listed twice or unknown to the catalog is reported elsewhere. */
function licencesOf(block: FieldBlock, plansOf: (sku: string) => readonly string[] | undefined): Licence[] {
  const seen = new Set<string>();
  const licences: Licence[] = [];
  (block.fields.licenses ?? []).forEach((license, index) => {
    const sku = (typeof license === 'string' ? license : license.sku).trim().toUpperCase();
    if (seen.has(sku)) return;
    seen.add(sku);
    const off = disabledPlans(license);
    const on = new Set((plansOf(sku) ?? []).filter((plan) => !off.has(plan)));
    if (on.size > 0) licences.push({ sku, index, on, off });
  });
  return licences;
}

/** Each subscription's exclusive plans: the catalog's, or without it those DOMAIN.md's part numbers have. */
function plansBySku(catalog: Catalog | null): (sku: string) => readonly string[] | undefined {
  if (!catalog) return (sku) => KNOWN_PLANS.get(sku);
  const bySku = new Map(catalog.subscriptions.map((s) => [s.sku, s.servicePlans.filter((plan) => EXCLUSIVE.has(plan))]));
  return (sku) => bySku.get(sku);
}

/** The clashing plans of two licences: each service both give, with the plan each gives it by. */
function clashes(earlier: Licence, later: Licence): { readonly service: string; readonly earlier: string; readonly later: string }[] {
  return EXCLUSIVE_PLANS.flatMap(({ plans: [a, b], service }) => {
    if (earlier.on.has(a) && later.on.has(b)) return [{ service, earlier: a, later: b }];
    if (earlier.on.has(b) && later.on.has(a)) return [{ service, earlier: b, later: a }];
    return [];
  });
}

const SHOWN_PLANS = 100;


/**
 * The plans of a licence that need one of `plans` (the catalog's
 * planDependencies, followed through), and are on: switching `plans` off
 * alone would be refused (DependencyViolation, LICENSE_DEPENDENCY). Walked
 * from the plans switched off through an index of who needs each plan, so
 * a long chain costs its length, not its square; the same question for
 * another user is answered from `memo`.
 */
function dependents(licence: Licence, plans: readonly string[], subscription: Subscription | undefined, memo: Map<string, string[]>): string[] {
  const key = [licence.sku, plans.join(','), [...licence.off].sort().join(',')].join('\0');
  const known = memo.get(key);
  if (known) return known;
  const neededBy = new Map<string, string[]>();
  for (const [plan, required] of Object.entries(subscription?.planDependencies ?? {})) {
    for (const r of required) {
      const list = neededBy.get(r);
      if (list) list.push(plan);
      else neededBy.set(r, [plan]);
    }
  }
  const off = new Set(plans);
  const found: string[] = [];
  const queue = [...plans];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const plan of neededBy.get(next) ?? []) {
      if (off.has(plan) || licence.off.has(plan)) continue;
      off.add(plan);
      found.push(plan);
      queue.push(plan);
    }
  }
  found.sort();
  memo.set(key, found);
  return found;
}

/**
 * How to keep both: switch the clashing plans off in one of them, the
 * cheaper with the catalog (the add-on, most often), with what needs them.
 */
function keepBoth(earlier: Licence, later: Licence, pairs: ReturnType<typeof clashes>, subscriptions: ReadonlyMap<string, Subscription> | null, memo: Map<string, string[]>): string {
  const price = (licence: Licence) => subscriptions?.get(licence.sku)?.unitPrice ?? 0;
  const side = price(later) < price(earlier) ? 'later' : 'earlier';
  const licence = side === 'later' ? later : earlier;
  const plans = pairs.map((pair) => pair[side]);
  const also = subscriptions ? dependents(licence, plans, subscriptions.get(licence.sku), memo) : [];
  // A catalog may chain 500 plans: named as other lists of plans are, the first 100 and a count.
  const named = also.length > SHOWN_PLANS ? someOf(also, SHOWN_PLANS) : andList(also);
  const needing = also.length > 0 ? ` with ${named}, which need ${plans.length === 1 ? 'it' : 'them'}` : subscriptions ? '' : ' with any plan that needs them';
  return `switch ${andList(plans)} off in ${licence.sku}'s disabledPlans${needing}`;
}

/**
 * Licences one user may not hold together, reported at the later one: both
 * switch on the standard and the enterprise plan of one service. Switching
 * one of them off in disabledPlans resolves it, as it does in Entra.
 */
export const licensesCompatible: Rule = ({ blocks, catalog }) => {
  const plansOf = plansBySku(catalog);
  const subscriptions = catalog ? new Map(catalog.subscriptions.map((s) => [s.sku, s])) : null;
  const memo = new Map<string, string[]>();
  const diagnostics: Diagnostic[] = [];
  for (const block of blocks) {
    if ((block.fields.licenses?.length ?? 0) < 2) continue;
    const licences = licencesOf(block, plansOf);
    licences.forEach((later, l) => {
      for (const earlier of licences.slice(0, l)) {
        const pairs = clashes(earlier, later);
        if (pairs.length === 0) continue;
        const services = pairs.map((p) => `${p.service} (${p.earlier} in ${earlier.sku}, ${p.later} in ${later.sku})`);
        diagnostics.push(
          error(
            'LICENSE_CONFLICT',
            `${earlier.sku} and ${later.sku} conflict: Entra refuses them on one user (MutuallyExclusiveViolation), as both would give ${services.join(' and ')}; ` +
              `assign only one of them to ${ownerName(block)}, or ${keepBoth(earlier, later, pairs, subscriptions, memo)}`,
            at(block.location, 'licenses', later.index),
            at(block.location, 'licenses', earlier.index),
          ),
        );
        return;
      }
    });
  }
  return diagnostics;
};
