import { checkSchema } from '../config/schema-check.js';
import { PLAN_FORMAT_VERSION, plannedAt, type PlanDocument } from '../plan/plan-document.js';
import { planJsonChunks } from '../render/json.js';

/**
 * `apply --plan FILE -c PATH` applies a saved plan only when planning again
 * gives exactly it. The usual file is exactly what `plan --out` writes for
 * the recomputed plan, byte for byte; comparing the bytes proves that without
 * parsing the file (100,000 adoptions: 200 MB of JSON, a 1 GB object graph and
 * seconds of comparison). Anything else is checked in full, as before.
 */

/**
 * What the recomputation takes from a saved plan, read from its text without
 * parsing it. Whatever is read here is proved by the byte comparison or not
 * at all: a wrong reading only makes the comparison fail.
 */
export interface PlanFileInputs {
  readonly configHash: string | null;
  readonly tenantctlVersion: string;
  /** Undefined when the file has no gitCommit. */
  readonly gitCommit: string | null | undefined;
  /** As `plannedAt` reads it: from the first deletion, null without one. */
  readonly plannedAt: Date | null;
}

/**
 * How `plan --out` starts a document (schemas/plan.schema.json, in
 * toPlanDocument's key order). A string as JSON writes one: no control
 * character unescaped, only JSON's escapes, so JSON.parse takes every string
 * this matches (an edited file's raw ESC or NUL is not a head, and is named by
 * the full check, not thrown at the user as a bug).
 */
const STRING = String.raw`"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"`;
const HEAD = new RegExp(
  String.raw`^\{\n  "formatVersion": (${STRING}),\n  "tenantctlVersion": (${STRING}),\n  "configHash": (${STRING}|null),\n` +
    String.raw`(?:  "gitCommit": (${STRING}|null),\n)?  "planHash": "`,
);
/** The head is a few hundred bytes; a file whose first 64 KiB do not hold it is not one plan --out wrote. */
const HEAD_BYTES = 64 * 1024;
const DELETION = Buffer.from('"kind": "user.delete"');
const RESTORABLE_UNTIL = Buffer.from('"restorableUntil": "');
const QUOTE = 0x22;

/**
 * The inputs, or null when the text is not laid out as `plan --out` lays it
 * out (then the file is parsed and checked in full). A naive scan: the first
 * `"kind": "user.delete"` in the bytes, a string in JSON text only where it is
 * the kind of a change (inside a string its quotes would be escaped).
 */
export function scanPlanFile(bytes: Buffer): PlanFileInputs | null {
  const head = HEAD.exec(bytes.toString('utf8', 0, Math.min(bytes.length, HEAD_BYTES)));
  if (!head) return null;
  const [, version, tenantctlVersion, configHash, gitCommit] = head;
  if (JSON.parse(version!) !== PLAN_FORMAT_VERSION) return null;
  const deletion = bytes.indexOf(DELETION);
  let planned: Date | null = null;
  if (deletion >= 0) {
    const start = bytes.indexOf(RESTORABLE_UNTIL, deletion) + RESTORABLE_UNTIL.length;
    const end = start < RESTORABLE_UNTIL.length ? -1 : bytes.indexOf(QUOTE, start);
    if (end < 0 || end - start > 64) return null;
    planned = plannedAt({ changes: [{ kind: 'user.delete', restorableUntil: bytes.toString('latin1', start, end) }] as unknown as PlanDocument['changes'] });
    if (!planned || Number.isNaN(planned.getTime())) return null;
  }
  return {
    configHash: JSON.parse(configHash!) as string | null,
    tenantctlVersion: JSON.parse(tenantctlVersion!) as string,
    gitCommit: gitCommit === undefined ? undefined : (JSON.parse(gitCommit) as string | null),
    plannedAt: planned,
  };
}

/**
 * The plan with the file's tool version and git commit: the two fields that
 * record where a plan came from, which the full check does not compare either
 * (planDifferences), so a plan saved by another version or at another commit
 * of the same configuration is still exactly this plan.
 */
function withFileOrigin(plan: PlanDocument, inputs: PlanFileInputs): PlanDocument {
  if (plan.tenantctlVersion === inputs.tenantctlVersion && plan.gitCommit === inputs.gitCommit) return plan;
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(plan)) {
    if (key === 'tenantctlVersion') view[key] = inputs.tenantctlVersion;
    else if (key !== 'gitCommit') view[key] = value;
    else if (inputs.gitCommit !== undefined) view[key] = inputs.gitCommit;
  }
  return view as unknown as PlanDocument;
}

/**
 * Whether the envelope passes the schema, as the full check requires of the
 * file: the origin comes from the file (and the recomputation records the
 * file's git commit when -c has none). The fingerprint's user hashes, all made
 * by `fingerprint`, are left out: 100,000 of them.
 */
function envelopeValid(file: string, view: PlanDocument): boolean {
  const envelope = { ...view, fingerprint: { ...view.fingerprint, users: {} }, changes: [] };
  return checkSchema('plan.schema.json', file, envelope, 'PLAN_FILE', { firstOnly: true }).length === 0;
}

/**
 * Where `pieces` (text or UTF-8 bytes), written one after another, first
 * differ from `bytes`; -1 when they are the same bytes. Stops at the first
 * piece that differs.
 */
export function firstDifference(pieces: Iterable<string | Uint8Array>, bytes: Buffer): number {
  let offset = 0;
  for (const piece of pieces) {
    const encoded = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    const end = offset + encoded.length;
    if (end > bytes.length || Buffer.compare(encoded, bytes.subarray(offset, end)) !== 0) {
      let at = 0;
      while (offset + at < bytes.length && at < encoded.length && encoded[at] === bytes[offset + at]) at++;
      return offset + at;
    }
    offset = end;
  }
  return offset === bytes.length ? -1 : offset;
}

export type Exactness = { readonly exact: true } | { readonly exact: false; readonly why: string };

/**
 * Whether `bytes` are exactly what `plan --out` writes for `plan`, the
 * recomputation made from `inputs`. Then the file is a valid plan, untampered
 * (its planHash is the recomputed one), of this configuration (configHash),
 * not stale (the same fingerprint), with the same changes and everything else
 * the full check compares: that check would pass, and is not needed.
 */
export function exactSavedPlan(file: string, bytes: Buffer, plan: PlanDocument, inputs: PlanFileInputs): Exactness {
  // The recomputation was made as of inputs.plannedAt: the right time only if the plan itself says so.
  if (plannedAt(plan)?.getTime() !== inputs.plannedAt?.getTime()) return { exact: false, why: 'it was planned at another time' };
  const view = withFileOrigin(plan, inputs);
  if (!envelopeValid(file, view)) return { exact: false, why: 'its envelope breaks the schema' };
  const at = firstDifference(planJsonChunks(view), bytes);
  return at < 0 ? { exact: true } : { exact: false, why: `it differs from the recomputed plan at byte ${at}` };
}
