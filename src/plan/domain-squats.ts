import { confusableSkeleton } from './confusable-skeleton.js';
import { oneEditApart, TYPO_MIN_LENGTH } from './typo-squats.js';

/**
 * Recipient domains that pass for one of the tenant's without looking like
 * it letter for letter: a typo-squat (`contosso.com`, `contoso.co`,
 * `cnotoso.com` beside `contoso.com`: one letter added, left out, changed or
 * two swapped, the first kept, as typo-squats.ts compares administrators'
 * names), or the tenant's domain as whole labels inside another
 * (`mail.contoso.com.evil.example`); a subdomain of the tenant's own
 * (`mail.contoso.com`) is not one. Compared as skeletons; the tenant's
 * domains are few, so each recipient domain is compared with each of them.
 */
export function tenantDomainSquat(domain: string, tenantSkeletons: ReadonlyMap<string, string>): string | null {
  const skeleton = confusableSkeleton(domain);
  for (const [tenantSkeleton, tenant] of tenantSkeletons) {
    if (tenantSkeleton.length >= TYPO_MIN_LENGTH && oneEditApart(skeleton, tenantSkeleton)) {
      return `which is one letter away from ${tenant}, a domain of the tenant`;
    }
    if (holdsLabels(skeleton, tenantSkeleton)) return `which holds ${tenant}, a domain of the tenant, inside another domain`;
  }
  return null;
}

const BOUNDARY = new Set(['.', '-']);

/** Whether `labels` occurs in `text` after a label's start and before a further label, not at either end. */
function holdsLabels(text: string, labels: string): boolean {
  for (let at = text.indexOf(labels, 1); at > 0; at = text.indexOf(labels, at + 1)) {
    const end = at + labels.length;
    if (BOUNDARY.has(text[at - 1] ?? '') && end < text.length && BOUNDARY.has(text[end] ?? '')) return true;
  }
  return false;
}
