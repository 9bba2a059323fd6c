/**
 * A CLI client outlives its coordinator (issue 13, the chaos test's core): nats-server, a
 * coordinator with --nats on a fixed port, two workers on NATS, and `infoshard estimate
 * --coordinator` as a child process. The coordinator is SIGKILLed mid-job and started again;
 * the client reconnects, re-attaches to its job (resumed from JetStream) and prints the
 * embedded engine's numbers; `infoshard result JOB_ID` then prints the client's bytes exactly.
 * A worker is SIGKILLed too while the client waits. Bounded: about 15 s.
 */
import assert from 'node:assert/strict';
import { gaussianPair, spawnInfoshard, tempDir, type Proc } from '../helpers/cluster.js';
import { freePort, requireNatsServer, startNatsServer, type NatsServerHandle } from '../helpers/nats-server.js';
import { runClient, startClient, writeCsv } from '../helpers/cli-client.js';

/** What must agree between an embedded and a cluster run: everything but ids, times and provenance. */
function numbers(json: string): Record<string, unknown> {
  const { jobId: _i, timings: _t, provenance: _p, ...rest } = JSON.parse(json) as Record<string, unknown>;
  return rest;
}

describe('cluster: a client re-attaches across a coordinator SIGKILL (NATS)', function () {
  this.timeout(120_000);
  const tmp = tempDir();
  let nats: NatsServerHandle | undefined;
  let coordinator: Proc | undefined;
  const workers: Proc[] = [];
  let grpcPort = 0;
  let httpPort = 0;

  const startCoordinator = async () => {
    coordinator = await spawnInfoshard([
      'coordinator', '--listen', `127.0.0.1:${grpcPort}`, '--http', `127.0.0.1:${httpPort}`, '--nats', nats!.url, '--shard-size', '10', '--max-batch', '1',
    ]);
  };

  before(async function () {
    requireNatsServer(this);
    nats = await startNatsServer();
    grpcPort = await freePort();
    httpPort = await freePort();
    await startCoordinator();
  });

  after(async () => {
    await Promise.all([...workers.map((w) => w.stop()), coordinator?.stop()]);
    await nats?.cleanup();
    tmp.cleanup();
  });

  it('SIGKILL + restart of the coordinator (and a worker) while the client waits: the client prints the embedded numbers; result JOB_ID the same bytes', async () => {
    const t0 = Date.now();
    const data = writeCsv(tmp.dir, 'pair.csv', gaussianPair(300, 0.5, 21));
    // 6 bootstrap + 2 jackknife + 10 permutation shards of 10; every RunShards held 100 ms
    const args = ['estimate', 'mi', '--data', data, '--x', 'x', '--y', 'y', '--k', '4', '--seed', '21', '--bootstrap', '60', '--ci', 'bca', '--jackknife-groups', '20', '--permutations', '100', '--json'];
    const embedded = await runClient([...args, '--threads', '1']);
    assert.equal(embedded.code, 0, embedded.stderr);

    // the client starts before any worker: it is told its job waits for workers
    const tEmbedded = Date.now() - t0;
    const client = startClient([...args, '--coordinator', `127.0.0.1:${grpcPort}`, '--wait', '30']);
    const jobId = await client.jobId();
    const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 30_000) => {
      const end = Date.now() + ms;
      while (!(await Promise.resolve().then(ok).catch(() => false))) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; client stderr:\n${client.stderr()}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    await until('the waiting-for-workers notice', () => client.stderr().includes(`job ${jobId}: waiting for workers`));
    for (let i = 0; i < 2; i++) {
      workers.push(await spawnInfoshard(['worker', '--listen', '127.0.0.1:0', '--threads', '1', '--nats', nats!.url, '--fault-delay-ms', '100']));
    }
    const shardsDone = async () => {
      const s = (await (await fetch(`http://127.0.0.1:${httpPort}/status`)).json()) as { jobs: { id: string; shardsDone: number }[] };
      return s.jobs.find((j) => j.id === jobId)?.shardsDone ?? 0;
    };
    await until('4 shards done', async () => (await shardsDone()) >= 4);
    const killedAt = Date.now();
    await coordinator!.kill();
    await workers[0]!.kill(); // a worker dies during the outage too
    // the outage lasts until the client has said so: the client tells an outage from a blip
    // after a second of retrying, and a coordinator back within that second (a fast start-up)
    // would leave nothing to assert
    await until('the not-reachable notice', () => /is not reachable .*waiting up to \d+ s/.test(client.stderr()));
    assert.equal(await Promise.race([client.exit.then(() => 'exited'), Promise.resolve('waiting')]), 'waiting', 'the client must outlive its coordinator');
    await startCoordinator();

    const restartedAt = Date.now();
    const code = await client.exit;
    assert.equal(code, 0, client.stderr());
    console.log(`      embedded run ${tEmbedded} ms; coordinator down ${restartedAt - killedAt} ms; client printed its result ${Date.now() - restartedAt} ms after the restart`);
    assert.match(client.stderr(), /is not reachable .*waiting up to \d+ s/);
    assert.match(client.stderr(), /is back/);
    const printed = client.stdout();
    assert.equal((JSON.parse(printed) as { jobId: string }).jobId, jobId);
    assert.deepEqual(numbers(printed), numbers(embedded.stdout), 'the cluster run prints the embedded engine\'s numbers');

    // the job is durable: listed after the restart, and its result reprinted byte for byte
    const again = await runClient(['result', jobId, '--coordinator', `127.0.0.1:${grpcPort}`, '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, printed);
    const list = await runClient(['jobs', '--coordinator', `127.0.0.1:${grpcPort}`, '--json']);
    const jobs = JSON.parse(list.stdout) as { jobId: string; state: string }[];
    assert.deepEqual(jobs.find((j) => j.jobId === jobId)?.state, 'done');
  });
});
