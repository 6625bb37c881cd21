import type { ErrorObject } from 'ajv/dist/2020.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { couldBePassword } from '../credentials/password-policy.js';
import { codePointCount } from '../diagnostics/code-point.js';
import { usageLocationProblem } from './country-codes.js';
import { MAX_DIAGNOSTICS } from './diagnostic-limit.js';
import type { PointAt } from './locate.js';
import { emailProblem, MAX_NOTIFY_ADDRESSES, tooManyAddresses } from './notify-addresses.js';
import { upnInvalidMessage, upnProblem } from './rules/upn-rules.js';
import { boundedSchemaErrors, checkStopped, measureParts } from './schema-bounds.js';
import { MERGE_KEY, mergeKeyMessage, mergeKeyParents, mergeNote, underMergeKey } from './merge-key.js';
import { pointerToPath } from './schema-check.js';
import { closest } from './suggest.js';
import { lastKey, typeMismatch } from './type-messages.js';
import { namesPassword, passwordInConfig, passwordPoliciesInDefaults, passwordPoliciesValue, unknownSecretKey } from './password-findings.js';

export type Path = readonly (string | number)[];

/**
 * What the tenant schema found in one file, and what the semantic rules must
 * therefore not read (see readable-config.ts):
 * - `unreadable`: values of the wrong type or users without a required field,
 *   left out as a whole: a user without its userPrincipalName (`['users', 2]`),
 *   a field of a user (`['users', 2, 'licenses']`, or a missing displayName:
 *   `['users', 2, 'displayName']`), a section or a field of one;
 * - `extraneous`: keys that are not configuration (an unknown field, a photo,
 *   a password value), left out;
 * - `incomplete`: what holds an unknown field, often a misspelt one whose
 *   value is then missing (`usagelocation: NL`), so what the rules see of it may be short.
 * Any other finding (a length, a format) leaves the value readable.
 * `pointAtKey` holds the diagnostics about a key that must go, rather than a value.
 */
export interface ShapeCheck {
  readonly diagnostics: readonly Diagnostic[];
  readonly unreadable: readonly Path[];
  readonly extraneous: readonly Path[];
  readonly incomplete: readonly Path[];
  readonly pointAtKey: ReadonlySet<Diagnostic>;
  /**
   * Errors found but not built as diagnostics: past MAX_DIAGNOSTICS + 1 in
   * one file, only counted (a run lists at most MAX_DIAGNOSTICS anyway).
   */
  readonly omitted: number;
  /** The file was too large to check, or its check stopped (schema-bounds.ts): no rule may read it. */
  readonly abandoned: boolean;
}

export interface Finding {
  readonly code: string;
  readonly path: Path;
  /** A function when the message costs work (a suggestion), so that only listed problems pay for it. */
  readonly message: string | (() => string);
  readonly pointAt?: PointAt;
}

/** ajv keywords after which the value still has the types raw-config.ts declares. */
const READABLE_AFTER = new Set([
  'additionalProperties',
  'not',
  'maxItems',
  'minItems',
  'maxLength',
  'minLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'propertyNames',
]);

/** Field names that hold (or ask for) a user's photo, which admins cannot set. */
const PHOTO_FIELD = /photo|picture|avatar|image|portrait|headshot/i;


/** Names people reach for, and the field they mean (used only when that field is allowed there). */
const FIELD_ALIASES: Readonly<Record<string, string>> = {
  upn: 'userPrincipalName',
  username: 'userPrincipalName',
  email: 'userPrincipalName',
  name: 'displayName',
  fullname: 'displayName',
  firstname: 'givenName',
  lastname: 'surname',
  familyname: 'surname',
  title: 'jobTitle',
  phone: 'businessPhones',
  officephone: 'businessPhones',
  businessphone: 'businessPhones',
  telephonenumber: 'businessPhones',
  mobile: 'mobilePhone',
  enabled: 'accountEnabled',
  blocksignin: 'accountEnabled',
  location: 'usageLocation',
  countrycode: 'usageLocation',
  license: 'licenses',
  skus: 'licenses',
  role: 'roles',
  adminroles: 'roles',
  street: 'streetAddress',
  zip: 'postalCode',
  zipcode: 'postalCode',
  postcode: 'postalCode',
  province: 'state',
  alias: 'mailNickname',
  user: 'users',
  default: 'defaults',
  setting: 'settings',
  disabledplan: 'disabledPlans',
  disabledservices: 'disabledPlans',
};

/** What a required field is, for the message that asks for it. */
const REQUIRED_HINTS: Readonly<Record<string, string>> = {
  userPrincipalName: 'the sign-in ID, e.g. joep@contoso.com',
  displayName: 'the name shown in the address book, e.g. Joep de Vries',
  sku: 'the part number of the subscription, e.g. ENTERPRISEPACK',
};

/** `"licenses"`, or `an entry of "licenses"` for a list entry. */
function fieldLabel(path: Path): string {
  const key = lastKey(path) ?? 'the file';
  if (key === 'the file') return 'the top level of the file';
  return typeof path.at(-1) === 'number' ? `an entry of "${key}"` : `"${key}"`;
}

/** Where a set of fields belongs, for "allowed here" lists. */
function ownerLabel(path: Path): string {
  if (path.length === 0) return 'the top level of a file';
  if (path[0] === 'users' && path.length === 2) return 'a user';
  if (path.length === 1) return String(path[0]);
  return lastKey(path) === 'licenses' ? 'a license' : `"${lastKey(path) ?? ''}"`;
}

function photoNotAllowed(path: Path, key: string): Finding {
  return {
    code: 'PHOTO_NOT_ALLOWED',
    path,
    pointAt: 'key',
    message: `"${key}" cannot be set: admins cannot set users' photos, users add their own after signing in; remove this field`,
  };
}

function mergeKey(path: Path): Finding {
  // Said of a user itself: what a user's password or licence shares, defaults does not hold.
  const instead = path[0] === 'users' && path.length === 2 ? ', or put what every user shares in the defaults section' : '';
  return { code: 'SCHEMA_UNKNOWN_FIELD', path: [...path, MERGE_KEY], pointAt: 'key', message: mergeKeyMessage(ownerLabel(path), instead) };
}

function unknownField(e: ErrorObject, path: Path, key: string): Finding {
  if (key === MERGE_KEY) return mergeKey(path);
  const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
  const alias = FIELD_ALIASES[key.toLowerCase()];
  if (couldBePassword(key)) return unknownSecretKey(path, key, allowed, ownerLabel(path));
  if (key === 'passwordPolicies' && path.length === 1 && path[0] === 'defaults') return passwordPoliciesInDefaults(path, key);
  const message = (): string => {
    const suggestion = alias && allowed.includes(alias) ? alias : closest(key, allowed);
    return suggestion ? `unknown field "${key}" (did you mean ${suggestion}?)` : `unknown field "${key}"; ${ownerLabel(path)} takes: ${allowed.join(', ')}`;
  };
  return { code: 'SCHEMA_UNKNOWN_FIELD', path: [...path, key], pointAt: 'key', message };
}

function missingField(e: ErrorObject, path: Path): Finding {
  const missing = (e.params as { missingProperty: string }).missingProperty;
  const hint = REQUIRED_HINTS[missing];
  return { code: 'SCHEMA_REQUIRED', path, message: `missing required field "${missing}"${hint ? ` (${hint})` : ''}; add it${mergeNote(e.data)}` };
}

function wrongType(e: ErrorObject, path: Path): Finding {
  const expected = (e.params as { type: string | string[] }).type;
  const message = `${fieldLabel(path)} ${typeMismatch(expected, e.data, path)}`;
  return { code: 'SCHEMA_TYPE', path, message };
}

function wrongLength(e: ErrorObject, path: Path): Finding {
  const limit = (e.params as { limit: number }).limit;
  const label = fieldLabel(path);
  const size = Array.isArray(e.data) ? e.data.length : codePointCount(String(e.data));
  const message = {
    maxLength: `${label} is ${size} characters long; at most ${limit} are allowed`,
    minLength: limit === 1 ? `${label} must not be empty` : `${label} is ${size} characters long; at least ${limit} are needed`,
    maxItems: `${label} has ${size} entries; at most ${limit} are allowed`,
    minItems: `${label} has ${size} entries; at least ${limit} are needed`,
  }[e.keyword as 'maxLength' | 'minLength' | 'maxItems' | 'minItems'];
  return { code: 'SCHEMA_LENGTH', path, message };
}

function wrongFormat(e: ErrorObject, path: Path): Finding {
  const key = lastKey(path);
  if (e.propertyName === MERGE_KEY) return { ...mergeKey(path), code: 'SCHEMA_FORMAT' };
  if (e.propertyName !== undefined) {
    const message = `"${e.propertyName}" in ${key ?? 'this mapping'} is not a part number; write it as the catalog does (upper-case letters, digits and _, e.g. ENTERPRISEPACK)`;
    return { code: 'SCHEMA_FORMAT', path: [...path, e.propertyName], pointAt: 'key', message };
  }
  if (key === 'fromEnv') {
    return {
      code: 'SCHEMA_FORMAT',
      path,
      message: 'password.fromEnv must be the name of an environment variable (letters, digits and _, not starting with a digit), e.g. JOEP_INITIAL_PASSWORD; the password itself goes in that variable',
    };
  }
  if (key === 'mailNickname' && typeof e.data === 'string') {
    return {
      code: 'SCHEMA_FORMAT',
      path,
      message:
        `mailNickname ${JSON.stringify(e.data)} is not a mail alias Exchange accepts: use letters A-Z a-z, digits and ! # $ % & ' * + - / = ? ^ _ \` { | } ~, ` +
        'with dots only between them (no spaces, no @ ( ) \\ [ ] " ; : < > ,), e.g. joep.devries',
    };
  }
  if (key === 'displayName') {
    return { code: 'SCHEMA_FORMAT', path, message: 'displayName is only blank space or invisible characters, which the address book would show as no name; write the name people know the user by, e.g. "Joep de Vries"' };
  }
  if (e.keyword === 'format') return { code: 'SCHEMA_FORMAT', path, message: `${fieldLabel(path)} must be ${e.params.format === 'email' ? 'an email address, e.g. it-desk@contoso.com' : `a valid ${String(e.params.format)}`}` };
  return { code: 'SCHEMA_FORMAT', path, message: `${fieldLabel(path)} has an invalid format (it must match ${String((e.params as { pattern: string }).pattern)})` };
}

function outOfRange(e: ErrorObject, path: Path): Finding {
  const { comparison, limit } = e.params as { comparison?: string; limit: number };
  const words: Record<string, string> = { '>=': 'at least', '<=': 'at most', '>': 'more than', '<': 'less than' };
  const bound = e.keyword === 'multipleOf' ? `a multiple of ${e.params.multipleOf}` : `${words[comparison ?? ''] ?? comparison} ${limit}`;
  // Past 2^53 the parsed number is not the one written (…993 reads as …992): not quoted back as if it were.
  const inexact = typeof e.data === 'number' && Number.isInteger(e.data) && !Number.isSafeInteger(e.data);
  const value = inexact ? 'a number beyond ±9,007,199,254,740,991, too large to read exactly' : String(e.data);
  return { code: 'SCHEMA_RANGE', path, message: `${fieldLabel(path)} is ${value}; it must be ${bound}` };
}

/** What the schema checks of an old UPN (renamedFrom) that the UPN rules say in their own words. */
const SIGN_IN_ID_KEYWORDS: ReadonlySet<string> = new Set(['pattern', 'minLength', 'maxLength']);

/** The code and message for one ajv error, or null when another error explains it. */
function translate(e: ErrorObject, path: Path): Finding | null {
  const key = lastKey(path);
  const notifyEntry = path.at(-2) === 'notify' && typeof path.at(-1) === 'number';
  switch (e.keyword) {
    case 'not':
      // The schema's only `not`s refuse photo fields and a password value inside `password`.
      if (path.at(-2) === 'password') return passwordInConfig(path, key);
      if (key !== undefined && PHOTO_FIELD.test(key)) return photoNotAllowed(path, key);
      break;
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      if (PHOTO_FIELD.test(extra)) return photoNotAllowed([...path, extra], extra);
      if (namesPassword(extra)) return passwordInConfig([...path, extra], extra);
      return unknownField(e, path, extra);
    }
    case 'propertyNames':
      return null; // its 'pattern' error names the property
    case 'enum':
      // The schema's only enum; a value that is no text has its 'type' error.
      return key === 'passwordPolicies' && typeof e.data === 'string' ? passwordPoliciesValue(path, e.data) : null;
    case 'required':
      return missingField(e, path);
    case 'type':
      if (key === 'password' && path.at(-1) === 'password' && (typeof e.data === 'string' || typeof e.data === 'number')) return passwordInConfig(path, key);
      return wrongType(e, path);
    case 'maxItems':
      if (key === 'businessPhones' && Array.isArray(e.data)) {
        return {
          code: 'BUSINESS_PHONES_TOO_MANY',
          path: [...path, 1],
          message: `businessPhones lists ${e.data.length} numbers, but a user has at most one business phone; keep one (a mobile number goes in mobilePhone)`,
        };
      }
      if (key === 'notify' && Array.isArray(e.data)) return { code: 'NOTIFY_TOO_MANY', path: [...path, MAX_NOTIFY_ADDRESSES], message: tooManyAddresses(e.data.length) };
      return wrongLength(e, path);
  }
  if (notifyEntry && typeof e.data === 'string') {
    const problem = emailProblem(e.data);
    if (problem) return { code: 'NOTIFY_INVALID_EMAIL', path, message: problem };
  }
  if (key === 'userPrincipalName' && typeof e.data === 'string') return { code: 'UPN_INVALID', path, message: upnInvalidMessage(e.data) };
  // The old UPN of a rename: a sign-in ID like any other, so the same words say what is wrong with it.
  // Its lengths too, as the UPN's: one finding where a long malformed value broke pattern and maxLength both.
  if (key === 'renamedFrom' && typeof e.data === 'string' && SIGN_IN_ID_KEYWORDS.has(e.keyword)) {
    return { code: 'UPN_INVALID', path, message: `renamedFrom "${e.data}" ${upnProblem(e.data) ?? 'is not a valid sign-in ID (local@domain)'}` };
  }
  if (key === 'usageLocation' && typeof e.data === 'string') {
    const problem = usageLocationProblem(e.data);
    if (problem) return { code: 'USAGE_LOCATION_INVALID', path, message: problem };
  }
  switch (e.keyword) {
    case 'maxLength':
    case 'minLength':
    case 'minItems':
      return wrongLength(e, path);
    case 'pattern':
    case 'format':
      return wrongFormat(e, path);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf':
      return outOfRange(e, path);
    default:
      return { code: 'SCHEMA_INVALID', path, message: `${fieldLabel(path)} ${e.message ?? 'is invalid'}` };
  }
}

/**
 * V8 hashes a string of more than this many characters by its length alone, so such strings of one length
 * collide in every Map and Set the rules keep of names (2,000 licence names of 16,405 characters, 33 MB:
 * 10.5 s, quadratic). A value past its maxLength and this long is left out of what the rules read; its
 * SCHEMA_LENGTH says what is wrong with it.
 */
const HASHED_BY_LENGTH = 16_383;

const unhashable = (e: { keyword: string; data?: unknown }): boolean => e.keyword === 'maxLength' && typeof e.data === 'string' && e.data.length > HASHED_BY_LENGTH;

/**
 * What a schema error leaves out: where it is, except that a user without a
 * required field other than its key (`displayName`) loses only that field,
 * not the whole entry (readable-config.ts): its roles, licences and the rest
 * are still checked, as a user's are when another of its fields is wrong.
 */
function unreadablePath(e: { keyword: string; params: unknown }, path: Path): Path {
  const missing = (e.params as { missingProperty?: unknown }).missingProperty;
  const isUserEntry = path.length === 2 && path[0] === 'users' && typeof path[1] === 'number';
  return e.keyword === 'required' && isUserEntry && typeof missing === 'string' && missing !== 'userPrincipalName' ? [...path, missing] : path;
}

/**
 * Checks one configuration file against schemas/tenant.schema.json. Each
 * problem gets the most specific code there is (a photo, a password, too many
 * phones are their own codes; SCHEMA_* otherwise), at most one per code and place.
 */
export function checkTenantShape(file: string, value: unknown): ShapeCheck {
  const diagnostics: Diagnostic[] = [];
  const unreadable: Path[] = [];
  const extraneous: Path[] = [];
  const incomplete: Path[] = [];
  const pointAtKey = new Set<Diagnostic>();
  const seen = new Set<string>();
  let omitted = 0;
  const { oversized, userValues } = measureParts(file, value);
  if (oversized.length > 0) return { diagnostics: oversized, unreadable, extraneous, incomplete, pointAtKey, omitted, abandoned: true };
  const { errors, stoppedAt } = boundedSchemaErrors(value, userValues);
  if (stoppedAt !== undefined) diagnostics.push(checkStopped(file, stoppedAt, errors.length));
  const merging = mergeKeyParents(errors);
  for (const e of errors) {
    const path = pointerToPath(e.instancePath);
    if (!READABLE_AFTER.has(e.keyword) || unhashable(e)) unreadable.push(unreadablePath(e, path));
    if (underMergeKey(e.instancePath, merging)) continue;
    const finding = translate(e, path);
    if (!finding) continue;
    if (finding.code === 'SCHEMA_UNKNOWN_FIELD') incomplete.push(path);
    if (finding.pointAt === 'key') extraneous.push(finding.path);
    const key = JSON.stringify([finding.code, finding.path]);
    if (seen.has(key)) continue;
    seen.add(key);
    if (diagnostics.length > MAX_DIAGNOSTICS) {
      omitted++;
      continue;
    }
    const message = typeof finding.message === 'string' ? finding.message : finding.message();
    const diagnostic = error(finding.code, message, { file, path: finding.path });
    if (finding.pointAt === 'key') pointAtKey.add(diagnostic);
    diagnostics.push(diagnostic);
  }
  return { diagnostics, unreadable, extraneous, incomplete, pointAtKey, omitted, abandoned: stoppedAt !== undefined };
}
