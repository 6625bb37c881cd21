import type { Catalog, Subscription } from '../../catalog/catalog.js';
import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { RawLicense } from '../raw-config.js';
import { closest } from '../suggest.js';
import { at, type FieldBlock, ownerName, type Rule } from './rule.js';
import { someOf } from '../../diagnostics/message-lists.js';

const normalize = (name: string): string => name.trim().toUpperCase();

function skuOf(license: RawLicense): string {
  return normalize(typeof license === 'string' ? license : license.sku);
}

/** A block's part numbers, normalised, in order; indexOf finds a part number's first entry. */
function skusOf(block: FieldBlock): string[] {
  return (block.fields.licenses ?? []).map(skuOf);
}

/**
 * What a mistyped part number most likely means: a product name ("Office 365
 * Enterprise E3"), its short name ("E3"), or the closest part number.
 */
function suggestSku(written: string, subscriptions: readonly Subscription[]): string {
  const wanted = written.trim().toLowerCase();
  const byName = subscriptions.find((s) => s.productName.toLowerCase() === wanted);
  const bySuffix = subscriptions.filter((s) => s.productName.toLowerCase().endsWith(` ${wanted}`));
  const nearest = byName || bySuffix.length === 1 ? undefined : closest(written, subscriptions.map((c) => c.sku));
  const match = byName ?? (bySuffix.length === 1 ? bySuffix[0] : undefined) ?? subscriptions.find((s) => s.sku === nearest);
  return match ? ` (did you mean ${match.sku}, ${match.productName}?)` : '';
}

interface PlanIndex {
  readonly bySku: ReadonlyMap<string, Subscription>;
  /** Service plan → the first subscription that has it. */
  readonly planOwner: ReadonlyMap<string, string>;
  /** Part number → its service plans, as a set (100,000 users: one set per subscription, not per licence). */
  readonly plansOf: ReadonlyMap<string, ReadonlySet<string>>;
  /** Part number → `SKU has: A, B, …`, written once, not per unknown plan. */
  readonly plansText: ReadonlyMap<string, string>;
}

/** Service plans named in one message; a catalog may state 500 per subscription. */
const SHOWN_PLANS = 100;

/**
 * Names in code-unit order, as the database returns them: the same message
 * whether the catalog came from the database or straight from its file.
 */
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const sorted = (names: Iterable<string>): string[] => [...names].sort(byCodeUnit);

function plansText(subscription: Subscription): string {
  return `${subscription.sku} has: ${someOf(sorted(subscription.servicePlans), SHOWN_PLANS)}`;
}

function indexCatalog(catalog: Catalog): PlanIndex {
  const planOwner = new Map<string, string>();
  const bySkuOrder = [...catalog.subscriptions].sort((a, b) => byCodeUnit(a.sku, b.sku));
  for (const s of bySkuOrder) for (const plan of s.servicePlans) if (!planOwner.has(plan)) planOwner.set(plan, s.sku);
  return {
    bySku: new Map(catalog.subscriptions.map((s) => [s.sku, s])),
    planOwner,
    plansOf: new Map(catalog.subscriptions.map((s) => [s.sku, new Set(s.servicePlans)])),
    plansText: new Map(catalog.subscriptions.map((s) => [s.sku, plansText(s)])),
  };
}

function checkPlans(block: FieldBlock, index: number, subscription: Subscription, catalog: PlanIndex): Diagnostic[] {
  const license = block.fields.licenses?.[index];
  if (license === undefined || typeof license === 'string' || !license.disabledPlans?.length) return [];
  const plans = catalog.plansOf.get(subscription.sku) ?? new Set(subscription.servicePlans);
  return (license.disabledPlans ?? []).flatMap((written, planIndex) => {
    const plan = normalize(written);
    if (plans.has(plan)) return [];
    const where = at(block.location, 'licenses', index, 'disabledPlans', planIndex);
    const has = catalog.plansText.get(subscription.sku) ?? plansText(subscription);
    const owner = catalog.planOwner.get(plan);
    if (owner) return [error('LICENSE_PLAN_NOT_IN_SKU', `service plan ${plan} is not part of ${subscription.sku} (it belongs to ${owner}); ${has}`, where)];
    const match = closest(plan, subscription.servicePlans);
    return [error('LICENSE_UNKNOWN_PLAN', `unknown service plan ${plan}${match ? ` (did you mean ${match}?)` : ''}; ${has}`, where)];
  });
}

/**
 * Each block's licenses: a part number listed twice (needs no catalog), and
 * with the catalog an unknown part number or a disabled plan the
 * subscription does not have.
 */
export const licensesKnown: Rule = ({ blocks, catalog }) => {
  const index = catalog ? indexCatalog(catalog) : undefined;
  const tenantHas = someOf(sorted(index?.bySku.keys() ?? []), SHOWN_PLANS);
  const diagnostics: Diagnostic[] = [];
  for (const block of blocks) {
    const skus = skusOf(block);
    skus.forEach((sku, i) => {
      const firstIndex = skus.indexOf(sku);
      if (firstIndex !== i) {
        diagnostics.push(
          error(
            'LICENSE_DUPLICATE',
            `${sku} is listed twice for ${ownerName(block)}; list each subscription once (one entry {sku: ${sku}, disabledPlans: [...]} switches plans off)`,
            at(block.location, 'licenses', i),
            at(block.location, 'licenses', firstIndex),
          ),
        );
        return;
      }
      if (!index || !catalog) return;
      const subscription = index.bySku.get(sku);
      if (!subscription) {
        const message = `unknown subscription ${sku}${suggestSku(sku, catalog.subscriptions)}; the tenant has: ${tenantHas}`;
        diagnostics.push(error('LICENSE_UNKNOWN_SKU', message, at(block.location, 'licenses', i)));
        return;
      }
      for (const d of checkPlans(block, i, subscription, index)) diagnostics.push(d);
    });
  }
  return diagnostics;
};

/**
 * settings.maxSeats and spareSeats name part numbers of the catalog: a cap
 * on a mistyped one (VISIOCLENT) caps nothing, and the plan would buy what
 * the administrator meant to stop, without a word.
 */
export const seatSettingsKnown: Rule = ({ settings, settingsLocation, anchor, catalog }) => {
  if (!catalog) return [];
  const known = new Set(catalog.subscriptions.map((s) => s.sku));
  const tenantHas = someOf(sorted(known), SHOWN_PLANS);
  const diagnostics: Diagnostic[] = [];
  for (const setting of ['maxSeats', 'spareSeats'] as const) {
    for (const sku of Object.keys(settings[setting])) {
      if (known.has(sku)) continue;
      const message = `settings.${setting} names unknown subscription ${sku}${suggestSku(sku, catalog.subscriptions)}, so it would hold nothing back; the tenant has: ${tenantHas}`;
      diagnostics.push(error('LICENSE_UNKNOWN_SKU', message, settingsLocation ? at(settingsLocation, setting, sku) : anchor));
    }
  }
  return diagnostics;
};
