/**
 * What in the configuration a refusal is about, in the configuration's own
 * terms, so whoever knows where things are declared can point there (the
 * planner knows nothing about files):
 * - `user`: a declared user, by its UPN; `field` narrows it to one of its fields;
 * - `license`: the license of `sku` a declared user is given;
 * - `setting`: a path under `settings` (e.g. `['maxSeats', 'VISIOCLIENT']`),
 *   whether or not the configuration writes it (a default applies otherwise);
 * - `subscription`: the tenant's subscription of `sku` (the catalog), which
 *   the configuration does not declare.
 */
export type PlanProblemSubject =
  | { readonly kind: 'user'; readonly userPrincipalName: string; readonly field?: 'renamedFrom' }
  | { readonly kind: 'license'; readonly userPrincipalName: string; readonly sku: string }
  | { readonly kind: 'setting'; readonly path: readonly [string, ...string[]] }
  | { readonly kind: 'subscription'; readonly sku: string };

/** Why a plan may not be applied at all (lockout, unbuyable seats, ...): what is wrong and how to fix it, and what it concerns. */
export interface PlanProblem {
  readonly message: string;
  readonly concerns: PlanProblemSubject;
}
