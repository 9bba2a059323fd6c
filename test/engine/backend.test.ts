/**
 * The batch backend in the embedded engine (issue 5): `backend: 'gpu'` (gpu.js, here its
 * WebAssembly backend) and `'auto'` give the same bytes as `'cpu'` for bootstrap (BCa, so the
 * jackknife too), permutation and bagging, with 1 and 2 threads; provenance.backend says what ran.
 */
import assert from 'node:assert/strict';
import { createEngine } from '../../engine/embedded.js';
import { executeShard } from '../../shared/job/execute.js';
import { prepareJob } from '../../shared/job/prepare.js';
import type { ShardBackend } from '../../shared/job/backend.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { createBackend } from '../../worker/gpu/index.js';
import { comparable, gaussianPair } from '../helpers/cluster.js';

function miJob(backend: Job['backend']): Job {
  return {
    measure: 'mi', estimator: 'ksg1', k: 3, x: ['x'], y: ['y'], seed: 11, backend,
    bootstrap: { replicates: 24, method: 'bca', jackknifeGroups: 8 },
    permutation: { shuffles: 30 },
    ensemble: { bagging: { replicates: 6 } },
    data: gaussianPair(300, 0.6, 5),
  };
}

/** comparable() plus the bagging summary. */
function bytes(r: JobResult): string {
  return comparable(r) + JSON.stringify(r.ensemble ?? null);
}

async function run(job: Job, threads: number): Promise<JobResult> {
  const engine = createEngine({ threads, shardSize: 8 });
  try {
    return await engine.run(job);
  } finally {
    await engine.close();
  }
}

describe('engine: batch backends give the CPU path\'s bytes', function () {
  this.timeout(120_000);
  let cpu: JobResult;
  before(async () => {
    cpu = await run(miJob('cpu'), 1);
    assert.equal(cpu.provenance.backend, 'cpu');
  });

  for (const threads of [1, 2]) {
    it(`gpu, threads ${threads}: identical estimate, ci, pValue, distributions; provenance says gpu or gpu-host`, async () => {
      const r = await run(miJob('gpu'), threads);
      assert.equal(bytes(r), bytes(cpu));
      assert.match(r.provenance.backend ?? '', /^(gpu|gpu-host)$/);
    });
  }

  it('auto, threads 2: identical bytes; provenance is one documented value for what it chose', async () => {
    const r = await run(miJob('auto'), 2);
    assert.equal(bytes(r), bytes(cpu));
    assert.match(r.provenance.backend ?? '', /^(cpu|gpu|gpu-host|mixed)$/);
  });

  it('iid bootstrap rows (repeated rows, distance-0 ties) through executeShard: gpu equals cpu', async () => {
    // A job cannot ask for iid with ksg1 any more (prepare.ts refuses it: issue 10), but the shard
    // engine still runs iid draws (plug-in, Gaussian) and the kernels must handle repeated rows.
    const p = prepareJob(miJob('cpu'));
    p.bootstrap = { ...p.bootstrap!, scheme: 'iid', m: p.n };
    const shard = { jobId: 'j', shardId: 'bootstrap:0-24', workload: 'bootstrap' as const, r0: 0, r1: 24 };
    const c = executeShard(p, shard);
    const g = executeShard(p, shard, { backend: createBackend('gpu'), batchSize: 8 });
    assert.deepEqual(Array.from(g.values), Array.from(c.values));
  });

  it('cmi: shuffle permutations run on gpu.js, local ones that repeat rows on the CPU; bytes equal cpu', async () => {
    const data = gaussianPair(200, 0.5, 9);
    const z = Float64Array.from(data.columns[0]!, (v, i) => v + 0.3 * data.columns[1]![i]!);
    const job = (backend: Job['backend'], kind: 'shuffle' | 'local'): Job => ({
      measure: 'cmi', estimator: 'ksg_cmi', k: 3, x: ['x'], y: ['y'], z: ['z'], seed: 3, backend,
      permutation: { shuffles: 20, kind, localK: 5 },
      data: { n: data.n, names: [...data.names, 'z'], columns: [...data.columns, z] },
    });
    for (const kind of ['shuffle', 'local'] as const) {
      const [c, g] = [await run(job('cpu', kind), 1), await run(job('gpu', kind), 1)];
      assert.equal(bytes(g), bytes(c), kind);
      if (kind === 'shuffle') assert.match(g.provenance.backend ?? '', /^(gpu|gpu-host)$/);
      // Runge's local permutation repeats rows here, so those replicates ran on the CPU path
      else assert.ok(['cpu', 'mixed'].includes(g.provenance.backend ?? ''), g.provenance.backend);
    }
  });

  it('estimators without a kernel fall back to the CPU and say so', async () => {
    const job = { ...miJob('gpu'), estimator: 'gaussian', k: undefined, ensemble: undefined, bootstrap: { replicates: 10, method: 'percentile' as const } };
    const [c, g] = [await run({ ...job, backend: 'cpu' }, 1), await run(job, 1)];
    assert.equal(bytes(g), bytes(c));
    assert.equal(g.provenance.backend, 'cpu');
  });
});

describe('executeShard with a backend', () => {
  const p = prepareJob(miJob('gpu'));
  const shard = { jobId: 'j', shardId: 's', workload: 'permutation' as const, r0: 3, r1: 20 };

  it('batches replicates (batch 5 over 17 replicates: calls of 5, 5, 5, 2) in replicate order', () => {
    const calls: number[] = [];
    const cpu = createBackend('cpu');
    const spy: ShardBackend = {
      permutationBatch: (...a) => (calls.push(a[4].length), cpu.permutationBatch(...a)),
      indexBatch: (...a) => cpu.indexBatch(...a),
      describe: () => 'spy',
    };
    const plain = executeShard(p, shard);
    const batched = executeShard(p, shard, { backend: spy, batchSize: 5 });
    assert.deepEqual(calls, [5, 5, 5, 2]);
    assert.deepEqual(Array.from(batched.values), Array.from(plain.values));
    assert.equal(batched.backend, 'spy');
    assert.equal(plain.backend, undefined);
  });
});
