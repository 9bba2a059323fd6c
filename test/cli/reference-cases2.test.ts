/**
 * Every case of ../shared/cases2/expected.json (te, divergence, tc/dtc/oinfo, gcmi) through the
 * compiled CLI and through the library's embedded engine, raw columns (--no-normalize), within
 * 1e-9 relative of `expected`. Case options use the CLI flag names (target-history, …).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cases2Dir, type RefCase } from '../helpers/cases.js';
import { runCli } from './run-cli.js';
import { createEngine } from '../../engine/embedded.js';
import { loadDataset } from '../../shared/data/load.js';
import { allOptions, findMeasure } from '../../shared/catalog/index.js';


function caseArgs(c: RefCase): string[] {
  const dir = cases2Dir();
  const args = ['estimate', c.measure, '--data', join(dir, c.file), '--x', c.x.join(','), '--estimator', c.estimator, '--no-normalize', '--json'];
  if (c.file_q) args.push('--data-q', join(dir, c.file_q));
  if (c.y) args.push('--y', c.y.join(','));
  if (c.z) args.push('--z', c.z.join(','));
  if (c.k !== undefined) args.push('--k', String(c.k));
  for (const [flag, v] of Object.entries(c.options ?? {})) args.push(`--${flag}`, String(v));
  return args;
}

/** Case options (flag names) as spec options (catalog names). */
function specOptions(c: RefCase): Record<string, number> | undefined {
  const entries = Object.entries(c.options ?? {});
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([flag, v]) => [allOptions().find((o) => o.flag === flag)!.name, v]));
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('reference cases 2 (../shared/cases2/expected.json): CLI and library', function () {
  this.timeout(120000);
  const doc = JSON.parse(readFileSync(join(cases2Dir(), 'expected.json'), 'utf8')) as { cases: RefCase[]; normalize: boolean };

  it('has cases for te, divergence, tc, dtc, oinfo and gcmi, computed on raw columns', () => {
    assert.equal(doc.normalize, false);
    for (const m of ['te', 'divergence', 'tc', 'dtc', 'oinfo']) assert.ok(doc.cases.some((c) => c.measure === m), m);
    assert.ok(doc.cases.some((c) => c.estimator === 'gcmi'));
  });

  it('every case is a (measure, estimator) pair of the catalog', () => {
    for (const c of doc.cases) assert.ok(findMeasure(c.measure)?.estimators.includes(c.estimator), `${c.measure}:${c.estimator}`);
  });
  for (const c of doc.cases) {
    const label = `${c.measure} ${c.estimator} k=${c.k ?? '-'} on ${c.file}${c.file_q ? `|${c.file_q}` : ''} x=${c.x} y=${c.y ?? '-'} ${JSON.stringify(c.options)}`;
    it(`CLI: ${label}`, async () => {
      const r = await runCli(caseArgs(c));
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim()) as { estimate: number; measure: string; estimator: string; normalize: boolean };
      assert.ok(rel(out.estimate, c.expected) <= 1e-9, `estimate ${out.estimate} vs expected ${c.expected}`);
      assert.equal(out.measure, c.measure);
      assert.equal(out.estimator, c.estimator);
      assert.equal(out.normalize, false);
    });
    it(`library: ${label}`, async () => {
      const dir = cases2Dir();
      const data = await loadDataset(join(dir, c.file));
      const dataQ = c.file_q ? await loadDataset(join(dir, c.file_q)) : undefined;
      const engine = createEngine({ threads: 1 });
      try {
        const options = specOptions(c);
        const r = await engine.run({
          measure: c.measure, estimator: c.estimator, data, x: c.x, normalize: false,
          ...(dataQ ? { dataQ } : {}), ...(c.y ? { y: c.y } : {}), ...(c.z ? { z: c.z } : {}),
          ...(c.k !== undefined ? { k: c.k } : {}), ...(options ? { options } : {}),
        });
        assert.ok(rel(r.estimate, c.expected) <= 1e-9, `estimate ${r.estimate} vs expected ${c.expected}`);
      } finally {
        await engine.close();
      }
    });
  }
});
