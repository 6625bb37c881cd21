import { closest } from './suggest.js';

/**
 * The 249 officially assigned ISO 3166-1 alpha-2 codes, the values Microsoft
 * Graph takes as `usageLocation`. Reserved and user-assigned codes (UK, EU,
 * XK, ...) are not in it.
 */
export const ISO_3166_ALPHA2: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ ' +
    'BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ ' +
    'DE DJ DK DM DO DZ ' +
    'EC EE EG EH ER ES ET ' +
    'FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY ' +
    'HK HM HN HR HT HU ' +
    'ID IE IL IM IN IO IQ IR IS IT ' +
    'JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ ' +
    'LA LB LC LI LK LR LS LT LU LV LY ' +
    'MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ ' +
    'NA NC NE NF NG NI NL NO NP NR NU NZ ' +
    'OM ' +
    'PA PE PF PG PH PK PL PM PN PR PS PT PW PY ' +
    'QA ' +
    'RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ ' +
    'TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ ' +
    'UA UG UM US UY UZ ' +
    'VA VC VE VG VI VN VU ' +
    'WF WS ' +
    'YE YT ' +
    'ZA ZM ZW'
  ).split(' '),
);

/** Codes people write that ISO 3166-1 does not assign, and the code they mean. */
const NOT_ISO: Readonly<Record<string, string>> = {
  UK: 'GB', // the United Kingdom's ISO code is GB
  EL: 'GR', // the EU's code for Greece
  EN: 'GB',
  KO: 'KR',
  JA: 'JP',
  DA: 'DK',
  SV: 'SE',
};

/** English country names by code, when Node has ICU data; empty otherwise. */
function countryNames(): ReadonlyMap<string, string> {
  try {
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    return new Map([...ISO_3166_ALPHA2].map((code) => [code, names.of(code) ?? code]));
  } catch {
    return new Map();
  }
}

let names: ReadonlyMap<string, string> | undefined;

/** "NL (Netherlands)", or the code alone without ICU data. */
export function describeCountry(code: string): string {
  names ??= countryNames();
  const name = names.get(code);
  return name && name !== code ? `${code} (${name})` : code;
}

/** The code a mistaken value most likely means: a known slip (UK → GB) or a country's name. */
function suggestCountry(value: string): string | undefined {
  const upper = value.trim().toUpperCase();
  const slip = NOT_ISO[upper];
  if (slip) return slip;
  if (upper.length <= 2) return undefined;
  names ??= countryNames();
  const byName = new Map([...names].map(([code, name]) => [name.toLowerCase(), code]));
  const match = closest(value.trim(), byName.keys());
  return match === undefined ? undefined : byName.get(match);
}

/**
 * Why `value` is not a usageLocation (an ISO 3166-1 alpha-2 code, any case),
 * or null when it is one. The message is the same whether the schema's pattern
 * or the rule finds the problem.
 */
export function usageLocationProblem(value: string): string | null {
  if (ISO_3166_ALPHA2.has(value.toUpperCase())) return null;
  const suggestion = suggestCountry(value);
  const hint = suggestion ? ` (did you mean ${describeCountry(suggestion)}?)` : '';
  return `usageLocation "${value}" is not an ISO 3166-1 alpha-2 country code${hint}; use the two-letter code of the country where the user works, e.g. NL, BE or US`;
}
