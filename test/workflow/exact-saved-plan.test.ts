import { describe, expect, it } from 'vitest';
import { plannedAt, type PlanDocument } from '../../src/plan/plan-document.js';
import { renderJson } from '../../src/render/json.js';
import { exactSavedPlan, firstDifference, scanPlanFile } from '../../src/workflow/exact-saved-plan.js';
import { CONFIG_HASH, hostileNames, large, mixed, noChanges, NOW } from '../render/scenarios.js';

const bytesOf = (plan: PlanDocument) => Buffer.from(renderJson(plan), 'utf8');
/** The same plan, with the git commit plan --out records (toPlanDocument puts it after configHash). */
const withCommit = (plan: PlanDocument, gitCommit: string | null): PlanDocument => {
  const { formatVersion, tenantctlVersion, configHash, ...rest } = plan;
  return { formatVersion, tenantctlVersion, configHash, gitCommit, ...rest } as PlanDocument;
};

describe('scanPlanFile reads the recomputation inputs from the text plan --out writes', () => {
  it('the planning time from the first deletion, the origin from the head', () => {
    const plan = mixed();
    expect(plan.changes.some((c) => c.kind === 'user.delete')).toBe(true);
    expect(scanPlanFile(bytesOf(plan))).toEqual({ configHash: CONFIG_HASH, tenantctlVersion: '0.1.0', gitCommit: undefined, plannedAt: NOW });
  });

  it('no planning time without a deletion; a recorded git commit, or null', () => {
    expect(scanPlanFile(bytesOf(withCommit(noChanges(), 'abc1234+dirty')))).toEqual({ configHash: CONFIG_HASH, tenantctlVersion: '0.1.0', gitCommit: 'abc1234+dirty', plannedAt: null });
    expect(scanPlanFile(bytesOf(withCommit(noChanges(), null)))?.gitCommit).toBeNull();
  });

  it('nothing from text laid out otherwise: compact, a byte-order mark, another format version, a deletion without its date', () => {
    const text = renderJson(mixed());
    expect(scanPlanFile(Buffer.from(JSON.stringify(JSON.parse(text))))).toBeNull();
    expect(scanPlanFile(Buffer.from(`\uFEFF${text}`))).toBeNull();
    expect(scanPlanFile(Buffer.from(text.replace('"formatVersion": "2.2"', '"formatVersion": "2.0"')))).toBeNull();
    expect(scanPlanFile(Buffer.from(text.replace(/"restorableUntil": "[^"]*"/g, '"restorableUntil": "soon"')))).toBeNull();
    expect(scanPlanFile(Buffer.from(text.replaceAll('"restorableUntil"', '"restorable"')))).toBeNull();
    expect(scanPlanFile(Buffer.alloc(0))).toBeNull();
  });

  it('nothing, and no exception, from a head string JSON.parse refuses: a raw control character or an unknown escape', () => {
    const text = renderJson(mixed());
    expect(scanPlanFile(Buffer.from(text.replace('"formatVersion": "2.2"', '"formatVersion": "\u001b[31m2.2"')))).toBeNull();
    expect(scanPlanFile(Buffer.from(text.replace('"tenantctlVersion": "0.1.0"', '"tenantctlVersion": "0.1\u00000"')))).toBeNull();
    expect(scanPlanFile(Buffer.from(text.replace('"tenantctlVersion": "0.1.0"', '"tenantctlVersion": "0.1\\q0"')))).toBeNull();
    expect(scanPlanFile(Buffer.from(text.replace('"tenantctlVersion": "0.1.0"', '"tenantctlVersion": "0.1\\u00e9"')))?.tenantctlVersion).toBe('0.1\u00e9');
  });
});

describe('firstDifference compares pieces of text with bytes', () => {
  const pieces = ['{"a": ', '"Bâtiment"', '}\n'];
  it('-1 for the same bytes, else where they first differ', () => {
    expect(firstDifference(pieces, Buffer.from('{"a": "Bâtiment"}\n'))).toBe(-1);
    expect(firstDifference(pieces, Buffer.from('{"a": "Batiment"}\n'))).toBe(8);
    expect(firstDifference(pieces, Buffer.from('{"a": "Bâtiment"}'))).toBe(18);
    expect(firstDifference(pieces, Buffer.from('{"a": "Bâtiment"}\n '))).toBe(19);
    expect(firstDifference(pieces, Buffer.from('{"b'))).toBe(2);
    expect(firstDifference([], Buffer.alloc(0))).toBe(-1);
  });

  it('takes UTF-8 bytes as pieces too (planJsonChunks)', () => {
    const chunks = pieces.map((piece) => Buffer.from(piece, 'utf8'));
    expect(firstDifference(chunks, Buffer.from('{"a": "Bâtiment"}\n'))).toBe(-1);
    expect(firstDifference([chunks[0]!, pieces[1]!, chunks[2]!], Buffer.from('{"a": "Bâtiment"]\n'))).toBe(17);
  });

  it('stops reading the pieces at the first that differs', () => {
    let read = 0;
    function* counted() {
      for (const piece of pieces) {
        read += 1;
        yield piece;
      }
    }
    expect(firstDifference(counted(), Buffer.from('{"b": "Bâtiment"}\n'))).toBe(2);
    expect(read).toBe(1);
  });
});

describe('exactSavedPlan', () => {
  for (const [name, make] of [['mixed', mixed], ['hostile names', hostileNames], ['2,000 changes, in several pieces', () => large(2000)]] as const) {
    it(`${name}: the rendered plan is exactly itself; one byte changed anywhere is not`, () => {
      const plan = make();
      const bytes = bytesOf(plan);
      const inputs = scanPlanFile(bytes);
      expect(inputs).not.toBeNull();
      expect(exactSavedPlan('plan.json', bytes, plan, inputs!)).toEqual({ exact: true });
      for (const at of [0, bytes.length >> 1, bytes.length - 2, bytes.length - 1]) {
        const edited = Buffer.from(bytes);
        edited[at] = edited[at] === 0x20 ? 0x21 : 0x20;
        expect(exactSavedPlan('plan.json', edited, plan, inputs!)).toEqual({ exact: false, why: `it differs from the recomputed plan at byte ${at}` });
      }
      expect(exactSavedPlan('plan.json', bytes.subarray(0, bytes.length - 1), plan, inputs!).exact).toBe(false);
      expect(exactSavedPlan('plan.json', Buffer.concat([bytes, Buffer.from('\n')]), plan, inputs!).exact).toBe(false);
    });
  }

  it('a recomputation made as of another time is not the file, whatever its bytes', () => {
    const plan = mixed();
    const bytes = bytesOf(plan);
    const inputs = scanPlanFile(bytes)!;
    expect(plannedAt(plan)).toEqual(NOW);
    expect(exactSavedPlan('plan.json', bytes, plan, { ...inputs, plannedAt: new Date(NOW.getTime() + 1) })).toEqual({ exact: false, why: 'it was planned at another time' });
    expect(exactSavedPlan('plan.json', bytes, plan, { ...inputs, plannedAt: null }).exact).toBe(false);
  });

  it("the file's tool version and git commit stand, if the schema allows them", () => {
    const plan = withCommit(mixed(), 'abc1234');
    const saved = bytesOf({ ...withCommit(mixed(), 'def5678'), tenantctlVersion: '0.0.9' });
    const inputs = scanPlanFile(saved)!;
    expect(inputs).toMatchObject({ tenantctlVersion: '0.0.9', gitCommit: 'def5678' });
    expect(exactSavedPlan('plan.json', saved, plan, inputs)).toEqual({ exact: true });
    const tooLong = bytesOf(withCommit(mixed(), 'a'.repeat(81)));
    expect(exactSavedPlan('plan.json', tooLong, plan, scanPlanFile(tooLong)!)).toEqual({ exact: false, why: 'its envelope breaks the schema' });
    const noVersion = bytesOf({ ...plan, tenantctlVersion: '' });
    expect(exactSavedPlan('plan.json', noVersion, plan, scanPlanFile(noVersion)!).exact).toBe(false);
    // Without a commit of -c the recomputation records the file's: the same bytes, still checked.
    expect(exactSavedPlan('plan.json', tooLong, withCommit(mixed(), 'a'.repeat(81)), scanPlanFile(tooLong)!)).toEqual({ exact: false, why: 'its envelope breaks the schema' });
    // A file without the key: the recomputation's commit is not compared (nor is it in full).
    const without = bytesOf(mixed());
    expect(exactSavedPlan('plan.json', without, plan, scanPlanFile(without)!).exact).toBe(true);
  });
});
