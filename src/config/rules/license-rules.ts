import type { Subscription } from '../../catalog/catalog.js';
import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { didYouMean } from '../suggest.js';
import { at, type DeclaredUser, type Rule } from './rule.js';

/** Pairs of subscriptions one user may not hold together (DOMAIN.md). */
const CONFLICTING_SKUS: readonly (readonly [string, string])[] = [['STANDARDPACK', 'ENTERPRISEPACK']];

/** `licenses[i]` as written, to point at the entry whatever its form. */
function licensePath(declared: DeclaredUser, sku: string): (string | number)[] {
  const index = (declared.raw.licenses ?? []).findIndex(
    (license) => (typeof license === 'string' ? license : license.sku).trim().toUpperCase() === sku,
  );
  return index < 0 ? ['licenses'] : ['licenses', index];
}

export const usageLocationRequired: Rule = ({ users }) =>
  users.flatMap((declared) =>
    declared.user.licenses.length > 0 && declared.user.attributes.usageLocation === null
      ? [
          error(
            'USAGE_LOCATION_REQUIRED',
            `${declared.user.userPrincipalName} has licenses but no usageLocation; set usageLocation (ISO 3166 country code, e.g. NL) on the user or in defaults`,
            at(declared.location, 'licenses'),
          ),
        ]
      : [],
  );

function checkPlans(declared: DeclaredUser, subscription: Subscription, all: readonly Subscription[]): Diagnostic[] {
  const license = declared.user.licenses.find((l) => l.sku === subscription.sku);
  const where = at(declared.location, ...licensePath(declared, subscription.sku), 'disabledPlans');
  return (license?.disabledPlans ?? []).flatMap((plan) => {
    if (subscription.servicePlans.includes(plan)) return [];
    const owner = all.find((s) => s.servicePlans.includes(plan));
    return [
      owner
        ? error(
            'LICENSE_PLAN_NOT_IN_SKU',
            `service plan ${plan} is not part of ${subscription.sku} (it belongs to ${owner.sku}); ${subscription.sku} has: ${subscription.servicePlans.join(', ')}`,
            where,
          )
        : error(
            'LICENSE_UNKNOWN_PLAN',
            `unknown service plan ${plan}${didYouMean(plan, subscription.servicePlans)}; ${subscription.sku} has: ${subscription.servicePlans.join(', ')}`,
            where,
          ),
    ];
  });
}

export const licensesKnown: Rule = ({ users, catalog }) => {
  if (!catalog) return [];
  const bySku = new Map(catalog.subscriptions.map((s) => [s.sku, s]));
  return users.flatMap((declared) => {
    const seen = new Set<string>();
    return declared.user.licenses.flatMap((license): Diagnostic[] => {
      const where = at(declared.location, ...licensePath(declared, license.sku));
      if (seen.has(license.sku)) {
        return [error('LICENSE_DUPLICATE', `${license.sku} is listed twice for ${declared.user.userPrincipalName}; list each subscription once`, where)];
      }
      seen.add(license.sku);
      const subscription = bySku.get(license.sku);
      if (!subscription) {
        return [
          error(
            'LICENSE_UNKNOWN_SKU',
            `unknown subscription ${license.sku}${didYouMean(license.sku, bySku.keys())}; the tenant has: ${[...bySku.keys()].join(', ')}`,
            where,
          ),
        ];
      }
      return checkPlans(declared, subscription, catalog.subscriptions);
    });
  });
};

export const licensesCompatible: Rule = ({ users }) =>
  users.flatMap((declared) => {
    const skus = new Set(declared.user.licenses.map((l) => l.sku));
    return CONFLICTING_SKUS.filter(([a, b]) => skus.has(a) && skus.has(b)).map(([a, b]) =>
      error(
        'LICENSE_CONFLICT',
        `${a} and ${b} conflict (their Exchange and SharePoint plans overlap); assign only one of them to ${declared.user.userPrincipalName}`,
        at(declared.location, ...licensePath(declared, b)),
      ),
    );
  });
