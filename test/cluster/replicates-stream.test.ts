/**
 * `--replicates-out` on a cluster (issue 18): coordinator + 2 worker processes. The job is
 * submitted with stream_replicates; workers return raw replicates, the coordinator summarises
 * each shard for the result (so the result is the summary path's, the same bytes as the embedded
 * engine's) and forwards the values page by page over StreamReplicates; the client writes them in
 * replicate order. The file is the same bytes as the embedded vector path's file, the numbers
 * the same bytes as the embedded summary path's; the CLI does it end to end.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectCluster } from '../../coordinator/client.js';
import { createEngine } from '../../engine/embedded.js';
import { ReplicatesStream, writeReplicates } from '../../cli/output.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { SUMMARY_BLOCK } from '../../shared/job/summary.js';
import { gaussianPair, TestCluster } from '../helpers/cluster.js';
import { assertUsageError, runCli } from '../cli/run-cli.js';

function numbers(r: JobResult) {
  return JSON.stringify({ e: r.estimate, ci: r.ci, p: r.pValue, nul: r.null, bc: r.biasCorrected, w: r.warnings, s: r.summaries, rep: r.replicates });
}

describe('cluster: --replicates-out streamed through the coordinator', function () {
  this.timeout(240_000);
  let cluster: TestCluster | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'infoshard-cluster-reps-'));
  const R = 2 * SUMMARY_BLOCK + 200;
  const job: Job = {
    measure: 'mi', estimator: 'gaussian', x: ['x'], y: ['y'], seed: 6, units: 'bits', data: gaussianPair(100, 0.3, 2),
    bootstrap: { replicates: R }, permutation: { shuffles: R + 50 }, summaries: true,
  };
  let vector: JobResult;
  let summary: JobResult;

  before(async () => {
    const engine = createEngine({ threads: 1 });
    try {
      vector = await engine.run({ ...job, summaries: false });
      summary = await engine.run(job);
    } finally {
      await engine.close();
    }
    cluster = await TestCluster.start({ workers: 2, coordinatorArgs: ['--shard-size', '10'] });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('2 workers: the embedded vector path file bytes and the embedded summary path numbers', async () => {
    const want = join(dir, 'want.json');
    await writeReplicates(want, vector);
    const got = join(dir, 'got.json');
    const sink = new ReplicatesStream(got);
    const engine = await connectCluster(cluster!.address);
    let r: JobResult;
    try {
      const id = await engine.submitOnly(job, '', { streamReplicates: true });
      const pages = engine.replicates(id, sink);
      r = (await engine.attach(id).done).result;
      await pages;
      await sink.finish();
    } finally {
      await engine.close();
    }
    assert.ok(readFileSync(got).equals(readFileSync(want)), 'the streamed file differs from the vector-path file');
    assert.equal(numbers(r), numbers(summary));
    assert.equal(r.provenance.engine, 'cluster');
    assert.equal(r.bootstrapDistribution, undefined);
    assert.equal(r.nullDistribution, undefined);
  });

  it('a job submitted without stream_replicates has no replicate stream (NOT_FOUND); `result --replicates-out` of a summary job is refused', async () => {
    const engine = await connectCluster(cluster!.address);
    try {
      const id = await engine.submitOnly({ ...job, bootstrap: { replicates: 50 }, permutation: { shuffles: 50 } });
      await assert.rejects(engine.replicates(id, new ReplicatesStream(join(dir, 'none.json'))), /does not stream its replicates/);
      await engine.attach(id).done;
      // `infoshard result` of a summary-path job cannot write replicates it never kept: one line, exit 2
      const sid = await engine.submitOnly(job);
      await engine.attach(sid).done;
      assertUsageError(await runCli(['result', sid, '--coordinator', cluster!.address, '--replicates-out', join(dir, 'late.json')]), /--replicates-out .*late\.json: the job's bootstrap and permutation replicates took the summary path and were not kept/);
    } finally {
      await engine.close();
    }
  });

  it('CLI --coordinator --replicates-out: the same file as the embedded CLI run', async () => {
    const data = join(dir, 'd.csv');
    const d = gaussianPair(70, 0.25, 3);
    writeFileSync(data, 'x,y\n' + Array.from({ length: d.n }, (_, i) => `${d.columns[0]![i]},${d.columns[1]![i]}`).join('\n') + '\n');
    const base = ['estimate', 'mi', '--data', data, '--x', 'x', '--y', 'y', '--estimator', 'gaussian', '--permutations', '5000', '--bootstrap', '300', '--summaries', '--seed', '9', '--json'];
    const a = await runCli([...base, '--threads', '2', '--replicates-out', join(dir, 'cli-embedded.csv')]);
    assert.equal(a.code, 0, a.stderr);
    const b = await runCli([...base, '--coordinator', cluster!.address, '--replicates-out', join(dir, 'cli-cluster.csv')]);
    assert.equal(b.code, 0, b.stderr);
    assert.ok(readFileSync(join(dir, 'cli-cluster.csv')).equals(readFileSync(join(dir, 'cli-embedded.csv'))));
    const ja = JSON.parse(a.stdout) as { pValue: number; ci: unknown; summaries: unknown };
    const jb = JSON.parse(b.stdout) as typeof ja;
    assert.equal(jb.pValue, ja.pValue);
    assert.deepEqual(jb.ci, ja.ci);
    assert.deepEqual(jb.summaries, ja.summaries);
  });
});
