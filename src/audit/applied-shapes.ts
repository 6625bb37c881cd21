import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import { packageRoot } from '../package-root.js';

// Loaded as schema-check.ts loads it: ajv is CommonJS, and only history needs these validators.
const load = createRequire(import.meta.url);

/**
 * What plan format 1.0 did not have yet, left out of the plan schema's
 * required fields: an apply recorded by an older tenantctl is not malformed
 * for lacking them (2.0 added address, before and after; 2.1 patch to
 * user.block, user.unblock and license.update; deletedAt and restorableUntil
 * came with the 30-day recycle bin). The renderers read none of them without
 * checking that they are there.
 */
const LATER_FIELDS = new Set(['address', 'before', 'after', 'patch', 'deletedAt', 'restorableUntil']);

/** The parts of a purchase and a cost that history shows; the rest (spare, reclaimable, monthlyFreed) came later. */
const PURCHASE_FIELDS = ['sku', 'productName', 'quantity', 'unitPrice', 'currency', 'monthlyCost'];
const COST_FIELDS = ['currency', 'monthlyIncrease'];

export interface AppliedValidators {
  readonly change: ValidateFunction;
  readonly summary: ValidateFunction;
  readonly approvals: ValidateFunction;
}

let validators: AppliedValidators | null = null;

type Schema = Record<string, unknown> & { $defs: Record<string, Record<string, unknown>>; properties: Record<string, Record<string, unknown>> };

/** The schemas the applied shapes come from, by file name: their texts are what a prebuilt validator was built from. */
export const APPLIED_SOURCES = ['plan.schema.json', 'history.schema.json'] as const;

export const APPLIED_SCHEMA_ID = 'https://tenantctl.dev/schemas/applied.schema.json';

/** Where each shape is, among the schemas appliedSchemas gives. */
export function appliedRefs(history: Record<string, unknown>): Record<keyof AppliedValidators, string> {
  return {
    change: `${APPLIED_SCHEMA_ID}#/$defs/change`,
    summary: `${APPLIED_SCHEMA_ID}#/$defs/appliedSummary`,
    approvals: `${String(history.$id)}#/$defs/apply/properties/approvals`,
  };
}

/**
 * The shapes of an apply row's parts, from the schemas apply's output is
 * described by rather than hand-written: each change is one of the plan's
 * (plan.schema.json $defs/change), the summary the plan's with its purchases,
 * cost and settings recorded (as apply-plan.ts stores it), the approvals history's own
 * (history.schema.json). Pure, for scripts/compile-schemas.mjs as well.
 */
export function appliedSchemas(plan: Schema, history: Schema): object[] {
  const branches = (plan.$defs.change?.oneOf ?? []) as { required?: string[] }[];
  const change = { ...plan.$defs.change, oneOf: branches.map((branch) => ({ ...branch, required: (branch.required ?? []).filter((field) => !LATER_FIELDS.has(field)) })) };
  const purchase = (plan.properties.purchases?.items ?? {}) as Record<string, unknown>;
  const summary = {
    ...plan.properties.summary,
    // restore and rename came with format 2.0; history.schema.json requires the rest.
    required: (history.$defs.apply?.properties as Schema['properties']).summary?.required,
    properties: {
      ...(plan.properties.summary?.properties as object),
      purchases: { type: 'array', items: { ...purchase, required: PURCHASE_FIELDS } },
      cost: { anyOf: [{ type: 'null' }, { ...plan.properties.cost, required: COST_FIELDS }] },
      // An apply that recorded settings other than the record before it (apply-plan.ts).
      settingsRecorded: { type: 'array', items: { $ref: '#/$defs/settingToRecord' } },
    },
  };
  return [{ $schema: plan.$schema, $id: APPLIED_SCHEMA_ID, $defs: { ...plan.$defs, change, appliedSummary: summary } }, history];
}

/** The texts of APPLIED_SOURCES, as the package holds them. */
export const appliedSourceTexts = (): string[] => APPLIED_SOURCES.map((name) => fs.readFileSync(path.join(packageRoot(), 'schemas', name), 'utf8'));

/** The shapes compiled by ajv now, from the texts of APPLIED_SOURCES. */
export function compileAppliedValidators(texts: readonly string[]): AppliedValidators {
  const [plan, history] = texts.map((text) => JSON.parse(text) as Schema) as [Schema, Schema];
  const { Ajv2020: Ajv } = load('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 };
  const addFormats = load('ajv-formats') as (ajv: Ajv2020) => Ajv2020;
  const ajv = addFormats(new Ajv({ strict: true, allowUnionTypes: true }));
  for (const schema of appliedSchemas(plan, history)) ajv.addSchema(schema);
  const get = (ref: string): ValidateFunction => {
    const validate = ajv.getSchema(ref);
    if (!validate) throw new Error(`no schema at ${ref}`);
    return validate;
  };
  const refs = appliedRefs(history);
  return { change: get(refs.change), summary: get(refs.summary), approvals: get(refs.approvals) };
}

/** The shapes scripts/compile-schemas.mjs built from these very texts (dist/validators/applied.cjs), or null. */
export function prebuiltAppliedValidators(texts: readonly string[]): AppliedValidators | null {
  const file = path.join(packageRoot(), 'dist', 'validators', 'applied.cjs');
  if (!fs.existsSync(file)) return null;
  const built = load(file) as Partial<AppliedValidators> & { schemaSha256?: string };
  const sha256 = createHash('sha256').update(texts.join('\n')).digest('hex');
  return built.schemaSha256 === sha256 && built.change && built.summary && built.approvals ? { change: built.change, summary: built.summary, approvals: built.approvals } : null;
}

/** Prebuilt, else compiled at the first history read (ajv took 0.3 s of a 0.8 s history), not at start. */
function compile(): AppliedValidators {
  const texts = appliedSourceTexts();
  return prebuiltAppliedValidators(texts) ?? compileAppliedValidators(texts);
}

const shapes = (): AppliedValidators => (validators ??= compile());

/** A change as some tenantctl's apply recorded it. */
export const isAppliedChange = (value: unknown): boolean => shapes().change(value);

/** A summary as apply stores it: the plan's counts, purchases and cost. */
export const isAppliedSummary = (value: unknown): boolean => shapes().summary(value);

/** Approvals as apply records them, or null for an apply from before it did. */
export const isAppliedApprovals = (value: unknown): boolean => shapes().approvals(value);
