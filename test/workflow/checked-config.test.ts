// plan checks what needs no database (schema, defaults, most rules) while the
// directory is still being read, then finishes with the catalog and the
// directory (load-config.ts: checkConfigSteps, finishConfig). The result must
// be loadConfig's, and a check made with other files or options is not reused.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfigSteps, finishConfig, loadConfig } from '../../src/config/load-config.js';
import { RULES } from '../../src/config/rules/index.js';
import { runSteps } from '../../src/config/steps.js';
import { loadYamlSources } from '../../src/config/yaml-source.js';
import { planFromSnapshot, type PlanTenantOptions } from '../../src/workflow/plan-tenant.js';
import { contosoCatalog, fromRoot } from '../config/expectations.js';

const UNSET = 'examples/invalid/password-env-unset.yaml';
const now = new Date('2026-12-01T12:00:00.000Z');
const empty = { users: new Map() };

describe('the configuration checked in two halves', () => {
  it('gives what loadConfig gives, for every example, and can be finished twice', () => {
    const examples = ['examples/contoso', ...['password-env-unset', 'upn-unknown-domain', 'license-unknown-sku', 'notify-own-mailbox'].map((n) => `examples/invalid/${n}.yaml`)];
    for (const example of examples) {
      const paths = [fromRoot(example)];
      const sources = loadYamlSources(paths);
      const facts = { catalog: contosoCatalog(), current: empty, now };
      const checked = runSteps(checkConfigSteps(sources, { phase: 'plan', env: {} }));
      const whole = loadConfig(paths, { ...facts, env: {}, phase: 'plan', sources });
      expect(finishConfig(checked, facts), example).toEqual(whole);
      expect(finishConfig(checked, facts), `${example}, again`).toEqual(whole);
      expect(whole.diagnostics.length + (whole.config ? 1 : 0), example).toBeGreaterThan(0);
    }
  });

  it('lets the event loop run after each file and each rule that needs no database', () => {
    const sources = loadYamlSources([fromRoot('examples/contoso')]);
    const steps = checkConfigSteps(sources, { phase: 'plan', env: {} });
    let pauses = 0;
    while (!steps.next().done) pauses += 1;
    // Three files, then each rule that reads only the configuration (fourteen).
    const configurationRules = RULES.filter((entry) => entry.reads === 'configuration').length;
    expect(configurationRules).toBe(14);
    expect(pauses).toBe(sources.files.length + configurationRules);
  });

  it('plan does not reuse a check made with other password variables, on other files or for another command', () => {
    const paths = [fromRoot(UNSET)];
    const sources = loadYamlSources(paths);
    const snapshot = { catalog: contosoCatalog(), current: empty };
    // Planned for apply: an unset variable is an error there (a warning in a plan for review).
    const options = (env: Record<string, string>): PlanTenantOptions => ({ configPaths: paths, env, tenantctlVersion: '0.0.0-test', now, forApply: true });
    const set = { EXAMPLE_UNSET_PASSWORD: 'Horse-9-Battery' };
    const check = (from: typeof sources, phase: 'plan' | 'validate', env: Record<string, string>) => runSteps(checkConfigSteps(from, { phase, env }));
    // What planning these files afresh gives, with the variable unset and set.
    const unset = planFromSnapshot(snapshot, options({}), sources);
    const withVariable = planFromSnapshot(snapshot, options(set), sources);
    expect(unset.diagnostics.some((d) => d.code === 'PASSWORD_ENV_UNSET' && d.severity === 'error')).toBe(true);
    expect(withVariable).not.toEqual(unset);

    // (Today no rule reads the variables at plan time, so only a check for validate would differ.)
    expect(planFromSnapshot(snapshot, options({}), sources, check(sources, 'plan', set))).toEqual(unset);
    expect(planFromSnapshot(snapshot, options(set), sources, check(sources, 'plan', {}))).toEqual(withVariable);
    // With the very same variables: validate's check reports the unset variable as a warning only.
    const none = {};
    expect(planFromSnapshot(snapshot, options(none), sources, check(sources, 'validate', none))).toEqual(unset);
    // Another configuration's check.
    expect(planFromSnapshot(snapshot, options(none), sources, check(loadYamlSources([fromRoot('examples/contoso')]), 'plan', none))).toEqual(unset);
    // A check that fits is used: the same result.
    const env = {};
    expect(planFromSnapshot(snapshot, options(env), sources, check(sources, 'plan', env))).toEqual(planFromSnapshot(snapshot, options(env), sources));
  });
});
