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

interface Validators {
  readonly change: ValidateFunction;
  readonly summary: ValidateFunction;
  readonly approvals: ValidateFunction;
}

let validators: Validators | null = null;

type Schema = Record<string, unknown> & { $defs: Record<string, Record<string, unknown>>; properties: Record<string, Record<string, unknown>> };

const readSchema = (name: string): Schema => JSON.parse(fs.readFileSync(path.join(packageRoot(), 'schemas', name), 'utf8')) as Schema;

/**
 * The shapes of an apply row's parts, from the schemas apply's output is
 * described by rather than hand-written: each change is one of the plan's
 * (plan.schema.json $defs/change), the summary the plan's with its purchases
 * and cost (as apply-plan.ts stores it), the approvals history's own
 * (history.schema.json). Compiled at the first history read, not at start.
 */
function compile(): Validators {
  const { Ajv2020: Ajv } = load('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 };
  const addFormats = load('ajv-formats') as (ajv: Ajv2020) => Ajv2020;
  const ajv = addFormats(new Ajv({ strict: true, allowUnionTypes: true }));
  const plan = readSchema('plan.schema.json');
  const history = readSchema('history.schema.json');
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
    },
  };
  const defs = { ...plan.$defs, change, appliedSummary: summary };
  const root: object = { $schema: plan.$schema, $id: 'https://tenantctl.dev/schemas/applied.schema.json', $defs: defs };
  ajv.addSchema(root);
  ajv.addSchema(history);
  const get = (ref: string): ValidateFunction => {
    const validate = ajv.getSchema(ref);
    if (!validate) throw new Error(`no schema at ${ref}`);
    return validate;
  };
  return {
    change: get('https://tenantctl.dev/schemas/applied.schema.json#/$defs/change'),
    summary: get('https://tenantctl.dev/schemas/applied.schema.json#/$defs/appliedSummary'),
    approvals: get(`${String(history.$id)}#/$defs/apply/properties/approvals`),
  };
}

const shapes = (): Validators => (validators ??= compile());

/** A change as some tenantctl's apply recorded it. */
export const isAppliedChange = (value: unknown): boolean => shapes().change(value);

/** A summary as apply stores it: the plan's counts, purchases and cost. */
export const isAppliedSummary = (value: unknown): boolean => shapes().summary(value);

/** Approvals as apply records them, or null for an apply from before it did. */
export const isAppliedApprovals = (value: unknown): boolean => shapes().approvals(value);
