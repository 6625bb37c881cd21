import type { Subscription } from '../../catalog/catalog.js';
import { error, type Diagnostic, type SourceLocation } from '../../diagnostics/diagnostic.js';
import type { RawLicense } from '../raw-config.js';
import { at, ownerName, type Rule } from './rule.js';

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

/** The plans of a licence that are on: every plan of the subscription not in disabledPlans. */
function plansOn(subscription: Subscription, license: RawLicense): string[] {
  const disabled = disabledOf(license);
  return subscription.servicePlans.filter((plan) => !disabled.has(plan));
}

/** Per licence entry (a user's own, or defaults'): each plan on whose required plan is off. */
export const licenseDependencies: Rule = ({ blocks, catalog }) => {
  const bySku = new Map((catalog?.subscriptions ?? []).filter((s) => stated(s.planDependencies)).map((s) => [s.sku, s]));
  if (bySku.size === 0) return [];
  return blocks.flatMap((block) =>
    (block.fields.licenses ?? []).flatMap((license, index): Diagnostic[] => {
      const subscription = bySku.get(skuOf(license));
      if (!subscription?.planDependencies) return [];
      const on = new Set(plansOn(subscription, license));
      return [...on].flatMap((plan) =>
        (subscription.planDependencies?.[plan] ?? [])
          .filter((required) => !on.has(required))
          .map((required) =>
            error(
              'LICENSE_DEPENDENCY',
              `${subscription.sku} of ${ownerName(block)}: service plan ${plan} is on but needs ${required}, which disabledPlans switches off; Entra refuses this assignment (DependencyViolation): also switch off ${plan}, or switch ${required} back on`,
              at(block.location, 'licenses', index),
            ),
          ),
      );
    }),
  );
};

/** Per user, with what it inherits: each plan on that its usage location does not offer. */
export const licenseLocations: Rule = ({ users, catalog }) => {
  const bySku = new Map((catalog?.subscriptions ?? []).filter((s) => stated(s.unavailableIn)).map((s) => [s.sku, s]));
  if (bySku.size === 0) return [];
  return users.flatMap(({ user, raw, own, location }): Diagnostic[] => {
    const country = raw.usageLocation?.toUpperCase();
    if (!country) return [];
    return (raw.licenses ?? []).flatMap((license) => {
      const subscription = bySku.get(skuOf(license));
      if (!subscription?.unavailableIn) return [];
      const refused = plansOn(subscription, license).filter((plan) => subscription.unavailableIn?.[plan]?.includes(country));
      if (refused.length === 0) return [];
      const ownIndex = (own.licenses ?? []).findIndex((l) => skuOf(l) === subscription.sku);
      // Where the user can fix it: its own licence entry, else its own usageLocation, else the user.
      const where: SourceLocation =
        ownIndex >= 0 ? at(location, 'licenses', ownIndex) : own.usageLocation !== undefined ? at(location, 'usageLocation') : location;
      const plans = refused.join(', ');
      return [
        error(
          'LICENSE_LOCATION',
          `${user.userPrincipalName} has usageLocation ${country}, where ${plans} of ${subscription.sku} ${refused.length === 1 ? 'is' : 'are'} not offered; Entra refuses this assignment (ProhibitedInUsageLocationViolation): add ${plans} to the licence's disabledPlans`,
          where,
        ),
      ];
    });
  });
};
