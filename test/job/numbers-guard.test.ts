/**
 * Numbers that must not be silently wrong (issue 12): the normalisation default by measure,
 * KSG on tie-dominated data, a column in two blocks, a huge cell that swamps a column.
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import { DataError, EstimatorError, OptionError } from '../../shared/errors.js';
import { normalizeDefault } from '../../shared/job/normalize-default.js';
import { prepareJob } from '../../shared/job/prepare.js';
import type { Job } from '../../shared/job/spec.js';
import { stream } from '../../shared/rng/index.js';
import { sampleHasNoCopies, sampleRows, tieShare, TIE_SHARE_LIMIT } from '../../shared/estimators/ties-guard.js';
import { columnsToMatrix } from '../../shared/data/matrix.js';

function gauss(n: number, seed: number, sdX = 1, round = 0) {
  const r = stream(seed, 0, 7);
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = r.nextGaussian(), b = 0.6 * a + 0.8 * r.nextGaussian();
    x[i] = round ? Math.round((sdX * a) / round) * round : sdX * a;
    y[i] = round ? Math.round(b / round) * round : b;
  }
  return { names: ['x', 'y'], columns: [x, y], n };
}

describe('numbers that must not be silently wrong', function () {
  this.timeout(60000);

  describe('normalisation default by measure', () => {
    it('on for scale-invariant measures, off otherwise', () => {
      assert.equal(normalizeDefault('mi'), true);
      assert.equal(normalizeDefault('cmi'), true);
      assert.equal(normalizeDefault('entropy'), false);
      assert.equal(normalizeDefault('kl_divergence'), false, 'unknown measures: off, which never changes the quantity');
    });
    it('entropy of N(0, 10²) is 3.72 nats by default (it was 1.42 with normalisation on)', async () => {
      const data = gauss(20000, 3, 10);
      const truth = 0.5 * Math.log(2 * Math.PI * Math.E * 100); // 3.7215
      const engine = createEngine({ threads: 1 });
      try {
        const r = await engine.run({ measure: 'entropy', estimator: 'kl', x: ['x'], data });
        assert.equal(r.normalize, false);
        // KL at N = 2e4, k = 3: sd ≈ 0.01 nats, bias ≈ 0.01 (ESTIMATORS.md); 0.05 is 5 sd
        assert.ok(Math.abs(r.estimate - truth) < 0.05, `entropy ${r.estimate} vs ${truth}`);
        const scaled = await engine.run({ measure: 'entropy', estimator: 'kl', x: ['x'], data, normalize: true });
        assert.ok(Math.abs(scaled.estimate - (truth - Math.log(10))) < 0.05, 'normalize: true gives h(X / sd), as asked');
        const mi = await engine.run({ measure: 'mi', estimator: 'ksg1', x: ['x'], y: ['y'], data });
        assert.equal(mi.normalize, true);
      } finally {
        await engine.close();
      }
    });
  });

  describe('KSG on discrete or coarsely rounded data', () => {
    // 4 × 4 values, I ≤ ln 4 = 1.386
    const n = 2000;
    const r = stream(5, 0, 7);
    const a = Float64Array.from({ length: n }, () => Math.floor(r.nextFloat64() * 4));
    const b = Float64Array.from(a, (v) => (r.nextFloat64() < 0.5 ? v : (v + 1) % 4));
    const discrete = { names: ['a', 'b'], columns: [a, b], n };

    for (const estimator of ['ksg1', 'ksg2']) {
      it(`${estimator} refuses, naming mixed_ksg, plugin and jitter`, () => {
        assert.throws(() => prepareJob({ measure: 'mi', estimator, x: ['a'], y: ['b'], data: discrete }), (e: unknown) =>
          e instanceof EstimatorError && /mixed_ksg/.test(e.message) && /plugin/.test(e.message) && /--jitter/.test(e.message) && /100% of the rows/.test(e.message));
      });
    }
    it('mixed_ksg and plugin give a value within the bound ln 4; jitter makes ksg1 run', async () => {
      const engine = createEngine({ threads: 1 });
      try {
        for (const estimator of ['mixed_ksg', 'plugin']) {
          const v = (await engine.run({ measure: 'mi', estimator, x: ['a'], y: ['b'], data: discrete })).estimate;
          assert.ok(v >= 0 && v <= Math.log(4), `${estimator} ${v}`);
        }
        const j = await engine.run({ measure: 'mi', estimator: 'ksg1', x: ['a'], y: ['b'], data: discrete, jitter: 0.5 });
        assert.ok(Number.isFinite(j.estimate) && j.estimate <= Math.log(4), `jittered ksg1 ${j.estimate}`);
      } finally {
        await engine.close();
      }
    });
    it('the share is 0 on continuous data and passes the limit only on coarse grids', () => {
      const m = (d: ReturnType<typeof gauss>) => ({ x: columnsToMatrix([d.columns[0]!]), y: columnsToMatrix([d.columns[1]!]) });
      assert.equal(tieShare(m(gauss(5000, 1)), 3).share, 0);
      assert.ok(tieShare(m(gauss(5000, 1, 1, 0.0005)), 3).share < TIE_SHARE_LIMIT, 'four decimals: accepted');
      assert.ok(tieShare(m(gauss(5000, 1, 1, 0.01)), 3).share > TIE_SHARE_LIMIT, 'two decimals at N = 5000: refused (bias +0.3 nats measured)');
      assert.doesNotThrow(() => prepareJob({ measure: 'mi', estimator: 'ksg1', x: ['x'], y: ['y'], data: gauss(5000, 1, 1, 0.0005) }));
    });
    it('the copy screen sees a copy exactly when two distinct sampled rows are equal (−0 as 0, NaN as NaN)', () => {
      let s = 17;
      const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
      for (let t = 0; t < 400; t++) {
        const n = Math.floor(rnd() * (t % 2 ? 60 : 6000)), d = 1 + (t % 3), grid = [0, 1e6, 1e3, 4][t % 4]!;
        const data = Float64Array.from({ length: n * d }, () => {
          const r = rnd(), v = rnd() * 2 - 1;
          return r < 0.001 ? NaN : r < 0.01 ? -0 : grid ? Math.round(v * grid) / grid : v;
        });
        const rows = [...new Set(sampleRows(n, Math.min(n, Math.ceil(8 * Math.sqrt(n)))))];
        const keys = new Set(rows.map((r) => Array.from(data.subarray(r * d, (r + 1) * d), (v) => (v === 0 ? 0 : v)).join(',')));
        assert.equal(sampleHasNoCopies({ n, d, data }), keys.size === rows.length, `n=${n} d=${d} grid=${grid}`);
      }
    });
  });

  describe('columns', () => {
    const data = gauss(300, 2);
    it('the same column in x and y, or twice in a block, is an OptionError naming it', () => {
      assert.throws(() => prepareJob({ measure: 'mi', estimator: 'ksg1', x: ['x'], y: ['x'], data }), (e: unknown) => e instanceof OptionError && e.field === 'y' && /'x' is selected in both x and y/.test(e.message));
      assert.throws(() => prepareJob({ measure: 'mi', estimator: 'ksg1', x: ['x', 0], y: ['y'], data }), (e: unknown) => e instanceof OptionError && /twice in x/.test(e.message));
      assert.throws(() => prepareJob({ measure: 'cmi', estimator: 'ksg_cmi', x: ['x'], y: ['y'], z: ['y'], data }), (e: unknown) => e instanceof OptionError && /both y and z/.test(e.message));
    });
  });

  describe('lost precision', () => {
    const withCell = (v: number) => {
      const d = gauss(500, 4);
      const x = Float64Array.from(d.columns[0]!);
      x[16] = v;
      return { ...d, columns: [x, d.columns[1]!] };
    };
    const job = (data: ReturnType<typeof gauss>, extra: Partial<Job> = {}): Job => ({ measure: 'mi', estimator: 'ksg1', x: ['x'], y: ['y'], data, permutation: { shuffles: 20 }, ...extra });
    it('2e154 (its square overflows): refused, naming row 17 and column x', () => {
      assert.throws(() => prepareJob(job(withCell(2e154))), (e: unknown) => e instanceof DataError && /row 17, column 'x'/.test(e.message) && /overflows/.test(e.message));
    });
    it('1e12: refused with or without normalisation, naming the row and column', () => {
      for (const normalize of [false, true]) {
        assert.throws(() => prepareJob(job(withCell(1e12), { normalize })), (e: unknown) => e instanceof DataError && /row 17, column 'x'/.test(e.message) && /lost its precision/.test(e.message), `normalize ${normalize}`);
      }
    });
    it('an ordinary outlier (1e6) and data far from zero (1e9 + noise) are accepted', () => {
      assert.doesNotThrow(() => prepareJob(job(withCell(1e6), { normalize: false })));
      const d = gauss(500, 6);
      const shifted = { ...d, columns: [Float64Array.from(d.columns[0]!, (v) => 1e9 + v), d.columns[1]!] };
      assert.doesNotThrow(() => prepareJob(job(shifted, { normalize: false })));
    });
    it('plugin compares exactly and is not refused', () => {
      assert.doesNotThrow(() => prepareJob({ measure: 'mi', estimator: 'plugin', x: ['x'], y: ['y'], data: withCell(1e12), normalize: false }));
    });
  });
});

describe('bounds of the measure', () => {
  it('an MI above ln(distinct values) of a discrete block is refused; within it, returned as is', async () => {
    const { checkBounds } = await import('../../shared/estimators/bounds.js');
    const x = columnsToMatrix([Float64Array.from({ length: 400 }, (_, i) => i % 4)]);
    const y = columnsToMatrix([Float64Array.from({ length: 400 }, (_, i) => Math.sin(i))]);
    assert.throws(() => checkBounds('mi', 'ksg1', { x, y }, { k: 3 }, 9.68), (e: unknown) =>
      e instanceof EstimatorError && /x takes 4 distinct values, so I\(X;Y\) ≤ ln 4 = 1\.386/.test(e.message) && /mixed_ksg or plugin/.test(e.message));
    assert.equal(checkBounds('mi', 'ksg1', { x, y }, { k: 3 }, 1.2), 1.2);
    // continuous blocks: no bound from the data
    assert.equal(checkBounds('mi', 'ksg1', { x: y, y }, { k: 3 }, 12), 12);
  });
  it('plugin: rounding below zero is reported as 0; Miller–Madow values are left alone', async () => {
    const { checkBounds } = await import('../../shared/estimators/bounds.js');
    const x = columnsToMatrix([Float64Array.from({ length: 40 }, (_, i) => i % 2)]);
    assert.equal(checkBounds('mi', 'plugin', { x, y: x }, { k: 3 }, -2e-16), 0);
    assert.equal(checkBounds('mi', 'plugin', { x, y: x }, { k: 3, millerMadow: true }, -0.01), -0.01);
  });
});
