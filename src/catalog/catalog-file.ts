import { checkSchema } from '../config/schema-check.js';
import { locateDiagnostics } from '../config/locate.js';
import { loadYamlSources } from '../config/yaml-source.js';
import { error, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Domain, Subscription } from './catalog.js';

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
  }[];
}

function duplicates(values: readonly string[]): number[] {
  const seen = new Set<string>();
  return values.flatMap((value, index) => {
    if (seen.has(value)) return [index];
    seen.add(value);
    return [];
  });
}

function checkCatalog(file: string, raw: RawCatalog): Diagnostic[] {
  const problems: Diagnostic[] = [];
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
    if (s.currency !== currency) {
      problems.push(
        error('CATALOG_INVALID', `all subscriptions must be billed in one currency (${currency}), not ${s.currency}`, { file, path: ['subscriptions', index, 'currency'] }),
      );
    }
    for (const planIndex of duplicates(s.servicePlans)) {
      problems.push(error('CATALOG_INVALID', `service plan ${s.servicePlans[planIndex]} is listed twice`, { file, path: ['subscriptions', index, 'servicePlans', planIndex] }));
    }
  });
  return problems;
}

/** Reads and checks a catalog file; every problem is a located diagnostic. */
export function readCatalogFile(path: string): { catalog: CatalogFile | null; diagnostics: readonly Diagnostic[] } {
  const sources = loadYamlSources([path], 'a catalog file');
  const diagnostics: Diagnostic[] = [...sources.diagnostics];
  const file = sources.files[0];
  if (file && file.value !== null) {
    const shape = checkSchema('catalog.schema.json', file.file, file.value, 'CATALOG_SCHEMA');
    diagnostics.push(...shape);
    if (shape.length === 0) diagnostics.push(...checkCatalog(file.file, file.value as RawCatalog));
  }
  if (diagnostics.length > 0 || !file) {
    return { catalog: null, diagnostics: sortDiagnostics(locateDiagnostics(sources.files, diagnostics)) };
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
      })),
    },
    diagnostics: [],
  };
}
