/**
 * `--replicates-out` streamed (issue 18): the replicate vectors go shard by shard to the file
 * while the job's numbers come from the summary path, so neither the engine nor the client holds
 * B values. The file is the same bytes as the one written from a vector-path result (today's
 * file), for any thread count and shard size, CSV and JSON; the numbers are the same bytes as
 * the summary path without a file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../../engine/embedded.js';
import { ReplicatesStream, writeReplicates } from '../../cli/output.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { SUMMARY_BLOCK } from '../../shared/job/summary.js';
import { summaryShardSize } from '../../shared/job/plan.js';
import { gaussianPair } from '../helpers/cluster.js';
import { runCli } from './run-cli.js';

function numbers(r: JobResult) {
  return JSON.stringify({ e: r.estimate, ci: r.ci, p: r.pValue, nul: r.null, bc: r.biasCorrected, w: r.warnings, s: r.summaries, rep: r.replicates });
}

describe('--replicates-out streamed beside the summary path', function () {
  this.timeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'infoshard-reps-stream-'));
  // 2 blocks and a bit: the last shard is short; bits, so the file's values are converted
  const R = 2 * SUMMARY_BLOCK + 300;
  const job: Job = {
    measure: 'mi', estimator: 'gaussian', x: ['x'], y: ['y'], seed: 11, units: 'bits', data: gaussianPair(120, 0.3, 4),
    bootstrap: { replicates: R }, permutation: { shuffles: R - 77 },
  };
  let vectorResult: JobResult;
  let summaryResult: JobResult;

  before(async () => {
    const engine = createEngine({ threads: 1 });
    try {
      vectorResult = await engine.run({ ...job, summaries: false });
      summaryResult = await engine.run({ ...job, summaries: true });
    } finally {
      await engine.close();
    }
    assert.equal(vectorResult.bootstrapDistribution!.length, R);
    assert.equal(summaryResult.bootstrapDistribution, undefined);
  });

  for (const [threads, shardSize, ext] of [[1, 100, 'csv'], [3, 5000, 'json'], [2, 64, 'json']] as const) {
    it(`threads ${threads}, shard size ${shardSize}, .${ext}: the vector path's file bytes and the summary path's numbers`, async () => {
      const want = join(dir, `want-${threads}.${ext}`);
      await writeReplicates(want, vectorResult);
      const got = join(dir, `got-${threads}-${shardSize}.${ext}`);
      const sink = new ReplicatesStream(got);
      const engine = createEngine({ threads, shardSize });
      let r: JobResult;
      try {
        r = await engine.run({ ...job, summaries: true }, { onReplicates: sink });
        await sink.finish();
      } finally {
        await engine.close();
      }
      assert.ok(readFileSync(got).equals(readFileSync(want)), 'streamed file differs from the vector-path file');
      assert.equal(numbers(r), numbers(summaryResult));
      assert.equal(r.pValue, vectorResult.pValue, 'p-values are exceedance counts: the same bytes on both paths');
      assert.equal(r.bootstrapDistribution, undefined);
      assert.equal(r.nullDistribution, undefined);
      // one thread: each shard is written as it arrives, so nothing but that shard is ever held.
      // (In a pool the window is the shards that complete while an earlier one still runs: not
      // bounded by the lanes in flight, since a lane that finishes takes the next shard.)
      const shard = summaryShardSize(R, shardSize);
      if (threads === 1) assert.ok(sink.maxHeld <= shard, `held ${sink.maxHeld} values (shards of ${shard})`);
    });
  }

  it('a vector-path job streams the same file and keeps its numbers', async () => {
    const got = join(dir, 'vec.json');
    const want = join(dir, 'vec-want.json');
    await writeReplicates(want, vectorResult);
    const sink = new ReplicatesStream(got);
    const engine = createEngine({ threads: 2, shardSize: 500 });
    try {
      const r = await engine.run({ ...job, summaries: false }, { onReplicates: sink });
      await sink.finish();
      assert.equal(numbers(r), numbers(vectorResult));
    } finally {
      await engine.close();
    }
    assert.ok(readFileSync(got).equals(readFileSync(want)));
  });

  it('CLI: --summaries --replicates-out writes the file and says which path made each number', async () => {
    const data = join(dir, 'd.csv');
    const d = gaussianPair(80, 0.2, 9);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(data, 'x,y\n' + Array.from({ length: d.n }, (_, i) => `${d.columns[0]![i]},${d.columns[1]![i]}`).join('\n') + '\n');
    const base = ['estimate', 'mi', '--data', data, '--x', 'x', '--y', 'y', '--estimator', 'gaussian', '--permutations', '600', '--bootstrap', '500', '--seed', '2', '--threads', '2', '--json'];
    const a = await runCli([...base, '--summaries', '--replicates-out', join(dir, 'a.csv')]);
    assert.equal(a.code, 0, a.stderr);
    const b = await runCli([...base, '--replicates-out', join(dir, 'b.csv')]);
    assert.equal(b.code, 0, b.stderr);
    assert.ok(readFileSync(join(dir, 'a.csv')).equals(readFileSync(join(dir, 'b.csv'))));
    const ja = JSON.parse(a.stdout) as { pValue: number; summaries?: { paths: Record<string, string> } };
    const jb = JSON.parse(b.stdout) as { pValue: number; summaries?: unknown };
    assert.equal(ja.pValue, jb.pValue);
    assert.equal(ja.summaries!.paths['pValue'], 'counts');
    assert.equal(ja.summaries!.paths['ci.low'], 'sketch');
    assert.equal(jb.summaries, undefined, '600 permutations are below the threshold: the vector path');
    const lines = readFileSync(join(dir, 'a.csv'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 1 + 500 + 600);
  });
});
