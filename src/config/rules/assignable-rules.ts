import type { Subscription } from '../../catalog/catalog.js';
import { error, type Diagnostic, type SourceLocation } from '../../diagnostics/diagnostic.js';
import type { RawLicense } from '../raw-config.js';
import { at, ownerName, type Rule } from './rule.js';
import { formatCount, someOf } from '../../diagnostics/message-lists.js';
import { groupInto } from '../../group-into.js';

/**
 * Licences Entra would refuse to assign although every name in them is
 * right (DOMAIN.md, Lifecycle facts): a service plan switched on while a plan
 * it needs is off (DependencyViolation), and a plan switched on for a user
 * whose usage location it is not offered in (ProhibitedInUsageLocationViolation).
 * Both need the facts the catalog states (planDependencies, unavailableIn).
 */

const skuOf = (license: RawLicense) => (typeof license === 'string' ? license : license.sku).trim().toUpperCase();
const disabledOf = (license: RawLicense) => new Set(typeof license === 'string' ? [] : (license.disabledPlans ?? []).map((p) => p.trim().toUpperCase()));

/** Whether the catalog states any such fact for a subscription (read from the database, none is `{}`). */
const stated = (facts: Readonly<Record<string, readonly string[]>> | undefined): boolean => facts !== undefined && Object.keys(facts).length > 0;

/** At most this many plans (and plans each needs) are named in one message; the rest are counted. */
export const SHOWN_PLANS = 5;

interface Dependencies {
  readonly subscription: Subscription;
  /** Required plan → the plans that need it, in the subscription's order of plans. */
  readonly dependents: ReadonlyMap<string, readonly string[]>;
  /** Plan → its place in the subscription, to name plans in the catalog's order. */
  readonly order: ReadonlyMap<string, number>;
}

function indexDependencies(subscription: Subscription): Dependencies {
  const order = new Map(subscription.servicePlans.map((plan, i) => [plan, i]));
  const dependents = new Map<string, string[]>();
  for (const plan of subscription.servicePlans) {
    for (const required of subscription.planDependencies?.[plan] ?? []) groupInto(dependents, required, plan);
  }
  return { subscription, dependents, order };
}

/**
 * Plans on that need a plan switched off, each with what it needs, in the
 * catalog's order. The work is that of the plans switched off and the plans
 * that need them, whatever the catalog holds besides.
 */
function unmetDependencies(index: Dependencies, disabled: ReadonlySet<string>): [plan: string, needs: string[]][] {
  const unmet = new Map<string, string[]>();
  for (const required of disabled) {
    for (const plan of index.dependents.get(required) ?? []) {
      if (!disabled.has(plan)) groupInto(unmet, plan, required);
    }
  }
  const place = (plan: string) => index.order.get(plan) ?? 0;
  return [...unmet].sort(([a], [b]) => place(a) - place(b)).map(([plan, needs]) => [plan, needs.sort((a, b) => place(a) - place(b))]);
}

export function dependencyMessage(sku: string, owner: string, unmet: readonly [string, readonly string[]][]): string {
  const entra = 'Entra refuses this assignment (DependencyViolation)';
  const [first] = unmet;
  if (unmet.length === 1 && first) {
    const [plan, needs] = first;
    const them = needs.length === 1 ? needs[0] : 'them';
    return `${sku} of ${owner}: service plan ${plan} is on but needs ${someOf(needs, SHOWN_PLANS)}, which disabledPlans switches off; ${entra}: also switch off ${plan}, or switch ${them} back on`;
  }
  const shown = unmet.slice(0, SHOWN_PLANS).map(([plan, needs]) => `${plan} needs ${someOf(needs, SHOWN_PLANS)}`);
  const more = unmet.length > SHOWN_PLANS ? `; and ${formatCount(unmet.length - SHOWN_PLANS)} more` : '';
  return (
    `${sku} of ${owner}: ${formatCount(unmet.length)} service plans are on but need plans that disabledPlans switches off: ${shown.join('; ')}${more}; ` +
    `${entra}: also switch off the plans that are on, or switch the plans they need back on`
  );
}

/**
 * Per licence entry (a user's own, or defaults'): the plans on whose required
 * plans are off, in one diagnostic (a catalog where 100 plans need 300 others
 * would otherwise give 30,000 per licence).
 */
export const licenseDependencies: Rule = ({ blocks, catalog }) => {
  const bySku = new Map((catalog?.subscriptions ?? []).filter((s) => stated(s.planDependencies)).map((s) => [s.sku, indexDependencies(s)]));
  if (bySku.size === 0) return [];
  const diagnostics: Diagnostic[] = [];
  // Users usually share a few lists of plans switched off (often one alias): each is worked out once.
  const known = new Map<string, [string, string[]][]>();
  for (const block of blocks) {
    (block.fields.licenses ?? []).forEach((license, index) => {
      if (typeof license === 'string' || !license.disabledPlans?.length) return;
      const dependencies = bySku.get(skuOf(license));
      if (!dependencies) return;
      const disabled = disabledOf(license);
      const key = `${dependencies.subscription.sku} ${[...disabled].sort().join(' ')}`;
      const unmet = known.get(key) ?? unmetDependencies(dependencies, disabled);
      known.set(key, unmet);
      if (unmet.length === 0) return;
      diagnostics.push(error('LICENSE_DEPENDENCY', dependencyMessage(dependencies.subscription.sku, ownerName(block), unmet), at(block.location, 'licenses', index)));
    });
  }
  return diagnostics;
};

/** Country → the subscription's plans not offered there, in the subscription's order: a lookup per user, not a scan of every plan. */
function unavailableByCountry(subscription: Subscription): Map<string, string[]> {
  const byCountry = new Map<string, string[]>();
  for (const plan of subscription.servicePlans) {
    for (const country of new Set(subscription.unavailableIn?.[plan] ?? [])) groupInto(byCountry, country, plan);
  }
  return byCountry;
}

/** What Entra would refuse of one licence: plans on that need a plan switched off, and plans on where the user is that are not offered there. */
export interface LicenceRefusals {
  readonly unmet: readonly [plan: string, needs: readonly string[]][];
  readonly notOffered: readonly string[];
}

/**
 * The two checks above for licences as the directory holds them (export
 * warns of what validate will refuse). Null when the catalog states nothing
 * about the licence's subscription, so most licences cost one lookup.
 */
export function licenceRefusals(subscriptions: readonly Subscription[]): (sku: string, disabledPlans: readonly string[], country: string | null) => LicenceRefusals | null {
  const dependencies = new Map(subscriptions.filter((s) => stated(s.planDependencies)).map((s) => [s.sku, indexDependencies(s)]));
  const locations = new Map(subscriptions.filter((s) => stated(s.unavailableIn)).map((s) => [s.sku, unavailableByCountry(s)]));
  // Users share a few lists of plans switched off and a few countries: each combination is worked out once.
  const known = new Map<string, LicenceRefusals | null>();
  return (sku, disabledPlans, country) => {
    const index = dependencies.get(sku);
    const byCountry = locations.get(sku);
    if (!index && !byCountry) return null;
    const key = `${sku}\n${country ?? ''}\n${disabledPlans.join('\n')}`;
    const seen = known.get(key);
    if (seen !== undefined) return seen;
    const disabled = new Set(disabledPlans);
    const unmet = index && disabled.size > 0 ? unmetDependencies(index, disabled) : [];
    const notOffered = country ? (byCountry?.get(country.toUpperCase()) ?? []).filter((plan) => !disabled.has(plan)) : [];
    const refusals = unmet.length > 0 || notOffered.length > 0 ? { unmet, notOffered } : null;
    known.set(key, refusals);
    return refusals;
  };
}

/** Per user, with what it inherits: each plan on that its usage location does not offer. */
export const licenseLocations: Rule = ({ users, catalog }) => {
  const bySku = new Map((catalog?.subscriptions ?? []).filter((s) => stated(s.unavailableIn)).map((s) => [s.sku, { subscription: s, byCountry: unavailableByCountry(s) }]));
  if (bySku.size === 0) return [];
  return users.flatMap(({ user, raw, own, location }): Diagnostic[] => {
    const country = raw.usageLocation?.toUpperCase();
    if (!country) return [];
    return (raw.licenses ?? []).flatMap((license) => {
      const unavailable = bySku.get(skuOf(license));
      if (!unavailable) return [];
      const { subscription } = unavailable;
      const disabled = disabledOf(license);
      const refused = (unavailable.byCountry.get(country) ?? []).filter((plan) => !disabled.has(plan));
      if (refused.length === 0) return [];
      const ownIndex = (own.licenses ?? []).findIndex((l) => skuOf(l) === subscription.sku);
      // Where the user can fix it: its own licence entry, else its own usageLocation, else the user.
      const where: SourceLocation =
        ownIndex >= 0 ? at(location, 'licenses', ownIndex) : own.usageLocation !== undefined ? at(location, 'usageLocation') : location;
      const plans = someOf(refused, SHOWN_PLANS);
      return [
        error(
          'LICENSE_LOCATION',
          `${user.userPrincipalName} has usageLocation ${country}, where ${plans} of ${subscription.sku} ${refused.length === 1 ? 'is' : 'are'} not offered; Entra refuses this assignment (ProhibitedInUsageLocationViolation): add ${refused.length > SHOWN_PLANS ? 'them' : plans} to the licence's disabledPlans`,
          where,
        ),
      ];
    });
  });
};
