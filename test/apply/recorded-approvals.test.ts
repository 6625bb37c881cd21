import { describe, expect, it } from 'vitest';
import { recordApprovals } from '../../src/apply/recorded-approvals.js';

describe('recordApprovals', () => {
  it('keeps the confirmation and the approvals the plan needs, in the order apply asks for them', () => {
    const given = { privileged: 'prompt', purchase: 'flag', deletions: 'flag', confirmation: 'prompt' } as const;
    const { record, missing } = recordApprovals(['privileged', 'purchase'], given);
    expect(Object.entries(record)).toEqual([['confirmation', 'prompt'], ['purchase', 'flag'], ['privileged', 'prompt']]);
    expect(missing).toEqual([]);
  });

  it('names each approval the plan needs and was not given', () => {
    expect(recordApprovals(['purchase', 'deletions', 'privileged'], { confirmation: 'flag', deletions: 'flag' }).missing).toEqual(['purchase', 'privileged']);
  });

  it('records only the confirmation of a plan that needs no approval', () => {
    expect(recordApprovals([], { confirmation: 'flag', purchase: 'flag' })).toEqual({ record: { confirmation: 'flag' }, missing: [] });
  });
});
