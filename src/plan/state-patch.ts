import type { Operation } from 'fast-json-patch';

/*
 * RFC 6902 patches of the JSON plan's changes that update a part of an
 * existing user other than its attributes: user.block, user.unblock and
 * license.update. Each is against the user's state before the plan (the
 * `userState` of schemas/plan.schema.json, `before` of the user's `user.*`
 * changes), on its own: applied to that state it gives the state with this
 * change alone made. (user.update's patch is older and against that state's
 * `attributes`; see change.ts.)
 */

/** Sign-in blocked (false) or allowed (true). */
export function accountEnabledPatch(accountEnabled: boolean): readonly Operation[] {
  return [{ op: 'replace', path: '/accountEnabled', value: accountEnabled }];
}

/**
 * The service plans switched off in the licence at `index` of the state's
 * `licenses` (sorted by sku; a JSON Pointer cannot pick an array item by its
 * sku). The `test` makes the patch fail, rather than change another licence,
 * on a state whose `licenses` differ from the one the plan was made against.
 */
export function disabledPlansPatch(index: number, sku: string, disabledPlans: readonly string[]): readonly Operation[] {
  return [
    { op: 'test', path: `/licenses/${index}/sku`, value: sku },
    { op: 'replace', path: `/licenses/${index}/disabledPlans`, value: disabledPlans },
  ];
}
