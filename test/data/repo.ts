/** Paths for tests that run from source (tsx) or from dist/ (compiled): walk up to package.json. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test file');
    dir = up;
  }
  return dir;
}

/** The shared reference cases (../shared/cases relative to the repo root). */
export function casesDir(): string {
  return resolve(repoRoot(), '../shared/cases');
}
