/**
 * report/figures.ts + render.ts without a browser: which figures a result gets, that every one
 * renders with no Vega warning (each warning is a spec bug), including degenerate results
 * (constant or failed replicates, infinite bounds), and that the drawn bars count every finite
 * replicate and nothing else.
 */
import assert from 'node:assert/strict';
import { jobFigures, num, simulateFigures } from '../../report/figures.js';
import { renderSvg } from '../../report/render.js';
import type { JobResult } from '../../shared/job/spec.js';
import { simulate } from '../../shared/resampling/simulate.js';

const base: JobResult = {
  measure: 'mi', estimator: 'plugin', k: null, n: 10, estimate: 0.5, units: 'nats', normalize: false, seed: 0,
  replicates: { bootstrap: 6, permutation: 6 }, warnings: [],
  timings: { estimateMs: 1, totalMs: 1 }, provenance: { version: 'test', dataHash: 'h', engine: 'embedded' },
};

/** Bar counts Vega wrote into the aria-labels of the histogram's rects. */
function barTotal(svg: string, yTitle: string): number {
  // e.g. aria-label="mi (nats): 0.2; replicates: 7; hi: 0.205"
  return [...svg.matchAll(new RegExp(`aria-label="[^"]*\\b${yTitle}: (\\d+)[^"]*" role="graphics-symbol" aria-roledescription="bar"`, 'g'))].reduce((s, m) => s + Number(m[1]), 0);
}

async function render(r: JobResult): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of jobFigures(r)) {
    const warnings: string[] = [];
    out.set(f.id, await renderSvg(f.spec, warnings));
    assert.deepEqual(warnings, [], `${f.id}: Vega warnings`);
  }
  return out;
}

describe('report: figures', function () {
  this.timeout(60_000);

  it('a result gets a figure per distribution it carries, in order', () => {
    assert.deepEqual(jobFigures(base).map((f) => f.id), []);
    const full: JobResult = {
      ...base, ci: { low: 0.4, high: 0.6, level: 0.9, method: 'bca', scheme: 'iid' }, bootstrapDistribution: Float64Array.from([0.4, 0.5, 0.6]),
      pValue: 0.25, nullDistribution: Float64Array.from([0, 0.1, 0.6]), ensemble: { byK: [{ k: 3, estimate: 0.5 }] },
    };
    assert.deepEqual(jobFigures(full).map((f) => f.id), ['bootstrap', 'null', 'ensemble']);
    assert.match(jobFigures(full)[0]!.caption, /90% bca interval \[0\.4, 0\.6\]/);
  });

  it('bars count the finite replicates only; NaN and ±Infinity are left out', async () => {
    const r: JobResult = {
      ...base, ci: { low: 0.1, high: 0.9, level: 0.95, method: 'percentile', scheme: 'iid' },
      bootstrapDistribution: Float64Array.from([0.1, 0.2, NaN, 0.3, Infinity, 0.9, -Infinity]),
      pValue: 0.5, nullDistribution: Float64Array.from([0.1, NaN, 0.7]),
    };
    const svgs = await render(r);
    assert.equal(barTotal(svgs.get('bootstrap')!, 'replicates'), 4);
    assert.equal(barTotal(svgs.get('null')!, 'permutations'), 2);
  });

  it('degenerate results render without warnings or are left out', async () => {
    const constant = await render({
      ...base, ci: { low: 0.5, high: 0.5, level: 0.95, method: 'percentile', scheme: 'iid' }, bootstrapDistribution: new Float64Array(6).fill(0.5),
      pValue: 1, nullDistribution: new Float64Array(6).fill(0.5),
    });
    assert.equal(barTotal(constant.get('bootstrap')!, 'replicates'), 6);
    assert.equal(barTotal(constant.get('null')!, 'permutations'), 6);
    // every replicate failed: nothing to draw
    const failed: JobResult = { ...base, ci: { low: NaN, high: NaN, level: 0.95, method: 'bca', scheme: 'iid' }, bootstrapDistribution: new Float64Array(4).fill(NaN), pValue: NaN, nullDistribution: new Float64Array(4).fill(NaN) };
    assert.deepEqual(jobFigures(failed), []);
    // an infinite CI bound: no band, the finite rules still drawn
    const inf = await render({ ...base, ci: { low: 0, high: Infinity, level: 0.95, method: 'percentile', scheme: 'iid' }, bootstrapDistribution: Float64Array.from([0, 0.5, 1]) });
    assert.equal((inf.get('bootstrap')!.match(/aria-roledescription="rule mark"/g) ?? []).length, 2);
    const bagging = await render({ ...base, ensemble: { bagging: { mean: 0.4, sd: 0.1, replicates: 5, fraction: 0.5 } } });
    assert.equal((bagging.get('ensemble')!.match(/aria-roledescription="point"/g) ?? []).length, 1);
  });

  it('simulate figures: estimates always; coverage with a bootstrap; p-values with permutations', async () => {
    const spec = { generator: { kind: 'gaussian' as const, rho: 0.5 }, n: 60, datasets: 8, seed: 1, job: { estimator: 'ksg1', k: 3 } };
    assert.deepEqual(simulateFigures(simulate(spec)).map((f) => f.id), ['sim-estimates']);
    const s = simulate({ ...spec, job: { ...spec.job, bootstrap: { replicates: 10, method: 'percentile' as const }, permutation: { shuffles: 9 } } });
    const figs = simulateFigures(s);
    assert.deepEqual(figs.map((f) => f.id), ['sim-estimates', 'sim-coverage', 'sim-pvalues']);
    for (const f of figs) {
      const w: string[] = [];
      const svg = await renderSvg(f.spec, w);
      assert.deepEqual(w, [], f.id);
      if (f.id !== 'sim-coverage') assert.equal(barTotal(svg, 'datasets'), 8, f.id);
      else assert.equal((svg.match(/<line aria-label="[^"]*covers: /g) ?? []).length, 8);
    }
  });

  it('labels: 4 significant digits, exponents for tiny or huge values', () => {
    assert.deepEqual([0.123456, 12, -9.586e-5, 123456.7, NaN, 0].map(num), ['0.1235', '12', '-9.586e-5', '1.235e+5', 'NaN', '0']);
  });
});
