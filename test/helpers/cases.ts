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

/** `../shared/<set>` beside the repository (the reference material), when present. */
export function sharedCasesDir(set: 'cases' | 'cases2' = 'cases'): string | undefined {
  const dir = resolve(repoRoot(), '../shared', set);
  return existsSync(resolve(dir, 'expected.json')) ? dir : undefined;
}

/** The vendored verbatim copy in test/fixtures/<set>. */
export function vendoredCasesDir(set: 'cases' | 'cases2' = 'cases'): string {
  return resolve(repoRoot(), 'test/fixtures', set);
}

/**
 * Where the reference cases are read from: $INFOSHARD_CASES_DIR, else `../shared/cases`,
 * else the vendored copy (a checkout cloned elsewhere has no `../shared`).
 */
export function casesDir(): string {
  return process.env.INFOSHARD_CASES_DIR || sharedCasesDir() || vendoredCasesDir();
}

/** The second reference set (te, divergence, tc/dtc/oinfo, gcmi): `$INFOSHARD_CASES2_DIR`, `../shared/cases2`, else the vendored copy. */
export function cases2Dir(): string {
  return process.env.INFOSHARD_CASES2_DIR || sharedCasesDir('cases2') || vendoredCasesDir('cases2');
}

/** One entry of an `expected.json` (cases/ or cases2/): columns, k and flags per case. */
export interface RefCase {
  file: string;
  /** cases2 divergences: the Q sample's file. */
  file_q?: string;
  measure: string;
  estimator: string;
  x: string[];
  y?: string[];
  z?: string[];
  k?: number;
  /** cases2: measure options by CLI flag name (target-history, …). */
  options?: Record<string, number>;
  expected: number;
}
