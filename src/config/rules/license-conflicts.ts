import type { Catalog } from '../../catalog/catalog.js';
import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { RawLicense } from '../raw-config.js';
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
}

const EXCLUSIVE = new Set(EXCLUSIVE_PLANS.flatMap((pair) => pair.plans));

function plansOn(license: RawLicense, plans: readonly string[]): Set<string> {
  const off = new Set(typeof license === 'string' ? [] : (license.disabledPlans ?? []).map((plan) => plan.trim().toUpperCase()));
  return new Set(plans.filter((plan) => EXCLUSIVE.has(plan) && !off.has(plan)));
}

/** A block's licences that hold an exclusive plan; a part number listed twice or unknown to the catalog is reported elsewhere. */
function licencesOf(block: FieldBlock, plansOf: (sku: string) => readonly string[] | undefined): Licence[] {
  const seen = new Set<string>();
  const licences: Licence[] = [];
  (block.fields.licenses ?? []).forEach((license, index) => {
    const sku = (typeof license === 'string' ? license : license.sku).trim().toUpperCase();
    if (seen.has(sku)) return;
    seen.add(sku);
    const on = plansOn(license, plansOf(sku) ?? []);
    if (on.size > 0) licences.push({ sku, index, on });
  });
  return licences;
}

function plansBySku(catalog: Catalog | null): (sku: string) => readonly string[] | undefined {
  if (!catalog) return (sku) => KNOWN_PLANS.get(sku);
  const bySku = new Map(catalog.subscriptions.map((s) => [s.sku, s.servicePlans.filter((plan) => EXCLUSIVE.has(plan))]));
  return (sku) => bySku.get(sku);
}

/** The services two licences both give in plans Entra refuses together, as `Exchange Online (EXCHANGE_S_STANDARD in E1, …)`. */
function clashes(earlier: Licence, later: Licence): string[] {
  return EXCLUSIVE_PLANS.flatMap(({ plans: [a, b], service }) => {
    if (earlier.on.has(a) && later.on.has(b)) return [`${service} (${a} in ${earlier.sku}, ${b} in ${later.sku})`];
    if (earlier.on.has(b) && later.on.has(a)) return [`${service} (${b} in ${earlier.sku}, ${a} in ${later.sku})`];
    return [];
  });
}

/**
 * Licences one user may not hold together, reported at the later one: both
 * switch on the standard and the enterprise plan of one service. Switching
 * one of them off in disabledPlans resolves it, as it does in Entra.
 */
export const licensesCompatible: Rule = ({ blocks, catalog }) => {
  const plansOf = plansBySku(catalog);
  const diagnostics: Diagnostic[] = [];
  for (const block of blocks) {
    if ((block.fields.licenses?.length ?? 0) < 2) continue;
    const licences = licencesOf(block, plansOf);
    licences.forEach((later, l) => {
      for (const earlier of licences.slice(0, l)) {
        const services = clashes(earlier, later);
        if (services.length === 0) continue;
        diagnostics.push(
          error(
            'LICENSE_CONFLICT',
            `${earlier.sku} and ${later.sku} conflict: Entra refuses them on one user (MutuallyExclusiveViolation), as both would give ${services.join(' and ')}; ` +
              `assign only one of them to ${ownerName(block)}, or switch one plan of each pair off in disabledPlans`,
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
