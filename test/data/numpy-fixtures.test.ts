/** NPY files written by numpy itself (fixtures/make-npy-fixtures.py), not by our own writer. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../shared/data/npy.js';
import { repoRoot } from './repo.js';

const A = [[1.5, -2, 3], [4, 5.25, -6], [7, 8, 9.125], [-10, 11, 12]];
const fixture = (name: string) => readFileSync(join(repoRoot(), 'test/data/fixtures', name));
const rows = (name: string) => {
  const ds = parseNpy(fixture(name));
  return Array.from({ length: ds.n }, (_, i) => ds.columns.map((c) => c[i]!));
};

describe('NPY files written by numpy', () => {
  it('v1 C-order float64', () => assert.deepEqual(rows('c_f8.npy'), A));
  it('v1 Fortran-order float32', () => assert.deepEqual(rows('fortran_f4.npy'), A));
  it('v1 int16 (numpy truncates 5.25 to 5)', () => assert.deepEqual(rows('c_i2.npy'), A.map((r) => r.map(Math.trunc))));
  it('v1 1-D uint8', () => assert.deepEqual(rows('vec_u1.npy'), [[0], [1], [255]]));
  it('v2 int64', () => assert.deepEqual(rows('v2_i8.npy'), A.map((r) => r.map(Math.trunc))));
  it('v3 float64', () => assert.deepEqual(rows('v3_f8.npy'), A));
});
