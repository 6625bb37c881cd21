import { error } from '../../diagnostics/diagnostic.js';
import { usageLocationProblem } from '../country-codes.js';
import { at, type ConfigRule } from './rule.js';

/**
 * Licenses need a usageLocation (services differ by country), the user's own
 * or the default one. Reported at the user's licenses, or at the user when
 * the licenses come from defaults (one finding per user, each on its own line).
 */
export const usageLocationRequired: ConfigRule = ({ users }) =>
  users.flatMap((declared) => {
    if (declared.user.licenses.length === 0 || declared.user.attributes.usageLocation !== null) return [];
    const inherited = declared.own.licenses === undefined ? ' (from defaults)' : '';
    return [
      error(
        'USAGE_LOCATION_REQUIRED',
        `${declared.user.userPrincipalName} has licenses${inherited} but no usageLocation; set usageLocation (ISO 3166 country code, e.g. NL) on the user or in defaults`,
        inherited ? declared.location : at(declared.location, 'licenses'),
      ),
    ];
  });

/** usageLocation must be an assigned ISO 3166-1 alpha-2 code; checked where it is written. */
export const usageLocationValid: ConfigRule = ({ blocks }) =>
  blocks.flatMap((block) => {
    const value = block.fields.usageLocation;
    const problem = value === undefined ? null : usageLocationProblem(value);
    return problem ? [error('USAGE_LOCATION_INVALID', problem, at(block.location, 'usageLocation'))] : [];
  });
