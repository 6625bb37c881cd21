import { warning } from '../../diagnostics/diagnostic.js';
import type { ConfigRule } from './rule.js';

/**
 * A user with neither a license nor a role can sign in but use nothing: likely
 * an oversight. A blocked one is the usual state of someone who left and whose
 * account is kept, so it is not flagged.
 */
export const userHasAccess: ConfigRule = ({ users }) =>
  users.flatMap(({ user, location }) =>
    user.accountEnabled && user.licenses.length === 0 && user.roles.length === 0
      ? [
          warning(
            'USER_NO_ACCESS',
            `${user.userPrincipalName} has no license and no admin role: the account can sign in but use no service; assign a license or a role, or remove the user if it is not needed`,
            location,
          ),
        ]
      : [],
  );
