import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_DIAGNOSTIC_CODES } from '../../src/config/diagnostic-codes.js';
import { loadConfig } from '../../src/config/load-config.js';
import {
  DATABASE_CODES,
  DIRECTORY_CODES,
  contosoCatalog,
  describeDiagnostic,
  describeExpectation,
  fromRoot,
  invalidExamples,
  NO_EXAMPLE_FILE,
  type InvalidExample,
} from './expectations.js';

const catalog = contosoCatalog();
const examples = invalidExamples();

/** With the catalog, and for an example of a code that needs it, the directory of an initialised tenant (empty), as validate reads them. */
function load(example: InvalidExample, options: { withCatalog?: boolean; phase?: 'validate' | 'plan' } = {}) {
  const withDirectory = options.withCatalog !== false && example.expectations.some((e) => DIRECTORY_CODES.has(e.code));
  return loadConfig([example.path], {
    catalog: options.withCatalog === false ? null : catalog,
    current: withDirectory ? { users: new Map() } : null,
    env: example.env,
    phase: options.phase ?? 'validate',
  });
}

describe('examples/invalid: each file produces exactly the diagnostics it declares, where it declares them', () => {
  it('has examples, each declaring what it must produce', () => {
    expect(examples.length).toBeGreaterThan(40);
    for (const example of examples) expect(example.expectations, example.name).not.toEqual([]);
  });

  it.each(examples.map((example) => [example.name, example] as const))('%s', (_, example) => {
    const { config, diagnostics } = load(example);
    expect(diagnostics.map(describeDiagnostic)).toEqual(example.expectations.map(describeExpectation));
    const failing = example.expectations.some((e) => e.severity === 'error');
    expect(config === null).toBe(failing);
  });

  it.each(examples.map((example) => [example.name, example] as const))('%s, without the catalog: the same, less what only the catalog can find', (_, example) => {
    const { diagnostics } = load(example, { withCatalog: false });
    const expected = example.expectations.filter((e) => !DATABASE_CODES.has(e.code));
    expect(diagnostics.map(describeDiagnostic)).toEqual(expected.map(describeExpectation));
  });

  it('every code of the configuration stage has an example (or a reason why a file cannot show it)', () => {
    const shown = new Set(examples.flatMap((example) => example.expectations.map((e) => e.code)));
    const missing = CONFIG_DIAGNOSTIC_CODES.map((c) => c.code).filter((code) => !shown.has(code) && !(code in NO_EXAMPLE_FILE));
    expect(missing).toEqual([]);
    for (const code of Object.keys(NO_EXAMPLE_FILE)) expect(shown.has(code), code).toBe(false);
  });

  it('each single-file example is named after its code', () => {
    for (const example of examples.filter((e) => e.files.length === 1 && e.expectations.length === 1)) {
      const code = example.expectations[0]?.code ?? '';
      expect(example.name.replace(/\.yaml$/, '').toUpperCase().replaceAll('-', '_')).toMatch(new RegExp(`^${code}(_|$)`));
    }
  });

  it('a warning example passes validate, and its severities match the registry', () => {
    const severities = new Map(CONFIG_DIAGNOSTIC_CODES.map((c) => [c.code, c.severity]));
    for (const e of examples.flatMap((example) => example.expectations)) {
      const registered = severities.get(e.code);
      expect(registered, e.code).toBeDefined();
      expect(registered === 'warning' || registered?.startsWith('warning at validate') ? 'warning' : 'error', e.code).toBe(e.severity);
    }
  });
});

describe('examples/invalid at plan time', () => {
  it('an unset fromEnv variable, a warning at validate, is left to the planner at plan time', () => {
    // Only a user being created or reset needs it; planTenant reports those.
    const example = examples.find((e) => e.name === 'password-env-unset.yaml');
    if (!example) throw new Error('password-env-unset.yaml is missing');
    const { config, diagnostics } = load(example, { phase: 'plan' });
    expect(config).not.toBeNull();
    expect(diagnostics.filter((d) => d.code === 'PASSWORD_ENV_UNSET')).toEqual([]);
  });

  it('the password policy message describes the password without quoting it', () => {
    const example = examples.find((e) => e.name === 'password-policy.yaml');
    const value = example?.env.EXAMPLE_WEAK_PASSWORD;
    expect(value).toBeTruthy();
    const { diagnostics } = load(example!);
    expect(diagnostics[0]?.message).toContain('is shorter than 8 characters');
    expect(JSON.stringify(diagnostics)).not.toContain(value);
  });

  it('a password written in the configuration is never repeated in a message', () => {
    for (const name of ['password-in-config.yaml', 'password-in-config-value.yaml']) {
      const { diagnostics } = load(examples.find((e) => e.name === name)!);
      expect(JSON.stringify(diagnostics)).not.toContain('Welkom2016');
    }
  });
});

describe('the example configuration', () => {
  it('examples/contoso is valid with its catalog, without warnings', () => {
    const { config, diagnostics } = loadConfig([fromRoot('examples/contoso')], { catalog, env: {}, phase: 'plan' });
    expect(diagnostics).toEqual([]);
    expect(config?.state.users.size).toBe(13);
  });

  it('every example file starts with the schema modeline editors use', () => {
    const yamlFiles = [
      ...fs.readdirSync(fromRoot('examples/contoso')).filter((f) => f !== 'catalog.yaml').map((f) => path.join(fromRoot('examples/contoso'), f)),
    ].filter((f) => f.endsWith('.yaml'));
    for (const file of yamlFiles) expect(fs.readFileSync(file, 'utf8').split('\n')[0], file).toBe('# yaml-language-server: $schema=../../schemas/tenant.schema.json');
  });
});
