import type { DriftFinding, DriftReport, DriftSummary } from './finding.js';

export const DRIFT_FORMAT_VERSION = '1.8';

/**
 * The JSON drift report (`drift --format json`), described by
 * schemas/drift.schema.json; the text and markdown views are rendered from
 * the same document. Holds no secret.
 */
export interface DriftDocument {
  readonly formatVersion: typeof DRIFT_FORMAT_VERSION;
  readonly tenantctlVersion: string;
  /** When the tenant was read; passwords are judged expired against it. */
  readonly checkedAt: string;
  /** sha256 of the configuration files compared with the tenant. */
  readonly configHash: string | null;
  /** Same as `summary.drift`: true makes `drift` exit 2. */
  readonly drift: boolean;
  readonly summary: DriftSummary;
  readonly findings: readonly DriftFinding[];
}

export interface DriftOrigin {
  readonly tenantctlVersion: string;
  readonly configHash: string | null;
}

export function toDriftDocument(report: DriftReport, origin: DriftOrigin): DriftDocument {
  return {
    formatVersion: DRIFT_FORMAT_VERSION,
    tenantctlVersion: origin.tenantctlVersion,
    checkedAt: report.checkedAt,
    configHash: origin.configHash,
    drift: report.summary.drift,
    summary: report.summary,
    findings: report.findings,
  };
}
