/**
 * engine/ksg1-split.ts: one KSG-1 estimate on the main thread and a helper worker thread gives
 * ksg1's value bit for bit (random data with ties, several N and chunkings, and with no helper),
 * and the CLI's standalone estimate through the split path prints the same estimate as without.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Matrix } from '../../shared/data/matrix.js';
import { ksg1 } from '../../shared/estimators/ksg1.js';
import { ksg1Split, stopKsg1Thread } from '../../engine/ksg1-split.js';
import { columns, gaussianSample } from '../estimators/helpers.js';
import { runCli } from '../cli/run-cli.js';

function tiedPair(n: number, seed: number, step: number): [Matrix, Matrix] {
  const m = gaussianSample(n, [[1, 0], [0.7, 0.7]], seed);
  const r = { ...m, data: m.data.map((v) => Math.round(v / step) * step) };
  return [columns(r, 0, 1), columns(r, 1, 2)];
}

describe('ksg1Split: main thread + helper thread = ksg1, bit for bit', () => {
  after(() => stopKsg1Thread());

  for (const [n, chunks] of [[2_000, 8], [20_000, 3], [60_000, 8]] as const) {
    it(`N = ${n}, ${chunks} chunks, data with ties`, () => {
      const [x, y] = tiedPair(n, n + 1, 0.01);
      const want = ksg1(x, y, 3);
      const got = ksg1Split(x, y, 3, chunks);
      assert.ok(Object.is(got, want), `${got} vs ${want}`);
    });
  }

  it('without a helper thread (every task on the main thread)', () => {
    const [x, y] = tiedPair(5_000, 3, 0.1);
    assert.ok(Object.is(ksg1Split(x, y, 4, 5, false), ksg1(x, y, 4)));
  });
});

describe('CLI: a standalone ksg1 estimate through the split path', () => {
  let dir = '';
  const saved = { split: process.env['INFOSHARD_KSG1_SPLIT'], trace: process.env['INFOSHARD_KSG1_SPLIT_TRACE'] };
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'infoshard-split-'));
    const [x, y] = tiedPair(60_000, 9, 1e-5);
    const lines = ['x,y'];
    for (let i = 0; i < x.n; i++) lines.push(`${x.data[i]},${y.data[i]}`);
    writeFileSync(path.join(dir, 'd.csv'), `${lines.join('\n')}\n`);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const [k, v] of [['INFOSHARD_KSG1_SPLIT', saved.split], ['INFOSHARD_KSG1_SPLIT_TRACE', saved.trace]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('prints the same estimate with and without the split (and the split ran)', async () => {
    const args = ['estimate', 'mi', '--data', path.join(dir, 'd.csv'), '--x', 'x', '--y', 'y', '--estimator', 'ksg1', '--k', '3', '--json'];
    process.env['INFOSHARD_KSG1_SPLIT_TRACE'] = '1';
    process.env['INFOSHARD_KSG1_SPLIT'] = '0';
    const off = await runCli(args);
    process.env['INFOSHARD_KSG1_SPLIT'] = '1';
    const on = await runCli(args);
    assert.equal(off.code, 0, off.stderr);
    assert.equal(on.code, 0, on.stderr);
    assert.doesNotMatch(off.stderr, /ksg1 split/);
    assert.match(on.stderr, /infoshard: ksg1 split: n = 60000, main thread \d+ of \d+ chunks/);
    const a = JSON.parse(off.stdout) as { estimate: number }, b = JSON.parse(on.stdout) as { estimate: number };
    assert.ok(Number.isFinite(a.estimate) && a.estimate > 0.3, `estimate ${a.estimate}`);
    assert.ok(Object.is(b.estimate, a.estimate), `${b.estimate} vs ${a.estimate}`);
  });
});
