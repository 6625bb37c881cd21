import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashConfig } from '../../src/config/config-hash.js';
import { loadYamlSources, loadYamlSourcesYielding } from '../../src/config/yaml-source.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-config-hash-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function folder(name: string, files: Record<string, Buffer | string>): string {
  const at = path.join(dir, name);
  fs.mkdirSync(at);
  for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(at, file), content);
  return at;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('the configuration hash worked out from the bytes while parsing', () => {
  it('equals hashConfig of the decoded texts: several files, a BOM, letters outside ASCII in text and names', async () => {
    const at = folder('valid', {
      'a.yaml': 'users:\n  - userPrincipalName: zoe@contoso.com\n    displayName: Zoë Müller\n',
      'b-ø.yaml': Buffer.concat([BOM, Buffer.from('settings:\n  minGlobalAdmins: 1\n')]),
      'c.yaml': '# only a comment\n',
    });
    const loaded = await loadYamlSourcesYielding([at]);
    expect(loaded.files.map((f) => path.basename(f.file))).toEqual(['a.yaml', 'b-ø.yaml', 'c.yaml']);
    expect(loaded.configHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(loaded.configHash).toBe(hashConfig(loaded.files));
    // The synchronous reader leaves it to hashConfig.
    expect(loadYamlSources([at]).configHash).toBeUndefined();
  });

  it('is left out when a file is not UTF-8 (its text is not its bytes)', async () => {
    const at = folder('latin1', { 'a.yaml': Buffer.from('users:\n  - displayName: Zo\xeb\n', 'latin1') });
    const loaded = await loadYamlSourcesYielding([at]);
    expect(loaded.diagnostics.map((d) => d.code)).toContain('YAML_NOT_UTF8');
    expect(loaded.configHash).toBeUndefined();
  });

  it('covers only the files read, in order, as hashConfig does', async () => {
    const at = folder('one-unread', { 'a.yaml': 'users: []\n', 'b.yaml': 'users: []\n' });
    fs.symlinkSync('/dev/zero', path.join(at, 'c.yaml'));
    const loaded = await loadYamlSourcesYielding([at]);
    expect(loaded.files).toHaveLength(2);
    expect(loaded.configHash).toBe(hashConfig(loaded.files));
  });
});
