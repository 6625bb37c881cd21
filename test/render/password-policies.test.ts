// passwordPolicies in every plan format: an attribute like any other where a
// user has it, and no trace of it where a user has not.
import fs from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { renderPlanHtml } from '../../src/render/plan-html.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { admin, adminDeclared, declared, existing, passwordPolicies, planDocument } from './scenarios.js';
import type { PasswordPolicies } from '../../src/state/tenant-state.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as object);

describe('a plan that sets and clears passwordPolicies', () => {
  it('matches the golden files, text, markdown, HTML and JSON', async () => {
    const plan = passwordPolicies();
    await expect(renderText(plan, { color: false })).toMatchFileSnapshot('./__snapshots__/password-policies.txt');
    await expect(renderMarkdown(plan)).toMatchFileSnapshot('./__snapshots__/password-policies.md');
    await expect(renderPlanHtml(plan)).toMatchFileSnapshot('./__snapshots__/password-policies.html');
    await expect(renderJson(plan)).toMatchFileSnapshot('./__snapshots__/password-policies.json');
  });

  it('is a JSON plan the schema accepts, with the attribute only on the users who have it', () => {
    const document = JSON.parse(renderJson(passwordPolicies())) as { changes: { kind: string; userPrincipalName: string; before?: { attributes: object } | null; after?: { attributes: object } | null }[] };
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    const sanne = document.changes.find((change) => change.userPrincipalName === 'sanne@contoso.com');
    expect(sanne?.before?.attributes).not.toHaveProperty('passwordPolicies');
    expect(sanne?.after?.attributes).not.toHaveProperty('passwordPolicies');
  });

  it('says passwords expire again only when the value cleared had turned expiry off', () => {
    // Values the database holds only with 0028's CHECK dropped; clearing them turns no expiry back on.
    const other = (passwordPolicies: string) => ({ passwordPolicies: passwordPolicies as PasswordPolicies });
    const plan = planDocument({
      current: [
        admin(),
        existing('anna@contoso.com', { displayName: 'Anna', ...other('DisableStrongPassword') }),
        existing('bram@contoso.com', { displayName: 'Bram', ...other('') }),
        existing('cees@contoso.com', { displayName: 'Cees', passwordPolicies: 'DisablePasswordExpiration' }),
      ],
      desired: [
        adminDeclared(),
        declared('anna@contoso.com', { displayName: 'Anna' }),
        declared('bram@contoso.com', { displayName: 'Bram' }),
        declared('cees@contoso.com', { displayName: 'Cees' }),
      ],
    });
    const lines = renderText(plan, { color: false }).split('\n').filter((line) => line.includes('passwordPolicies'));
    expect(lines.map((line) => line.trim())).toEqual([
      '- passwordPolicies: "DisableStrongPassword" → (not set)',
      '- passwordPolicies: "" → (not set)',
      '- passwordPolicies: "DisablePasswordExpiration" → (not set), so passwords expire after 90 days',
    ]);
  });
});
