import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

/**
 * The folder holding package.json, migrations/ and schemas/. Found by walking
 * up because this file runs both from src/ (tests) and from dist/src/ (the CLI).
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('tenantctl: package.json not found above ' + import.meta.url);
    dir = parent;
  }
  cached = dir;
  return dir;
}

export function toolVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}
