import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { packageRoot } from '../package-root.js';
import { MERGE_KEY, mergeKeyMessage, mergeKeyParents, mergeNote, underMergeKey } from './merge-key.js';
import { closest } from './suggest.js';

// Not bundled: ajv itself is loaded only when a schema has no compiled validator.
const load = createRequire(import.meta.url);

const compiled = new Map<string, ValidateFunction>();

/**
 * The validator scripts/compile-schemas.mjs built from this very schema text
 * (dist/validators/), or null: none built, or built from another version.
 */
export function prebuiltValidator(name: string, text: string, variant = ''): ValidateFunction | null {
  const file = path.join(packageRoot(), 'dist', 'validators', name.replace(/\.json$/, `${variant}.cjs`));
  if (!fs.existsSync(file)) return null;
  const validate = load(file) as ValidateFunction & { schemaSha256?: string };
  return validate.schemaSha256 === createHash('sha256').update(text).digest('hex') ? validate : null;
}

export function compileValidator(text: string, allErrors = true): ValidateFunction {
  const { Ajv2020: Ajv } = load('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020 };
  // ajv-formats is CommonJS: its export is the function.
  const addFormats = load('ajv-formats') as (ajv: Ajv2020) => Ajv2020;
  // verbose: errors carry the offending value and their schema, for messages that name what is allowed.
  const ajv = new Ajv({ allErrors, strict: true, allowUnionTypes: true, verbose: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(text) as object);
}

/** The validator of a schema of schemas/ by file name: prebuilt, else compiled (once). */
export function schemaValidator(name: string): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    const text = fs.readFileSync(path.join(packageRoot(), 'schemas', name), 'utf8');
    validate = prebuiltValidator(name, text) ?? compileValidator(text);
    compiled.set(name, validate);
  }
  return validate;
}

const firstErrorCompiled = new Map<string, ValidateFunction>();

/**
 * The validator of a schema of schemas/ that stops at the first error, for
 * files tenantctl writes itself (a saved plan): one problem says it is not
 * one, and a hostile file's errors cost nothing. With every error collected,
 * ajv concatenates each list item's errors onto all before them: a 30 KB plan
 * of 10,000 empty changes (1.2 million errors) took four minutes, and a
 * 64 MiB one of unknown keys ran out of memory. Prebuilt for the plan's
 * schema (scripts/compile-schemas.mjs), else compiled at its first use.
 */
export function firstErrorValidator(name: string): ValidateFunction {
  let validate = firstErrorCompiled.get(name);
  if (!validate) {
    const text = fs.readFileSync(path.join(packageRoot(), 'schemas', name), 'utf8');
    validate = prebuiltValidator(name, text, '.first') ?? compileValidator(text, false);
    firstErrorCompiled.set(name, validate);
  }
  return validate;
}

/** A JSON pointer (`/users/0/licenses`) as a path (`['users', 0, 'licenses']`). */
export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** Only YAML has merge keys: in a saved plan (JSON) "<<" is a field like any other. */
const fromYaml = (schemaName: string): boolean => schemaName !== 'plan.schema.json';

/** An unknown field's message lists what is allowed in its place up to this many; past it, names the schema. */
const LISTED_FIELDS = 12;

function describe(e: ErrorObject, schemaName: string): { path: (string | number)[]; message: string; atKey?: boolean } {
  const at = pointerToPath(e.instancePath);
  const last = at.at(-1);
  const field = last === undefined ? 'the document' : String(last);
  // An entry of a list by its place, not its index: `item 2 of "servicePlans"`, not `"1"`.
  const label = typeof last === 'number' ? `item ${last + 1} of "${String(at.at(-2) ?? 'the list')}"` : `"${field}"`;
  const yaml = fromYaml(schemaName);
  // A key refused by propertyNames: the key is the problem, not the mapping.
  if (e.propertyName !== undefined && e.keyword !== 'propertyNames') {
    if (e.propertyName === MERGE_KEY && yaml) return { path: [...at, e.propertyName], message: mergeKeyMessage(`"${field}"`), atKey: true };
    return { path: [...at, e.propertyName], message: `"${e.propertyName}" in "${field}" ${e.message ?? 'is not a valid name'}`, atKey: true };
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      if (key === MERGE_KEY && yaml) {
        const owner = at.length === 0 ? 'the top level of the file' : typeof last === 'number' ? `an entry of "${String(at.at(-2))}"` : `"${field}"`;
        return { path: [...at, key], message: mergeKeyMessage(owner), atKey: true };
      }
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const suggestion = closest(key, allowed);
      if (suggestion) return { path: [...at, key], message: `unknown field "${key}" (did you mean ${suggestion}?)`, atKey: true };
      const instead = allowed.length > 0 && allowed.length <= LISTED_FIELDS ? `allowed here: ${allowed.join(', ')}` : `check the spelling against schemas/${schemaName}`;
      return { path: [...at, key], message: `unknown field "${key}"; ${instead}`, atKey: true };
    }
    case 'const':
      return { path: at, message: `${label} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}` };
    case 'required': {
      return { path: at, message: `missing required field "${(e.params as { missingProperty: string }).missingProperty}"${yaml ? mergeNote(e.data) : ''}` };
    }
    case 'type':
      return { path: at, message: `${label} must be ${(e.params as { type: string | string[] }).type}` };
    case 'maxLength':
    case 'minLength':
      return { path: at, message: `${label} ${e.message ?? 'has the wrong length'}` };
    case 'pattern':
      return { path: at, message: `${label} has an invalid format (${e.message ?? ''})` };
    default:
      return { path: at, message: `${label} ${e.message ?? 'is invalid'}` };
  }
}

/** ajv's errors for one document; empty when it is valid. */
export function schemaErrors(schemaName: string, value: unknown, firstOnly = false): readonly ErrorObject[] {
  const validate = firstOnly ? firstErrorValidator(schemaName) : schemaValidator(schemaName);
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

/**
 * Checks one document against a schema; each error becomes a diagnostic at its
 * JSON path (lines are filled in later, only when there are problems). A
 * failed `oneOf` explains itself through its branches' errors, so it is
 * reported only when no branch error is on the same path. An unknown field's
 * diagnostic goes into `pointAtKey`: it is located at the key, not its value.
 */
export function checkSchema(
  schemaName: string,
  file: string,
  value: unknown,
  code: string,
  { pointAtKey, firstOnly = false }: { readonly pointAtKey?: Set<Diagnostic>; readonly firstOnly?: boolean } = {},
): Diagnostic[] {
  const errors = schemaErrors(schemaName, value, firstOnly);
  if (errors.length === 0) return [];
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const merging = fromYaml(schemaName) ? mergeKeyParents(errors) : new Set<string>();
  for (const e of errors) {
    // propertyNames: the error inside it names the key.
    if (e.keyword === 'oneOf' || e.keyword === 'if' || e.keyword === 'propertyNames') continue;
    if (underMergeKey(e.instancePath, merging)) continue;
    const { path: at, message, atKey } = describe(e, schemaName);
    const key = JSON.stringify(at);
    if (seen.has(key)) continue;
    seen.add(key);
    const diagnostic = error(code, message, { file, path: at });
    if (atKey) pointAtKey?.add(diagnostic);
    diagnostics.push(diagnostic);
  }
  if (diagnostics.length === 0) {
    for (const e of errors) {
      const { path: at, message } = describe(e, schemaName);
      diagnostics.push(error(code, message, { file, path: at }));
    }
  }
  return diagnostics;
}
