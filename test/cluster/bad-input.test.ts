/**
 * Bad input over the wire gets a clear status and leaves the server up (issue 4): oversize
 * message, wrong dataset hash, malformed job spec, unknown protocol version, unknown dataset.
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { connectCluster, coordinatorStub, type CoordinatorStub } from '../../coordinator/client.js';
import { CancelledError, OptionError } from '../../shared/errors.js';
import { putDataset, workerStub } from '../../coordinator/link.js';
import { encodeDataset, PROTOCOL_VERSION, sha256Hex } from '../../cluster/wire.js';
import { gaussianPair, TestCluster, workerHealth } from '../helpers/cluster.js';

type Unary = (req: object, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: unknown) => void) => unknown;

function raw(fn: Unary, req: object): Promise<{ code: number; details: string }> {
  return new Promise((resolve) =>
    fn(req, { deadline: Date.now() + 10_000 }, (e) => resolve(e ? { code: e.code, details: e.details } : { code: grpc.status.OK, details: '' })),
  );
}

describe('cluster: bad input over the wire', function () {
  this.timeout(60_000);
  let cluster: TestCluster | undefined;
  let worker: ReturnType<typeof workerStub>;
  let coord: CoordinatorStub;
  const ds = gaussianPair(200, 0.5, 3);
  const bytes = encodeDataset(ds);
  const hash = sha256Hex(bytes);
  const spec = { measure: 'mi', estimator: 'ksg1', x: ['x'], y: ['y'] };

  before(async () => {
    cluster = await TestCluster.start({ workers: 1, coordinatorArgs: ['--max-message-mb', '1'], workerArgs: ['--max-message-mb', '1'] });
    worker = workerStub(cluster.workers[0]!.address, {}, 8 << 20);
    coord = coordinatorStub(cluster.address, { maxMessageBytes: 8 << 20 });
  });
  after(async () => {
    worker?.close();
    coord?.close();
    await cluster?.stop();
  });
  afterEach(async () => {
    // whatever was sent, both servers still answer
    assert.equal((await workerHealth(cluster!.workers[0]!.address)).status, 'SERVING');
    assert.equal(cluster!.coordinator.exited(), false);
    const s = await cluster!.status();
    assert.equal(s.workers.length, 1);
  });

  it('unknown protocol_version → FAILED_PRECONDITION on both services', async () => {
    const w = await raw(worker.Health.bind(worker) as Unary, { protocol_version: 99 });
    assert.equal(w.code, grpc.status.FAILED_PRECONDITION);
    assert.match(w.details, /protocol_version 99.*speaks.*protocol_version 1/);
    const c = await raw(coord.SubmitJob.bind(coord) as Unary, { protocol_version: 0, spec_json: JSON.stringify(spec), dataset: bytes });
    assert.equal(c.code, grpc.status.FAILED_PRECONDITION);
  });

  it('dataset whose bytes do not match the claimed hash → INVALID_ARGUMENT', async () => {
    const wrong = 'ab'.repeat(32);
    await assert.rejects(putDataset(worker, wrong, bytes), (e: Error & { code?: string }) => e.code === 'E_INPUT' && /SHA-256 .* not the claimed hash/.test(e.message));
    await assert.rejects(putDataset(coord, wrong, bytes), (e: Error & { code?: string }) => e.code === 'E_INPUT');
    const c = await raw(coord.SubmitJob.bind(coord) as Unary, { protocol_version: PROTOCOL_VERSION, spec_json: JSON.stringify(spec), data_hash: wrong, dataset: bytes });
    assert.equal(c.code, grpc.status.INVALID_ARGUMENT);
    assert.match(c.details, /does not match the SHA-256/);
    // the right hash is accepted
    assert.equal((await putDataset(worker, hash, bytes)).hash, hash);
  });

  it('malformed or invalid job spec → INVALID_ARGUMENT naming the problem', async () => {
    const submit = coord.SubmitJob.bind(coord) as Unary;
    const bad = await raw(submit, { protocol_version: PROTOCOL_VERSION, spec_json: '{"measure": "mi", ', dataset: bytes });
    assert.equal(bad.code, grpc.status.INVALID_ARGUMENT);
    assert.match(bad.details, /spec_json: malformed JSON/);
    const unknownField = await raw(submit, { protocol_version: PROTOCOL_VERSION, spec_json: JSON.stringify({ ...spec, bogus: 1 }), dataset: bytes });
    assert.equal(unknownField.code, grpc.status.INVALID_ARGUMENT);
    assert.match(unknownField.details, /unknown field 'bogus'/);
    const badK = await raw(submit, { protocol_version: PROTOCOL_VERSION, spec_json: JSON.stringify({ ...spec, k: -2 }), dataset: bytes });
    assert.equal(badK.code, grpc.status.INVALID_ARGUMENT);
    assert.match(badK.details, /\bk\b/);
    const run = worker.RunShards.bind(worker) as Unary;
    const w = await raw(run, { protocol_version: PROTOCOL_VERSION, job_id: 'j', spec_json: 'not json', data_hash: hash, shards: [{ shard_id: 'permutation:0-1', workload: 'permutation', r0: 0, r1: 1 }] });
    assert.equal(w.code, grpc.status.INVALID_ARGUMENT);
    assert.match(w.details, /spec_json/);
    const wl = await raw(run, { protocol_version: PROTOCOL_VERSION, job_id: 'j', spec_json: JSON.stringify(spec), data_hash: hash, shards: [{ shard_id: 'x', workload: 'nope', r0: 0, r1: 1 }] });
    assert.equal(wl.code, grpc.status.INVALID_ARGUMENT);
    assert.match(wl.details, /shards\[0\]\.workload/);
  });

  it('RegisterWorker: a huge id, a bad address or an absurd thread count → INVALID_ARGUMENT naming the field; nothing registered', async () => {
    const reg = (coord as unknown as { RegisterWorker: Unary }).RegisterWorker.bind(coord) as Unary;
    const ok = { protocol_version: PROTOCOL_VERSION, id: 'w-ok', address: '127.0.0.1:1', threads: 1, version: 'v' };
    const cases: [object, RegExp][] = [
      [{ ...ok, id: 'x'.repeat(200_000) }, /worker id must be 1-128 characters/], // (this cluster's message limit is 1 MiB)
      [{ ...ok, id: 'bad id\n' }, /worker id/],
      [{ ...ok, address: 'evil' }, /worker address must be HOST:PORT/],
      [{ ...ok, address: 'host:0' }, /port in 1-65535/],
      [{ ...ok, address: 'a b:80' }, /worker address/],
      [{ ...ok, threads: 2 ** 32 - 1 }, /worker threads must be an integer in 1-4096/],
      [{ ...ok, threads: 0 }, /worker threads/],
    ];
    for (const [req, re] of cases) {
      const r = await raw(reg, req);
      assert.equal(r.code, grpc.status.INVALID_ARGUMENT, JSON.stringify(req).slice(0, 100));
      assert.match(r.details, re);
    }
    const s = await cluster!.status();
    assert.deepEqual(s.workers.map((w) => w.id), [cluster!.workers[0]!.ready['id']]);
  });

  it('RunShards on a dataset the worker does not hold → NOT_FOUND', async () => {
    const r = await raw(worker.RunShards.bind(worker) as Unary, {
      protocol_version: PROTOCOL_VERSION, job_id: 'j', spec_json: JSON.stringify(spec), data_hash: 'cd'.repeat(32),
      shards: [{ shard_id: 'permutation:0-1', workload: 'permutation', r0: 0, r1: 1 }],
    });
    assert.equal(r.code, grpc.status.NOT_FOUND);
    assert.match(r.details, /not cached.*PutDataset/);
  });

  it('oversize message (over --max-message-mb 1) → RESOURCE_EXHAUSTED', async () => {
    const big = Buffer.alloc(2 << 20, 7);
    await assert.rejects(putDataset(worker, sha256Hex(big), big, 2 << 20), (e: Error & { code?: string }) => e.code === 'E_LIMIT');
    const c = await raw(coord.SubmitJob.bind(coord) as Unary, { protocol_version: PROTOCOL_VERSION, spec_json: JSON.stringify(spec), dataset: big });
    assert.equal(c.code, grpc.status.RESOURCE_EXHAUSTED);
  });
});

describe("cluster: the client's --max-replicates", function () {
  this.timeout(60_000);
  let capCluster: TestCluster | undefined;
  const ds = gaussianPair(200, 0.5, 3);
  const spec = { measure: 'mi', estimator: 'ksg1', x: ['x'], y: ['y'] };
  before(async () => {
    // Small shards, one per call: the first ones finish fast even for a 1e6-replicate job.
    capCluster = await TestCluster.start({ workers: 1, coordinatorArgs: ['--shard-size', '10', '--max-batch', '1'] });
  });
  after(async () => {
    await capCluster?.stop();
  });

  it("the client's replicate cap travels: a lower cap is enforced (OptionError naming the field), a higher one is accepted by coordinator and worker", async () => {
    const low = await connectCluster(capCluster!.address, { maxReplicates: 10 });
    try {
      await assert.rejects(low.run({ ...spec, bootstrap: { replicates: 20 }, data: ds } as never), (e: unknown) => {
        assert.ok(e instanceof OptionError, String(e));
        assert.equal(e.field, 'bootstrap.replicates');
        assert.match(e.message, /exceeds the cap of 10/);
        return true;
      });
    } finally {
      await low.close();
    }
    // Above the default cap of 1e9: the coordinator plans it (the summary path: at most 256
    // shards) and the worker accepts it (its prepareJob applies the client's cap; a refusal would
    // fail the job) and runs a shard. A shard is 3.9e6 replicates, so "running" is the evidence.
    const high = await connectCluster(capCluster!.address, { maxReplicates: 2_000_000_000 });
    try {
      const h = await high.submit({ ...spec, permutation: { shuffles: 1_000_000_001 }, data: ds } as never);
      const until = Date.now() + 30_000;
      while ((await workerHealth(capCluster!.workers[0]!.address)).active_tasks < 1) {
        assert.ok(Date.now() < until, 'the worker never started a shard of the capped job');
        await new Promise((r) => setTimeout(r, 100));
      }
      const s = await capCluster!.status();
      assert.equal(s.jobs.find((j) => j.id === h.id)!.state, 'running');
      await h.cancel();
      await assert.rejects(h.result(), CancelledError);
    } finally {
      await high.close();
    }
  });
});
