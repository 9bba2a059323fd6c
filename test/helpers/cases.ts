import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file holding package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/** `../shared/cases` beside the repository (the reference material), when present. */
export function sharedCasesDir(): string | undefined {
  const dir = resolve(repoRoot(), '../shared/cases');
  return existsSync(resolve(dir, 'expected.json')) ? dir : undefined;
}

/** The vendored verbatim copy in test/fixtures/cases. */
export function vendoredCasesDir(): string {
  return resolve(repoRoot(), 'test/fixtures/cases');
}

/**
 * Where the reference cases are read from: $INFOSHARD_CASES_DIR, else `../shared/cases`,
 * else the vendored copy (a checkout cloned elsewhere has no `../shared`).
 */
export function casesDir(): string {
  return process.env.INFOSHARD_CASES_DIR || sharedCasesDir() || vendoredCasesDir();
}
