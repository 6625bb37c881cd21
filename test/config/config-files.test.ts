// A -c directory's symbolic links are followed only to files inside the
// repository: a pull request could otherwise link users.yaml to a file of the
// CI runner (/proc/self/environ, a key) and have its keys named in the output.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listConfigFiles } from '../../src/config/config-files.js';
import type { PlanDocument } from '../../src/plan/plan-document.js';
import { configAsPlanned } from '../../src/workflow/saved-plan.js';
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

  // A pull request can replace the -c directory itself (or a folder on its path) with a link.
  it('in a git work tree: a -c directory or file that leads through a link out of it is refused, one that stays inside is read', () => {
    const repo = newDir();
    execFileSync('git', ['init', '-q', repo]);
    const secrets = newDir();
    fs.writeFileSync(path.join(secrets, 'kubeconfig.yaml'), 'apiVersion: v1\nusers: []\n');
    fs.symlinkSync(secrets, path.join(repo, 'tenant'));
    fs.symlinkSync(path.join(secrets, 'kubeconfig.yaml'), path.join(repo, 'tenant.yaml'));
    fs.symlinkSync(secrets, path.join(repo, 'config'));
    fs.mkdirSync(path.join(repo, 'real'));
    fs.writeFileSync(path.join(repo, 'real', 'a.yaml'), USERS);
    fs.symlinkSync('real', path.join(repo, 'inside'));

    const given = [path.join(repo, 'tenant'), path.join(repo, 'tenant.yaml'), path.join(repo, 'config', 'kubeconfig.yaml'), path.join(repo, 'inside')];
    const { files, diagnostics } = listConfigFiles(given);
    expect(files).toEqual([`${repo}/inside/a.yaml`]);
    expect(diagnostics.map((d) => [d.code, d.location?.file])).toEqual(given.slice(0, 3).map((file) => ['CONFIG_LINK_OUTSIDE', file]));
    expect(diagnostics[0]?.message).toBe(
      `${repo}/tenant leads through a symbolic link to a directory outside the repository that holds it; tenantctl reads a configuration in a repository only from inside it: copy the files into the repository, or remove the link`,
    );
    expect(diagnostics[1]?.message).toMatch(/^\S+tenant\.yaml leads through a symbolic link to a file outside/);
  });

  // .git/config can hold a remote URL with a token in it; git indents it with tabs, but a pull request could also link a hook or a YAML file it plants there.
  it('in a git work tree: a link into .git is refused as not one of the repository\'s files, from a directory or as the -c path', async () => {
    const repo = newDir();
    execFileSync('git', ['init', '-q', repo]);
    const tenant = path.join(repo, 'tenant');
    fs.mkdirSync(tenant);
    fs.writeFileSync(path.join(tenant, 'a.yaml'), USERS);
    fs.writeFileSync(path.join(repo, '.git', 'planted.yaml'), 'users: []\ntoken: ghp_0123456789\n');
    fs.symlinkSync('../.git/config', path.join(tenant, 'x.yaml'));
    fs.symlinkSync(path.join(repo, '.git', 'planted.yaml'), path.join(tenant, 'y.yaml'));
    // Spelt .GIT, as a link may on a file system that ignores case (made here as a folder of its own).
    fs.mkdirSync(path.join(repo, '.GIT'));
    fs.writeFileSync(path.join(repo, '.GIT', 'config.yaml'), 'users: []\n');
    fs.symlinkSync('../.GIT/config.yaml', path.join(tenant, 'z.yaml'));
    fs.symlinkSync('.git', path.join(repo, 'config'));
    fs.symlinkSync('.git/planted.yaml', path.join(repo, 'planted.yaml'));

    const fromDir = listConfigFiles([tenant]);
    expect(fromDir.files).toEqual([`${tenant}/a.yaml`]);
    expect(fromDir.diagnostics.map((d) => [d.code, d.location?.file, d.message])).toEqual(
      ['x', 'y', 'z'].map((name) => [
        'CONFIG_LINK_OUTSIDE',
        `${tenant}/${name}.yaml`,
        `${tenant}/${name}.yaml is a symbolic link to a file in the repository's .git folder, which holds git's own files, not configuration; tenantctl follows links only to files of the repository: copy the file into the repository, or remove the link`,
      ]),
    );
    const given = [path.join(repo, 'config'), path.join(repo, 'planted.yaml')];
    const asPaths = listConfigFiles(given);
    expect(asPaths.files).toEqual([]);
    expect(asPaths.diagnostics.map((d) => d.message)).toEqual([
      `${repo}/config leads through a symbolic link to a directory in the .git folder of the repository that holds it, which holds git's own files, not configuration; tenantctl reads a configuration in a repository only from its files: copy the files into the repository, or remove the link`,
      `${repo}/planted.yaml leads through a symbolic link to a file in the .git folder of the repository that holds it, which holds git's own files, not configuration; tenantctl reads a configuration in a repository only from its files: copy the files into the repository, or remove the link`,
    ]);
    // Named by the administrator, a file there is read: no link, no pull request.
    expect(listConfigFiles([path.join(repo, '.git', 'planted.yaml')]).files).toEqual([`${repo}/.git/planted.yaml`]);

    const run = await runCli(['validate', '-c', tenant], { env: { TENANTCTL_DATABASE_URL: path.join(repo, 'db') } });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain(`${tenant}/y.yaml: CONFIG_LINK_OUTSIDE: `);
    expect(run.stdout + run.stderr).not.toContain('ghp_');
  });

  // A CI step can leave files in the work tree (a decrypted .env, a deploy key): a pull request's link to one is refused unread.
  it('in a git work tree: a link to a file of the repository without a YAML name is refused, in a directory and as a -c path', async () => {
    const repo = newDir();
    execFileSync('git', ['init', '-q', repo]);
    const tenant = path.join(repo, 'tenant');
    fs.mkdirSync(tenant);
    fs.writeFileSync(path.join(tenant, 'a.yaml'), USERS);
    fs.writeFileSync(path.join(repo, '.env'), 'AZURE_CLIENT_SECRET: s3cr3t-value\n');
    fs.writeFileSync(path.join(repo, 'shared.yml'), 'users: []\n');
    fs.symlinkSync('../.env', path.join(tenant, 'env.yaml'));
    fs.symlinkSync('../shared.yml', path.join(tenant, 'shared.yaml'));
    fs.symlinkSync('tenant/../.env', path.join(repo, 'given.yaml'));

    const { files, diagnostics } = listConfigFiles([tenant, path.join(repo, 'given.yaml')]);
    expect(files).toEqual([`${tenant}/a.yaml`, `${tenant}/shared.yaml`]);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: 'CONFIG_LINK_NOT_YAML',
        location: { file: `${tenant}/env.yaml` },
        message: `${tenant}/env.yaml is a symbolic link to ".env", a file without a .yaml or .yml name; tenantctl follows links only to YAML files, so that no other file of the work tree (.env, a key a CI step wrote) is read as configuration: link to the YAML file itself, or remove the link`,
      }),
      expect.objectContaining({ code: 'CONFIG_LINK_NOT_YAML', location: { file: `${repo}/given.yaml` } }),
    ]);
    const run = await runCli(['validate', '-c', tenant], { env: { TENANTCTL_DATABASE_URL: path.join(repo, 'db') } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${tenant}/env.yaml: CONFIG_LINK_NOT_YAML: `);
    expect(run.stdout + run.stderr).not.toMatch(/AZURE_CLIENT_SECRET|s3cr3t/);
  });

  it('outside git: a -c path through a link is the administrator\'s own and is read', () => {
    const dir = newDir();
    fs.mkdirSync(path.join(dir, 'real'));
    fs.writeFileSync(path.join(dir, 'real', 'a.yaml'), USERS);
    const elsewhere = newDir();
    fs.symlinkSync(path.join(dir, 'real'), path.join(elsewhere, 'tenant'));
    expect(listConfigFiles([path.join(elsewhere, 'tenant')])).toEqual({ files: [`${elsewhere}/tenant/a.yaml`], diagnostics: [] });
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

// Skipping an entry in silence would leave its users out and plan them deleted, with a green validate.
describe('an entry by a YAML name that is not a regular file', () => {
  it('is refused, named, whatever it is: a FIFO, a folder, a dangling or looping link, a link to a device', async () => {
    const repo = newDir();
    execFileSync('git', ['init', '-q', repo]);
    fs.writeFileSync(path.join(repo, 'a.yaml'), USERS);
    execFileSync('mkfifo', [path.join(repo, 'fifo.yaml')]);
    fs.mkdirSync(path.join(repo, 'folder.yaml'));
    fs.symlinkSync('missing.yaml', path.join(repo, 'dangling.yaml'));
    fs.symlinkSync('loop-b.yaml', path.join(repo, 'loop-a.yaml'));
    fs.symlinkSync('loop-a.yaml', path.join(repo, 'loop-b.yaml'));
    fs.symlinkSync('/dev/null', path.join(repo, 'null.yaml'));
    // Links to the directory itself and to the repository's top folder: folders by a YAML name, not repeats or outsiders (helper-75).
    fs.mkdirSync(path.join(repo, 'tenant'));
    fs.writeFileSync(path.join(repo, 'tenant', 'b.yaml'), USERS);
    fs.symlinkSync('.', path.join(repo, 'tenant', 'self.yaml'));
    fs.symlinkSync('..', path.join(repo, 'tenant', 'top.yaml'));

    const listed = listConfigFiles([repo]);
    expect(listed.files).toEqual(['a', 'fifo', 'folder'].map((name) => `${repo}/${name}.yaml`));
    const tenant = listConfigFiles([`${repo}/tenant`]);
    expect(tenant.diagnostics).toEqual([]);
    expect(tenant.files).toEqual(['b', 'self', 'top'].map((name) => `${repo}/tenant/${name}.yaml`));
    const inTenant = await runCli(['validate', '-c', `${repo}/tenant`], { env: { TENANTCTL_DATABASE_URL: path.join(newDir(), 'db') } });
    expect(inTenant.code).toBe(1);
    for (const name of ['self', 'top']) expect(inTenant.stdout).toContain(`${repo}/tenant/${name}.yaml: CONFIG_NOT_A_FILE: `);
    expect(listed.diagnostics.map((d) => [d.code, d.location?.file])).toEqual([
      ['CONFIG_UNREADABLE', `${repo}/dangling.yaml`],
      ['CONFIG_UNREADABLE', `${repo}/loop-a.yaml`],
      ['CONFIG_UNREADABLE', `${repo}/loop-b.yaml`],
      ['CONFIG_LINK_OUTSIDE', `${repo}/null.yaml`],
      // tenant/b.yaml is in a subfolder, which -c repo does not read.
      ['CONFIG_SUBFOLDER_NOT_READ', `${repo}/tenant`],
    ]);

    const run = await runCli(['validate', '-c', repo], { env: { TENANTCTL_DATABASE_URL: path.join(newDir(), 'db') } });
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    const said = (name: string) => lines.find((line) => line.startsWith(`${repo}/${name}.yaml: `));
    expect(said('fifo')).toContain('CONFIG_NOT_A_FILE: ');
    expect(said('folder')).toContain('CONFIG_NOT_A_FILE: ');
    expect(said('dangling')).toBe(
      `${repo}/dangling.yaml: CONFIG_UNREADABLE: ${repo}/dangling.yaml is a symbolic link to "missing.yaml", which does not exist (ENOENT); point it at a file of the repository, or remove it`,
    );
    expect(said('loop-a')).toBe(`${repo}/loop-a.yaml: CONFIG_UNREADABLE: ${repo}/loop-a.yaml is a symbolic link that leads round in a loop, or through more links than the system follows (ELOOP); point it at a file, or remove it`);
    expect(said('null')).toContain('CONFIG_LINK_OUTSIDE: ');
  });
});

describe('file names that are not UTF-8', () => {
  // Linux keeps a name's bytes as they are; macOS and Windows refuse such a name, so nothing there lists one.
  it.skipIf(process.platform !== 'linux')('a YAML file by one is refused as such, not as "no such file" of a file that is there, nor skipped', async () => {
    const dir = newDir();
    fs.writeFileSync(path.join(dir, 'a.yaml'), USERS);
    fs.writeFileSync(Buffer.concat([Buffer.from(`${dir}/us`), Buffer.from([0xff]), Buffer.from('ers.yaml')]), 'users: []\n');

    const { files, diagnostics } = listConfigFiles([dir]);
    expect(files).toEqual([`${dir}/a.yaml`]);
    const shown = `${dir}/us\ufffders.yaml`;
    expect(diagnostics.map((d) => [d.code, d.location?.file])).toEqual([['CONFIG_UNREADABLE', shown]]);
    const run = await runCli(['validate', '-c', dir], { env: { TENANTCTL_DATABASE_URL: path.join(newDir(), 'db') } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `${shown}: CONFIG_UNREADABLE: ${shown} has a name that is not valid UTF-8 (shown with \ufffd where its bytes are not), by which tenantctl cannot open it; rename the file with UTF-8 characters\n`,
    );
  });
});

describe('a path given with -c that is not UTF-8', () => {
  // The command line reaches Node decoded as UTF-8: the byte 0xff of the folder's name arrives as U+FFFD.
  it.skipIf(process.platform !== 'linux')('says why it cannot be opened, not only that it does not exist', () => {
    const dir = newDir();
    const folder = Buffer.concat([Buffer.from(`${dir}/conf`), Buffer.from([0xff])]);
    fs.mkdirSync(folder);
    fs.writeFileSync(Buffer.concat([folder, Buffer.from('/users.yaml')]), USERS);
    const { diagnostics } = listConfigFiles([`${dir}/conf\ufffd`]);
    expect(diagnostics.map((d) => d.code)).toEqual(['CONFIG_NOT_FOUND']);
    expect(diagnostics[0]?.message).toContain('not valid UTF-8');
    expect(listConfigFiles([`${dir}/nothing`]).diagnostics[0]?.message).not.toContain('UTF-8');
  });
});

describe('the number of files', () => {
  it('more than 100,000 YAML files are refused before one is read, naming the file that passed the limit', () => {
    const dir = newDir();
    const one = path.join(dir, 'one.yaml');
    fs.writeFileSync(one, 'users: []\n');
    const many = path.join(dir, 'many');
    fs.mkdirSync(many);
    // Hard links, fast to make; a file takes at most 65,000 of them.
    const two = path.join(dir, 'two.yaml');
    fs.copyFileSync(one, two);
    for (let i = 0; i < 100_000; i++) fs.linkSync(i % 2 === 0 ? one : two, path.join(many, `u${i}.yaml`));
    expect(listConfigFiles([many]).files).toHaveLength(100_000);
    const { files, diagnostics } = listConfigFiles([many, one]);
    expect(files).toEqual([]);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: 'CONFIG_TOO_LARGE',
        location: { file: one },
        message: `${one} takes the configuration to more than 100,000 YAML files, the limit for one configuration; put many users in each file (one per department, as export --split writes them)`,
      }),
    ]);
  }, 60_000);
});

// A name with a line break is still a *.yaml name: `.` once failed to match the
// break, and the file was skipped without a word, its users planned deleted.
describe('a -c directory file whose name holds a line break', () => {
  it('is read like any YAML file, alone or beside others', () => {
    const alone = newDir();
    fs.writeFileSync(path.join(alone, 'a\nb.yaml'), USERS);
    expect(listConfigFiles([alone])).toEqual({ files: [`${alone}/a\nb.yaml`], diagnostics: [] });
    const beside = newDir();
    for (const name of ['b.yaml', 'a\nb.yml', 'c\r.yaml', '.\nhidden.yaml', 'a.yaml\n']) fs.writeFileSync(path.join(beside, name), USERS);
    expect(listConfigFiles([beside]).files).toEqual([`${beside}/a\nb.yml`, `${beside}/b.yaml`, `${beside}/c\r.yaml`]);
  });

  it('is named escaped in validate\'s text, JSON and GitHub output', async () => {
    const dir = newDir();
    const tenant = path.join(dir, 'tenant');
    fs.mkdirSync(tenant);
    fs.writeFileSync(path.join(tenant, 'a.yaml'), USERS);
    fs.writeFileSync(path.join(tenant, 'b\n::error::forged.yaml'), 'users: [{ userPrincipalName: 1 }]\n');
    const env = { TENANTCTL_DATABASE_URL: path.join(dir, 'db') };
    const text = await runCli(['validate', '-c', tenant], { env });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(new RegExp(`^${tenant}/b\\\\u000a::error::forged\\.yaml:1:\\d+: `, 'm'));
    expect(text.stdout).not.toMatch(/^::error::forged/m);
    const github = await runCli(['validate', '-c', tenant, '--format', 'github'], { env });
    // The line break as GitHub's workflow commands encode it (%0A), which the runner decodes to name the real file; no line starts a command.
    expect(github.stdout).toMatch(/^::error file=[^,\n]*b%0A%3A%3Aerror%3A%3Aforged\.yaml,line=1,/m);
    expect(github.stdout).not.toMatch(/^::error::forged/m);
    const json = JSON.parse((await runCli(['validate', '-c', tenant, '--format', 'json'], { env })).stdout) as { diagnostics: { file?: string }[] };
    expect(json.diagnostics.map((d) => d.file)).toContain(`${tenant}/b\n::error::forged.yaml`);
  });
});

describe('export --split into a folder holding other files', () => {
  it('names, escaped, each file `-c DIR` would read too, and only those', async () => {
    const dir = newDir();
    const env = { TENANTCTL_DATABASE_URL: path.join(dir, 'db'), TENANTCTL_OUTBOX_KEY: path.join(dir, 'outbox.key') };
    expect((await runCli(['init', '--catalog', 'examples/contoso/catalog.yaml'], { env })).code).toBe(0);
    const out = path.join(dir, 'config');
    fs.mkdirSync(out);
    for (const name of ['a\n::error::forged.yaml', 'catalog.yaml', '.hidden.yaml', 'old.yml']) fs.writeFileSync(path.join(out, name), 'users: []\n');
    const run = await runCli(['export', '--split', 'department', '--out', out], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`Note: ${out} also holds a\\u000a::error::forged.yaml, old.yml, which \`-c ${out}\` reads too;`);
  });
});

describe('a path given twice with -c', () => {
  it('is read once, and a warning says so: a file twice, a directory twice, a file also in a directory given', () => {
    const dir = newDir();
    const tenant = path.join(dir, 'tenant');
    fs.mkdirSync(tenant);
    fs.writeFileSync(path.join(tenant, 'a.yaml'), USERS);
    fs.writeFileSync(path.join(tenant, 'b.yaml'), 'users: []\n');
    const a = path.join(tenant, 'a.yaml');

    const { files, diagnostics } = listConfigFiles([a, tenant, tenant, a, `${tenant}/./a.yaml`]);
    expect(files).toEqual([a, `${tenant}/b.yaml`]);
    expect(diagnostics.map((d) => [d.severity, d.code, d.location?.file, d.message])).toEqual([
      ['warning', 'CONFIG_GIVEN_TWICE', a, `${a} and ${a} (in the directory ${tenant}) are the same, each given with -c; it is read once: remove the repeated -c`],
      ['warning', 'CONFIG_GIVEN_TWICE', tenant, `${tenant} is given twice with -c; it is read once: remove the repeated -c`],
      ['warning', 'CONFIG_GIVEN_TWICE', a, `${a} is given twice with -c; it is read once: remove the repeated -c`],
      ['warning', 'CONFIG_GIVEN_TWICE', `${tenant}/./a.yaml`, `${a} and ${tenant}/./a.yaml are the same, each given with -c; it is read once: remove the repeated -c`],
    ]);
  });

  it('is read once when a symbolic link leads to it again: a link beside it, a linked directory', async () => {
    const dir = newDir();
    const tenant = path.join(dir, 'tenant');
    fs.mkdirSync(tenant);
    fs.writeFileSync(path.join(tenant, 'a.yaml'), USERS.replace('displayName: Joep\n', 'displayName: Joep\n    roles: [Global administrator]\n'));
    fs.symlinkSync('a.yaml', path.join(tenant, 'staff.yaml'));
    fs.symlinkSync('tenant', path.join(dir, 'linked'));
    const a = path.join(tenant, 'a.yaml');
    const linked = path.join(dir, 'linked');

    const { files, diagnostics } = listConfigFiles([tenant, linked, path.join(linked, 'a.yaml')]);
    expect(files).toEqual([a]);
    expect(diagnostics.map((d) => [d.code, d.location?.file, d.message])).toEqual([
      ['CONFIG_GIVEN_TWICE', `${tenant}/staff.yaml`, `${a} (in the directory ${tenant}) and ${tenant}/staff.yaml (in the directory ${tenant}) are the same file, one reached through a symbolic link; it is read once: remove the link, or the -c that reaches it again`],
      ['CONFIG_GIVEN_TWICE', linked, `${tenant} and ${linked} are the same file, one reached through a symbolic link; it is read once: remove the link, or the -c that reaches it again`],
      ['CONFIG_GIVEN_TWICE', `${linked}/a.yaml`, `${a} (in the directory ${tenant}) and ${linked}/a.yaml are the same file, one reached through a symbolic link; it is read once: remove the link, or the -c that reaches it again`],
    ]);
    // Read twice, each of its users was declared twice: UPN_DUPLICATE for every one of them.
    const run = await runCli(['validate', '-c', tenant], { env: { TENANTCTL_DATABASE_URL: path.join(dir, 'no-db') } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toContain('CONFIG_GIVEN_TWICE');
    expect(run.stdout + run.stderr).not.toContain('UPN_DUPLICATE');
  });

  // In name order the link would be the name the file is read under: the configuration's hash would change, a saved plan be refused.
  it('is read by its own name when a link to it beside it sorts first, the link named as the repeat', () => {
    const tenant = path.join(newDir(), 'tenant');
    fs.mkdirSync(tenant);
    fs.writeFileSync(path.join(tenant, 'users.yaml'), USERS);
    fs.writeFileSync(path.join(tenant, 'b.yaml'), 'users: []\n');
    const before = listConfigFiles([tenant]);
    fs.symlinkSync('users.yaml', path.join(tenant, '0.yaml'));
    fs.symlinkSync('b.yaml', path.join(tenant, 'a.yaml'));

    const { files, diagnostics } = listConfigFiles([tenant]);
    expect(files).toEqual(before.files);
    expect(files).toEqual([`${tenant}/b.yaml`, `${tenant}/users.yaml`]);
    expect(diagnostics.map((d) => [d.code, d.location?.file])).toEqual([
      ['CONFIG_GIVEN_TWICE', `${tenant}/0.yaml`],
      ['CONFIG_GIVEN_TWICE', `${tenant}/a.yaml`],
    ]);
  });

  it('validate passes with the warning, and reads the file once', async () => {
    const dir = newDir();
    const file = path.join(dir, 'tenant.yaml');
    fs.writeFileSync(file, USERS.replace('displayName: Joep\n', 'displayName: Joep\n    roles: [Global administrator]\n'));
    const run = await runCli(['validate', '-c', file, '-c', file], { env: { TENANTCTL_DATABASE_URL: path.join(dir, 'no-db') } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toContain(`${file}: CONFIG_GIVEN_TWICE: warning: ${file} is given twice with -c; it is read once: remove the repeated -c`);
    expect(run.stdout + run.stderr).not.toContain('UPN_DUPLICATE');
  });

  it('is no reason for apply --plan to refuse the configuration: only errors are', () => {
    const dir = newDir();
    const file = path.join(dir, 'tenant.yaml');
    fs.writeFileSync(file, USERS);
    const plan = { configHash: 'sha256:not-these-files' } as unknown as PlanDocument;
    expect(() => configAsPlanned(plan, [file, file])).toThrow(/is not the one this plan was made from/);
    expect(() => configAsPlanned(plan, [file, file])).not.toThrow(/cannot read the configuration/);
  });
});

describe('a -c directory with YAML files in a subfolder', () => {
  it('reads only its own files, and warns of each subfolder holding YAML files that no -c reads', async () => {
    const dir = newDir();
    const tenant = path.join(dir, 'tenant');
    for (const folder of ['sales', 'hr', 'empty', '.github/workflows', 'node_modules/x', 'given', 'file-given']) fs.mkdirSync(path.join(tenant, folder), { recursive: true });
    fs.writeFileSync(path.join(tenant, 'tenant.yaml'), USERS.replace('displayName: Joep\n', 'displayName: Joep\n    roles: [Global administrator]\n'));
    fs.writeFileSync(path.join(tenant, 'sales', 'users.yaml'), 'users: []\n');
    // A file a link of the directory leads to is read: its folder is no cause for a warning.
    fs.mkdirSync(path.join(tenant, 'parts'));
    fs.writeFileSync(path.join(tenant, 'parts', 'shared.yaml'), 'users: []\n');
    fs.symlinkSync('parts/shared.yaml', path.join(tenant, 'shared.yaml'));
    fs.writeFileSync(path.join(tenant, 'hr', 'b.yml'), 'users: []\n');
    fs.writeFileSync(path.join(tenant, 'empty', 'notes.txt'), 'no YAML here\n');
    fs.writeFileSync(path.join(tenant, '.github', 'workflows', 'plan.yml'), 'on: push\n');
    fs.writeFileSync(path.join(tenant, 'node_modules', 'x', 'a.yaml'), 'a: 1\n');
    fs.writeFileSync(path.join(tenant, 'given', 'c.yaml'), 'users: []\n');
    fs.writeFileSync(path.join(tenant, 'file-given', 'd.yaml'), 'users: []\n');

    const { files, diagnostics } = listConfigFiles([tenant, path.join(tenant, 'given'), path.join(tenant, 'file-given', 'd.yaml')]);
    expect(files).toEqual([`${tenant}/shared.yaml`, `${tenant}/tenant.yaml`, `${tenant}/given/c.yaml`, path.join(tenant, 'file-given', 'd.yaml')]);
    expect(diagnostics.map((d) => [d.severity, d.code, d.location?.file, d.message])).toEqual(
      ['hr', 'sales'].map((folder) => {
        const shown = `${tenant}/${folder}`;
        const file = folder === 'hr' ? 'b.yml' : 'users.yaml';
        return [
          'warning',
          'CONFIG_SUBFOLDER_NOT_READ',
          shown,
          `${shown} holds YAML files (${shown}/${file}, maybe more) that -c ${tenant} does not read: a directory contributes only its own files, not its subfolders'; ` +
            `users declared only there count as undeclared, and those tenantctl manages are planned for deletion: give the folder with its own -c (-c ${tenant} -c ${shown}), or move its files up`,
        ];
      }),
    );
    // A warning: validate still passes, and says it.
    const run = await runCli(['validate', '-c', tenant], { env: { TENANTCTL_DATABASE_URL: path.join(dir, 'no-db') } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toContain(`${tenant}/sales: CONFIG_SUBFOLDER_NOT_READ: warning: ${tenant}/sales holds YAML files`);
  });
});

describe('a -c directory with a YAML file whose extension is not in lower case', () => {
  it('reads only *.yaml and *.yml, and warns of users.YAML and sales.Yml, each with the name it would be read by', async () => {
    const tenant = newDir();
    fs.writeFileSync(path.join(tenant, 'tenant.yaml'), `${USERS}    roles: [Global administrator]\n`);
    fs.writeFileSync(path.join(tenant, 'users.YAML'), 'users: []\n');
    fs.writeFileSync(path.join(tenant, 'sales.Yml'), 'users: []\n');
    fs.writeFileSync(path.join(tenant, 'CATALOG.YAML'), 'domains: []\n');
    fs.writeFileSync(path.join(tenant, 'catalog.YAML'), 'domains: []\n');
    fs.writeFileSync(path.join(tenant, 'notes.txt'), 'users.YAML\n');
    fs.mkdirSync(path.join(tenant, 'old.YAML'));

    const { files, diagnostics } = listConfigFiles([tenant]);
    expect(files).toEqual([`${tenant}/tenant.yaml`]);
    expect(diagnostics.map((d) => [d.severity, d.code, d.location?.file, d.message])).toEqual(
      [
        ['CATALOG.YAML', 'CATALOG.yaml'],
        ['sales.Yml', 'sales.yml'],
        ['users.YAML', 'users.yaml'],
      ].map(([name, spelt]) => [
        'warning',
        'CONFIG_FILE_NOT_READ',
        `${tenant}/${name}`,
        `${tenant}/${name} is not read: a directory given with -c contributes only its files named *.yaml or *.yml, the extension in lower case; ` +
          `users declared only there count as undeclared, and those tenantctl manages are planned for deletion: rename it ${spelt}`,
      ]),
    );
    // A warning: validate still passes, and says it.
    const run = await runCli(['validate', '-c', tenant], { env: { TENANTCTL_DATABASE_URL: path.join(newDir(), 'no-db') } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`${tenant}/users.YAML: CONFIG_FILE_NOT_READ: warning: ${tenant}/users.YAML is not read`);
  });

  // helper-120: a link to a folder, or a second name of a file read already, holds no users left out; and
  // renamed over a file of the name it would be read by, a file would replace that file.
  it('says nothing of a link to a folder or to the file read under that name, and no rename over a file there', () => {
    const tenant = newDir();
    fs.writeFileSync(path.join(tenant, 'tenant.yaml'), `${USERS}    roles: [Global administrator]\n`);
    fs.mkdirSync(path.join(tenant, 'archive'));
    fs.symlinkSync('archive', path.join(tenant, 'old.YAML'));
    fs.symlinkSync('tenant.yaml', path.join(tenant, 'tenant.YAML'));
    fs.writeFileSync(path.join(tenant, 'team.yaml'), 'users: []\n');
    fs.writeFileSync(path.join(tenant, 'team.YAML'), 'users: []\n');

    const { files, diagnostics } = listConfigFiles([tenant]);
    expect(files).toEqual([`${tenant}/team.yaml`, `${tenant}/tenant.yaml`]);
    expect(diagnostics.map((d) => [d.code, d.location?.file, d.message])).toEqual([
      [
        'CONFIG_FILE_NOT_READ',
        `${tenant}/team.YAML`,
        `${tenant}/team.YAML is not read: a directory given with -c contributes only its files named *.yaml or *.yml, the extension in lower case; ` +
          'users declared only there count as undeclared, and those tenantctl manages are planned for deletion: move what it declares into team.yaml, which is read, then remove it',
      ],
    ]);
  });
});
