import assert from 'node:assert/strict';
import { estimate } from '../../shared/estimators/index.js';
import { loadCases, readCsv, relErr, select } from './helpers.js';

describe('estimators: reference cases (../shared/cases/expected.json, normalize off)', () => {
  for (const c of loadCases()) {
    const name = `${c.measure}/${c.estimator} on ${c.file} x=${c.x} y=${c.y ?? '-'} z=${c.z ?? '-'} k=${c.k ?? '-'}`;
    it(`${name} = ${c.expected} within 1e-9 relative`, () => {
      const t = readCsv(c.file);
      const input = { x: select(t, c.x), y: c.y && select(t, c.y), z: c.z && select(t, c.z) };
      const got = estimate(c.measure, c.estimator, input, { k: c.k ?? 3 });
      assert.ok(relErr(got, c.expected) < 1e-9, `got ${got}, expected ${c.expected} (rel err ${relErr(got, c.expected)})`);
    });
  }
});
