import { HOSTILE, yamlString } from './hostile-strings.js';

/**
 * A tenant made of the hostile corpus (issue 9, finding 8): a catalog, a
 * configuration and unmanaged users inserted straight into the database,
 * shared by every test that proves an output kind escapes what it prints.
 */

const q = yamlString;

export const HOSTILE_CATALOG = `domains:
  - { name: contoso.com, verified: true, default: true }
subscriptions:
  - sku: ENTERPRISEPACK
    productName: ${q(`E3 ${HOSTILE.osc52} ${HOSTILE.addMaskHash} ${HOSTILE.mention} ${HOSTILE.html}`)}
    seats: 1
    unitPrice: 20.00
    currency: USD
    servicePlans: [EXCHANGE_S_ENTERPRISE, SWAY]
`;

export const HOSTILE_USERS = `defaults:
  usageLocation: NL
  notify: [it-desk@contoso.com]
settings:
  minGlobalAdmins: 1
users:
  - userPrincipalName: admin@contoso.com
    displayName: Admin
    roles: [Global administrator]
  - userPrincipalName: hostile@contoso.com
    displayName: ${q(`${HOSTILE.eraseLine} ${HOSTILE.mention} ${HOSTILE.rlo}`)}
    givenName: ${q(HOSTILE.zeroWidth)}
    surname: ${q(HOSTILE.isolate)}
    jobTitle: ${q(HOSTILE.warningHash)}
    department: ${q(HOSTILE.addMaskColon)}
    streetAddress: ${q([HOSTILE.newlineCommand, HOSTILE.osc8, HOSTILE.addMaskHash, HOSTILE.errorColon, HOSTILE.separators, HOSTILE.c1, HOSTILE.del, HOSTILE.backticks].join('\n'))}
    city: ${q(HOSTILE.autolink)}
    postalCode: ${q(HOSTILE.table)}
    country: ${q(HOSTILE.link)}
    licenses: [ENTERPRISEPACK]
  - userPrincipalName: second@contoso.com
    displayName: ${q(HOSTILE.html)}
    jobTitle: ${q(HOSTILE.email)}
    licenses: [ENTERPRISEPACK]
  - userPrincipalName: unseen@contoso.com
    displayName: ${q(HOSTILE.fillers)}
    jobTitle: ${q(HOSTILE.tags)}
    department: ${q(HOSTILE.zalgo)}
`;

/** Unmanaged users put straight into the database, as another admin tool would. */
export const HOSTILE_UNMANAGED = [
  ['legacy1@contoso.com', `${HOSTILE.eraseLine} ${HOSTILE.mention}`, HOSTILE.addMaskHash],
  ['legacy2@contoso.com', `${HOSTILE.html} ${HOSTILE.autolink}`, HOSTILE.errorColon],
  ['legacy3@contoso.com', `${HOSTILE.rlo}${HOSTILE.zeroWidth}`, HOSTILE.newlineCommand],
  ['legacy4@contoso.com', `${HOSTILE.fillers}${HOSTILE.zalgo}`, HOSTILE.tags],
] as const;

