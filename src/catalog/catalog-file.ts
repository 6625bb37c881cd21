import fs from 'node:fs';
import { mergeAliasRepeats } from '../config/alias-repeats.js';
import { limitDiagnostics } from '../config/diagnostic-limit.js';
import { didYouMeanSibling } from '../config/config-files.js';
import { checkSchema } from '../config/schema-check.js';
import { countValues } from '../config/schema-bounds.js';
import { unstorableText } from '../config/storable-text.js';
import { locateDiagnostics } from '../config/locate.js';
import { loadYamlSources, type ValueLimit } from '../config/yaml-source.js';
import { error, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Domain, Subscription } from './catalog.js';
import { CURRENCY_CODES } from './currency-codes.js';
import { formatCount } from '../diagnostics/message-lists.js';

/** A catalog file's content; `consumed` is the database's business, not the file's. */
export interface CatalogFile {
  readonly domains: readonly Domain[];
  readonly subscriptions: readonly Omit<Subscription, 'consumed'>[];
}

interface RawCatalog {
  domains: { name: string; verified?: boolean; default?: boolean }[];
  subscriptions: {
    sku: string;
    productName: string;
    seats: number;
    unitPrice: number;
    currency: string;
    purchasable?: boolean;
    servicePlans: string[];
    planDependencies?: Record<string, string[]>;
    unavailableIn?: Record<string, string[]>;
  }[];
}

/** Each list sorted and unique, keys in order: equal facts compare equal. */
function sortedLists(record: Record<string, string[]> | undefined): Record<string, string[]> {
  return Object.fromEntries(
    Object.keys(record ?? {})
      .sort()
      .map((key) => [key, [...new Set(record?.[key] ?? [])].sort()]),
  );
}

function duplicates(values: readonly string[]): number[] {
  const seen = new Set<string>();
  return values.flatMap((value, index) => {
    if (seen.has(value)) return [index];
    seen.add(value);
    return [];
  });
}

/**
 * What one catalog may state beyond the schema's limits per list (1,000
 * subscriptions, 500 service plans each, ...). Each fact is a row `init`
 * writes and a fact the licence rules read for every user: a 2.6 MB catalog
 * of 400,000 dependencies took `init` 22 s and a plan past the heap. Real
 * tenants state a few dozen subscriptions of at most a hundred or so plans.
 */
export const CATALOG_LIMITS = {
  /** Service plans, all subscriptions together. */
  servicePlans: 20_000,
  /** planDependencies pairs (a plan, a plan it needs) of one subscription. */
  dependenciesPerSubscription: 1_000,
  /** planDependencies pairs, all subscriptions together. */
  dependencies: 20_000,
  /** unavailableIn pairs (a plan, a country), all subscriptions together. */
  unavailable: 20_000,
  /**
   * Values (keys, list items and scalars) of the whole file. A catalog at every
   * limit above holds about 200,000 (5,000 domains of 7, 1,000 subscriptions
   * of 19, and 20,000 each of plans, dependencies and countries with their
   * keys). The schema check reports every problem, each costing a kilobyte
   * or more on its way to a diagnostic: a 13 MB catalog of a million unknown
   * keys took 40 s and 2.7 GB, and a 64 MiB one could take Node's whole heap.
   */
  values: 250_000,
} as const;

/**
 * CATALOG_TOO_LARGE at the domain, subscription or section that takes the
 * file past CATALOG_LIMITS.values, counted before the schema check, which is
 * then not run. Counting stops where the limit is passed.
 */
function valuesPastLimit(file: string, value: unknown): Diagnostic | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const limit = CATALOG_LIMITS.values;
  let used = 1;
  const past = (path: (string | number)[]) =>
    error(
      'CATALOG_TOO_LARGE',
      `here the catalog passes ${formatCount(limit)} values (keys, list items and scalars), more than a catalog at every limit holds (about 200,000); remove what does not belong in a catalog`,
      { file, path },
    );
  for (const key in value) {
    const section = (value as Record<string, unknown>)[key];
    used += 1;
    if (Array.isArray(section)) {
      used += 1;
      for (let i = 0; i < section.length; i++) {
        used += countValues(section[i], limit - used + 1);
        if (used > limit) return past([key, i]);
      }
    } else {
      used += countValues(section, limit - used + 1);
      if (used > limit) return past([key]);
    }
  }
  return null;
}

const pairs = (record: Record<string, string[]> | undefined): number => Object.values(record ?? {}).reduce((sum, list) => sum + list.length, 0);

/** CATALOG_TOO_LARGE where a subscription takes the catalog past one of CATALOG_LIMITS, once per limit. */
function checkCatalogSize(file: string, raw: RawCatalog): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const totals = { servicePlans: 0, dependencies: 0, unavailable: 0 };
  const past = new Set<keyof typeof totals>();
  const tooLarge = (message: string, path: (string | number)[]) => problems.push(error('CATALOG_TOO_LARGE', message, { file, path }));
  raw.subscriptions.forEach((s, index) => {
    const dependencies = pairs(s.planDependencies);
    if (dependencies > CATALOG_LIMITS.dependenciesPerSubscription) {
      tooLarge(
        `${s.sku} states ${formatCount(dependencies)} plan dependencies, more than the ${formatCount(CATALOG_LIMITS.dependenciesPerSubscription)} a subscription may; state only the dependencies Entra enforces`,
        ['subscriptions', index, 'planDependencies'],
      );
    }
    const counts = { servicePlans: s.servicePlans.length, dependencies, unavailable: pairs(s.unavailableIn) };
    const field = { servicePlans: 'servicePlans', dependencies: 'planDependencies', unavailable: 'unavailableIn' } as const;
    const what = { servicePlans: 'service plans', dependencies: 'plan dependencies', unavailable: 'unavailable (plan, country) pairs' } as const;
    for (const key of ['servicePlans', 'dependencies', 'unavailable'] as const) {
      totals[key] += counts[key];
      if (totals[key] <= CATALOG_LIMITS[key] || past.has(key)) continue;
      past.add(key);
      tooLarge(
        `with ${s.sku}, the catalog states more than ${formatCount(CATALOG_LIMITS[key])} ${what[key]}, the limit for one catalog; load only the subscriptions the tenant has`,
        ['subscriptions', index, field[key]],
      );
    }
  });
  return problems;
}

function checkCatalog(file: string, raw: RawCatalog): Diagnostic[] {
  const problems: Diagnostic[] = checkCatalogSize(file, raw);
  // Past a limit, the other checks would read what the limit is there to keep out.
  if (problems.length > 0) return problems;
  for (const index of duplicates(raw.domains.map((d) => d.name.toLowerCase()))) {
    problems.push(error('CATALOG_INVALID', `domain ${raw.domains[index]?.name} is listed twice`, { file, path: ['domains', index] }));
  }
  const defaults = raw.domains.flatMap((d, index) => (d.default ? [index] : []));
  for (const index of defaults.slice(1)) {
    problems.push(error('CATALOG_INVALID', 'only one domain can be the default', { file, path: ['domains', index, 'default'] }));
  }
  raw.domains.forEach((d, index) => {
    if (d.default && !d.verified) {
      problems.push(error('CATALOG_INVALID', `the default domain ${d.name} must be verified`, { file, path: ['domains', index] }));
    }
  });
  for (const index of duplicates(raw.subscriptions.map((s) => s.sku))) {
    problems.push(error('CATALOG_INVALID', `subscription ${raw.subscriptions[index]?.sku} is listed twice`, { file, path: ['subscriptions', index, 'sku'] }));
  }
  const currency = raw.subscriptions[0]?.currency;
  raw.subscriptions.forEach((s, index) => {
    problems.push(...priceProblems(file, s, index));
    if (s.currency !== currency) {
      problems.push(
        error('CATALOG_INVALID', `all subscriptions must be billed in one currency (${currency}), not ${s.currency}`, { file, path: ['subscriptions', index, 'currency'] }),
      );
    }
    for (const planIndex of duplicates(s.servicePlans)) {
      problems.push(error('CATALOG_INVALID', `service plan ${s.servicePlans[planIndex]} is listed twice`, { file, path: ['subscriptions', index, 'servicePlans', planIndex] }));
    }
    problems.push(...checkPlanFacts(file, index, s));
  });
  return problems;
}

/** Dependencies and unavailable countries may only name service plans of their own subscription. */
function checkPlanFacts(file: string, index: number, s: RawCatalog['subscriptions'][number]): Diagnostic[] {
  const plans = new Set(s.servicePlans);
  const has = `${s.sku} has: ${s.servicePlans.join(', ')}`;
  const problems: Diagnostic[] = [];
  for (const [plan, required] of Object.entries(s.planDependencies ?? {})) {
    const where = ['subscriptions', index, 'planDependencies', plan];
    if (!plans.has(plan)) problems.push(error('CATALOG_INVALID', `planDependencies names ${plan}, which is not a service plan of ${s.sku}; ${has}`, { file, path: where }));
    required.forEach((name, i) => {
      if (!plans.has(name)) {
        problems.push(error('CATALOG_INVALID', `${plan} depends on ${name}, which is not a service plan of ${s.sku}; a plan can only depend on a plan of its own licence; ${has}`, { file, path: [...where, i] }));
      } else if (name === plan) {
        problems.push(error('CATALOG_INVALID', `${plan} cannot depend on itself`, { file, path: [...where, i] }));
      }
    });
  }
  for (const plan of Object.keys(s.unavailableIn ?? {})) {
    if (!plans.has(plan)) {
      problems.push(error('CATALOG_INVALID', `unavailableIn names ${plan}, which is not a service plan of ${s.sku}; ${has}`, { file, path: ['subscriptions', index, 'unavailableIn', plan] }));
    }
  }
  return problems;
}

/** Prices are stored in cents: a third decimal would be lost without a word. */
function hasCents(price: number): boolean {
  return Number(price.toFixed(2)) === price;
}

function priceProblems(file: string, s: RawCatalog['subscriptions'][number], index: number): Diagnostic[] {
  const problems: Diagnostic[] = [];
  if (!hasCents(s.unitPrice)) {
    problems.push(
      error('CATALOG_INVALID', `unitPrice ${s.unitPrice} of ${s.sku} has more than two decimals, which would be stored as ${s.unitPrice.toFixed(2)}; write the price in whole cents`, {
        file,
        path: ['subscriptions', index, 'unitPrice'],
      }),
    );
  }
  if (!CURRENCY_CODES.has(s.currency)) {
    problems.push(
      error('CATALOG_INVALID', `currency ${s.currency} of ${s.sku} is not an ISO 4217 currency in use; write the code of the currency the tenant is billed in, e.g. USD or EUR`, {
        file,
        path: ['subscriptions', index, 'currency'],
      }),
    );
  }
  return problems;
}

/**
 * What `-c` would accept but `--catalog` does not: a path that is not there is
 * named with the flag it came from, and a directory is refused (as `-c` it
 * would be read as the directory's first YAML file, likely not the catalog).
 */
function givenPathProblem(path: string): Diagnostic | null {
  const stat = fs.statSync(path, { throwIfNoEntry: false });
  if (!stat) return error('CONFIG_NOT_FOUND', `${path} does not exist${didYouMeanSibling(path)}; check the path given with --catalog`, { file: path });
  if (stat.isDirectory()) {
    return error('CONFIG_NOT_A_FILE', `${path} is a directory; --catalog takes one YAML file, such as catalog.yaml`, { file: path });
  }
  return null;
}

/**
 * How far a catalog file is parsed: ten times CATALOG_LIMITS.values, so that a catalog past those
 * is told where (valuesPastLimit), and one far past them is not parsed to its end first (the
 * configuration's 10,000,000 values cost a 22 MB catalog 1.8 s and 345 MB, told to split the tenant).
 */
const PARSED_VALUES: ValueLimit = {
  values: 10 * CATALOG_LIMITS.values,
  refusal: (file) =>
    error(
      'CATALOG_TOO_LARGE',
      `the catalog holds more than ${formatCount(10 * CATALOG_LIMITS.values)} values (keys, list items and scalars), far more than a catalog at every limit holds (about 200,000), and was not read further: remove what does not belong in a catalog`,
      { file },
    ),
};

/** Reads and checks a catalog file; every problem is a located diagnostic. */
export function readCatalogFile(path: string): { catalog: CatalogFile | null; diagnostics: readonly Diagnostic[] } {
  const given = givenPathProblem(path);
  if (given) return { catalog: null, diagnostics: [given] };
  const sources = loadYamlSources([path], 'a catalog file', PARSED_VALUES);
  const diagnostics: Diagnostic[] = [...sources.diagnostics];
  const atKey = new Set<Diagnostic>();
  const file = sources.files[0];
  const pastLimit = file && file.value !== null ? valuesPastLimit(file.file, file.value) : null;
  if (pastLimit) diagnostics.push(pastLimit);
  else if (file && file.value !== null) {
    const shape = checkSchema('catalog.schema.json', file.file, file.value, 'CATALOG_SCHEMA', { pointAtKey: atKey });
    for (const d of shape) diagnostics.push(d);
    for (const d of unstorableText(file.file, file.value, file.text)) diagnostics.push(d);
    if (shape.length === 0) diagnostics.push(...checkCatalog(file.file, file.value as RawCatalog));
  }
  if (diagnostics.length > 0 || !file) {
    const located = locateDiagnostics(sources.files, diagnostics, { pointAt: (d) => (atKey.has(d) ? 'key' : undefined) });
    return { catalog: null, diagnostics: limitDiagnostics(mergeAliasRepeats(sortDiagnostics(located))) };
  }
  const raw = file.value as RawCatalog;
  return {
    catalog: {
      domains: raw.domains.map((d) => ({ name: d.name.toLowerCase(), verified: d.verified ?? false, isDefault: d.default ?? false })),
      subscriptions: raw.subscriptions.map((s) => ({
        sku: s.sku,
        productName: s.productName,
        seats: s.seats,
        unitPrice: s.unitPrice,
        currency: s.currency,
        purchasable: s.purchasable ?? true,
        servicePlans: [...s.servicePlans],
        planDependencies: sortedLists(s.planDependencies),
        unavailableIn: sortedLists(s.unavailableIn),
      })),
    },
    diagnostics: [],
  };
}
