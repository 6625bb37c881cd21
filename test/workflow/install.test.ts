import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { packTenantctl } from './gitops-repo.js';
import { memoryTempDir } from './memory-dir.js';
import { TlsSmtpRelay } from './tls-smtp-relay.js';

/** The environment without TENANTCTL_DATABASE_URL: the team's folder uses the default, .tenantctl/db. */
function withoutDatabaseUrl(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.TENANTCTL_DATABASE_URL;
  return env;
}

/**
 * The packed tarball installed into an empty folder, as a team installs it
 * in its own configuration repository, then used there through npx.
 * Dependencies come from npm's cache (filled by `npm ci`), so no network is
 * needed when the cache is warm.
 */
describe('tenantctl installed from its packed tarball into an empty folder', () => {
  let work: string;
  let team: string;
  let files: readonly string[];
  let installed = '';

  /**
   * npx in the team's folder; --no: never download a package of that name
   * from the registry; `--` so that npx keeps none of the options (its own
   * --version in particular).
   */
  const npx = (args: readonly string[]) =>
    spawnSync('npx', ['--no', '--', 'tenantctl', ...args], {
      cwd: team,
      encoding: 'utf8',
      env: { ...withoutDatabaseUrl(), NO_COLOR: '1', TENANTCTL_QUIET: '1', XDG_CONFIG_HOME: path.join(work, 'xdg') },
    });

  /** The same without blocking this process, whose SMTP relay must answer meanwhile. */
  const npxAsync = (args: readonly string[], extra: Record<string, string>) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('npx', ['--no', '--', 'tenantctl', ...args], {
        cwd: team,
        env: { ...withoutDatabaseUrl(), NO_COLOR: '1', TENANTCTL_QUIET: '1', XDG_CONFIG_HOME: path.join(work, 'xdg'), ...extra },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  beforeAll(async () => {
    // In memory where the machine has it: npm writes some 50 MB of node_modules there.
    work = memoryTempDir('tenantctl-install-');
    team = path.join(work, 'contoso-tenant');
    fs.mkdirSync(team);
    // dist/ is fresh (the suite's global setup compiled it), so packed without the prepare script.
    const packed = await packTenantctl(work);
    const tarball = packed.tarball;
    files = packed.files;
    execFileSync('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: team, stdio: 'ignore' });
    installed = tarball;
    fs.mkdirSync(path.join(team, 'tenant'));
    for (const file of ['tenant.yaml', 'users.yaml']) fs.copyFileSync(path.join(ROOT, 'examples/contoso', file), path.join(team, 'tenant', file));
    fs.copyFileSync(path.join(ROOT, 'examples/contoso/catalog.yaml'), path.join(team, 'catalog.yaml'));
  }, 600_000);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('packs only what runs and what the README and help point to: compiled JavaScript, migrations, schemas, roles, codes, README', () => {
    expect(installed).toMatch(/tenantctl-.*\.tgz$/);
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    expect(files).toContain('dist/cmd/tenantctl.js');
    expect(files.some((f) => f.startsWith('migrations/') && f.endsWith('.sql'))).toBe(true);
    expect(files).toContain('schemas/tenant.schema.json');
    // README's database roles and validate's help name these two by path.
    expect(files).toContain('sql/roles.sql');
    expect(files).toContain('docs/diagnostics.md');
    const unexpected = files.filter(
      (f) =>
        !/^(package\.json|README\.md|LICENSE|sql\/roles\.sql|docs\/diagnostics\.md)$/.test(f) &&
        !/^dist\/.*\.c?js$/.test(f) &&
        !/^dist\/embedded\/cluster\.(json|tar\.gz)$/.test(f) &&
        !f.startsWith('dist/embedded/cluster/') &&
        !/^migrations\/[^/]+\.sql$/.test(f) &&
        !/^schemas\/[^/]+\.json$/.test(f),
    );
    expect(unexpected).toEqual([]);
    // (PostgreSQL's own pg_filenode.map files are the cluster's, not source maps.)
    expect(files.filter((f) => /test|\.ts$|\.map$/.test(f) && !/^dist\/embedded\/cluster\/(.*\/)?pg_filenode\.map$/.test(f))).toEqual([]);
    // The command is one bundled file (scripts/bundle.mjs), the chunks it loads on demand (the mailer and
    // age), its launcher, the schemas' compiled validators and the empty embedded cluster.
    const chunks = fs.readdirSync(path.join(ROOT, 'dist', 'cmd', 'chunks')).map((f) => `dist/cmd/chunks/${f}`);
    expect(chunks.some((f) => f.includes('nodemailer'))).toBe(true);
    // The cluster's own files: as many as the build recorded (npm packs no empty folder: they are listed there).
    const made = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist', 'embedded', 'cluster.json'), 'utf8')) as { files: number };
    expect(files.filter((f) => f.startsWith('dist/embedded/cluster/')).length).toBe(made.files);
    expect(files.filter((f) => f.startsWith('dist/') && !f.startsWith('dist/embedded/cluster/')).sort()).toEqual(
      [
        ...chunks,
        'dist/cmd/tenantctl-hasher.js',
        'dist/cmd/tenantctl.cjs',
        'dist/cmd/tenantctl.js',
        'dist/embedded/cluster.json',
        'dist/embedded/cluster.tar.gz',
        'dist/validators/applied.cjs',
        'dist/validators/catalog.schema.cjs',
        'dist/validators/plan.schema.cjs',
        'dist/validators/plan.schema.first.cjs',
        'dist/validators/tenant.schema.cjs',
      ].sort(),
    );
  });

  it('npx tenantctl init, plan and apply work there, on the embedded database', () => {
    const version = npx(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);

    // Traced (TENANTCTL_DEBUG_TRACE writes only 'tenantctl debug:' lines to stderr), to see what made the database.
    const init = spawnSync('npx', ['--no', '--', 'tenantctl', 'init', '--catalog', 'catalog.yaml'], {
      cwd: team,
      encoding: 'utf8',
      env: { ...withoutDatabaseUrl(), NO_COLOR: '1', TENANTCTL_QUIET: '1', TENANTCTL_DEBUG_TRACE: '1', XDG_CONFIG_HOME: path.join(work, 'xdg') },
    });
    // Nothing else on stderr: no warning, no error.
    expect(init.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('tenantctl debug: '))).toEqual([]);
    expect(init.status).toBe(0);
    expect(init.stdout).toContain('Catalog: 3 domain(s), 6 subscription(s)');
    expect(fs.existsSync(path.join(team, '.tenantctl', 'db'))).toBe(true);
    // The installed package's prebuilt cluster, not initdb, made it.
    expect(init.stderr).toContain('tenantctl debug: embedded database: new, copied from the prebuilt cluster\n');

    const plan = npx(['plan', '-c', 'tenant', '--detailed-exitcode']);
    expect(plan.status).toBe(2);
    expect(plan.stdout).toContain('13 to create');

    const apply = npx(['apply', '-c', 'tenant', '--auto-approve', '--approve-purchases', '--approve-privileged']);
    expect(apply.stderr).not.toMatch(/internal error|Error:/);
    expect(apply.status).toBe(0);
    expect(apply.stdout).toMatch(/Apply #1 complete/);

    const again = npx(['plan', '-c', 'tenant', '--detailed-exitcode']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('No changes.');
  }, 300_000);

  // The mailer and age are chunks loaded on demand: deliver must find them in the installed package.
  it('npx tenantctl deliver sends the queued passwords by SMTP, and the next one into a pickup folder', async () => {
    const relay = new TlsSmtpRelay(work);
    await relay.start();
    try {
      const sent = await npxAsync(['deliver'], { TENANTCTL_SMTP_URL: relay.url, NODE_EXTRA_CA_CERTS: relay.caFile });
      expect(sent.stderr).not.toMatch(/internal error|Error:|\n\s+at /);
      expect(sent.status, sent.stdout + sent.stderr).toBe(0);
      expect(sent.stdout).toContain('Delivered 13 of 13 notification(s)');
      expect(relay.received).toHaveLength(13);
    } finally {
      await relay.stop();
    }
    fs.appendFileSync(path.join(team, 'tenant', 'users.yaml'), '  - userPrincipalName: new.hire@contoso.com\n    displayName: New Hire\n');
    expect(npx(['apply', '-c', 'tenant', '--auto-approve', '--approve-purchases']).status).toBe(0);
    const pickup = path.join(work, 'pickup');
    fs.mkdirSync(pickup, { mode: 0o700 });
    const written = npx(['deliver', '--pickup', pickup]);
    expect(written.stderr).not.toMatch(/internal error|Error:|\n\s+at /);
    expect(written.status, written.stdout + written.stderr).toBe(0);
    const files = fs.readdirSync(pickup);
    expect(files).toHaveLength(1);
    expect(fs.readFileSync(path.join(pickup, files[0]!), 'utf8')).toContain('new.hire@contoso.com');
  }, 300_000);
});
