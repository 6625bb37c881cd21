// vitest globalSetup: the CLI tests run the compiled `tenantctl` as a process,
// so compile and bundle it once per run rather than trust a stale dist/.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function setup(): void {
  const root = path.resolve(import.meta.dirname, '..', '..');
  for (const script of ['compile-ts.mjs', 'compile-schemas.mjs', 'bundle.mjs', 'embedded-cluster.mjs']) execFileSync(process.execPath, [path.join(root, 'scripts', script)], { stdio: 'inherit' });
}
