// A -c directory's symbolic links are followed only to files inside the
// repository: a pull request could otherwise link users.yaml to a file of the
// CI runner (/proc/self/environ, a key) and have its keys named in the output.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listConfigFiles } from '../../src/config/config-files.js';
import { runCli, tempDir } from '../support/cli.js';

const dirs: string[] = [];
const newDir = () => {
  const dir = tempDir('tenantctl-links-');
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const USERS = 'users:\n  - userPrincipalName: joep@contoso.com\n    displayName: Joep\n';

describe('symbolic links in a -c directory', () => {
  it('in a git work tree: followed to a file of the repository, refused to one outside it', () => {
    const repo = newDir();
    execFileSync('git', ['init', '-q', repo]);
    const tenant = path.join(repo, 'tenant');
    fs.mkdirSync(tenant);
    fs.mkdirSync(path.join(repo, 'shared'));
    fs.writeFileSync(path.join(tenant, 'a.yaml'), USERS);
    fs.writeFileSync(path.join(repo, 'shared', 'b.yaml'), 'users: []\n');
    fs.symlinkSync('../shared/b.yaml', path.join(tenant, 'b.yaml'));
    const secret = path.join(newDir(), 'runner-secret.yaml');
    fs.writeFileSync(secret, 'deployKey: hunter2\n');
    fs.symlinkSync(secret, path.join(tenant, 'c.yaml'));

    const { files, diagnostics } = listConfigFiles([tenant]);
    expect(files).toEqual([`${tenant}/a.yaml`, `${tenant}/b.yaml`]);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: 'CONFIG_LINK_OUTSIDE',
        severity: 'error',
        location: { file: `${tenant}/c.yaml` },
        message: `${tenant}/c.yaml is a symbolic link to a file outside the repository; tenantctl follows links only to files inside it: copy the file into the repository, or remove the link`,
      }),
    ]);
  });

  it('outside git: followed within the directory only', () => {
    const dir = newDir();
    const tenant = path.join(dir, 'tenant');
    fs.mkdirSync(path.join(tenant, 'parts'), { recursive: true });
    fs.writeFileSync(path.join(tenant, 'parts', 'a.yaml'), USERS);
    fs.symlinkSync('parts/a.yaml', path.join(tenant, 'a.yaml'));
    fs.writeFileSync(path.join(dir, 'beside.yaml'), 'users: []\n');
    fs.symlinkSync('../beside.yaml', path.join(tenant, 'b.yaml'));
    const { files, diagnostics } = listConfigFiles([tenant]);
    expect(files).toEqual([`${tenant}/a.yaml`]);
    expect(diagnostics.map((d) => d.code)).toEqual(['CONFIG_LINK_OUTSIDE']);
  });

  it('validate refuses the link, exit 1, without reading the file it points to', async () => {
    const dir = newDir();
    const tenant = path.join(dir, 'tenant');
    fs.mkdirSync(tenant);
    fs.writeFileSync(path.join(tenant, 'a.yaml'), USERS);
    const secret = path.join(newDir(), 'id_ed25519.yaml');
    fs.writeFileSync(secret, 'privateKeyMaterial: 1\n');
    fs.symlinkSync(secret, path.join(tenant, 'z.yaml'));
    const run = await runCli(['validate', '-c', tenant], { env: { TENANTCTL_DATABASE_URL: path.join(dir, 'db') } });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain(`${tenant}/z.yaml: CONFIG_LINK_OUTSIDE: ${tenant}/z.yaml is a symbolic link to a file outside the repository`);
    expect(run.stdout + run.stderr).not.toContain('privateKeyMaterial');
  });
});
