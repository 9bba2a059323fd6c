/**
 * Processes that fail loudly (issue 13): a coordinator whose --http port is taken and a worker
 * that cannot reach NATS exit non-zero with one line instead of running on half-started; a
 * coordinator whose nats-server is gone still stops on SIGTERM within its grace period; gRPC
 * health says NOT_SERVING while the coordinator has no worker.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { loadProto, PROTOCOL_VERSION, type GetResultResponse } from '../../cluster/wire.js';
import { GrpcDiscovery } from '../../cluster/discovery.js';
import { MemoryEventPublisher } from '../../coordinator/events.js';
import { MemoryJobStore, type JobState, type StoredJob } from '../../coordinator/store.js';
import { startCoordinator } from '../../coordinator/server.js';
import { coordinatorStub } from '../../coordinator/client.js';
import type { WorkerLink } from '../../coordinator/scheduler.js';
import { cliPath, repoRoot, spawnInfoshard, type Proc } from '../helpers/cluster.js';
import { freePort, requireNatsServer, startNatsServer, type NatsServerHandle } from '../helpers/nats-server.js';

/** Run `infoshard <args>` to its end (the test's timeout bounds it): exit code and stderr. */
function runToExit(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cliPath(), ...args], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.once('exit', (code) => resolve({ code, stderr }));
  });
}

function healthStatus(address: string): Promise<string> {
  const { Health } = loadProto();
  const c = new Health(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    Check(req: object, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: { status: string }) => void): void;
  };
  return new Promise((resolve, reject) =>
    c.Check({ service: '' }, { deadline: Date.now() + 5000 }, (e, r) => {
      c.close();
      if (e) reject(e);
      else resolve(r!.status);
    }),
  );
}

describe('cluster: processes fail loudly', function () {
  this.timeout(90_000);
  const procs: Proc[] = [];
  let nats: NatsServerHandle | undefined;
  after(async () => {
    for (const p of procs) await p.stop();
    await nats?.cleanup();
  });

  it('a coordinator whose --http port is taken exits 2 with one line naming --http', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const r = await runToExit(['coordinator', '--listen', '127.0.0.1:0', '--http', `127.0.0.1:${port}`]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`--http 127\\.0\\.0\\.1:${port}: cannot listen \\(address already in use\\)`));
    } finally {
      taken.close();
    }
  });

  it('a worker whose --listen address is taken exits 2 with one line naming --listen', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const r = await runToExit(['worker', '--coordinator', '127.0.0.1:1', '--listen', `127.0.0.1:${port}`, '--threads', '1']);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`--listen 127\\.0\\.0\\.1:${port}: cannot listen`));
    } finally {
      taken.close();
    }
  });

  it('a worker that cannot reach NATS at start exits 3 with one line', async () => {
    const port = await freePort(); // nothing listens there
    const r = await runToExit(['worker', '--nats', `nats://127.0.0.1:${port}`, '--threads', '1']);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /cannot connect to NATS at nats:\/\/127\.0\.0\.1:\d+/);
  });

  it('gRPC health: NOT_SERVING with no worker, SERVING once one registered', async () => {
    const c = await spawnInfoshard(['coordinator', '--listen', '127.0.0.1:0']);
    procs.push(c);
    assert.equal(await healthStatus(c.address), 'NOT_SERVING');
    procs.push(await spawnInfoshard(['worker', '--coordinator', c.address, '--threads', '1']));
    let s = await healthStatus(c.address);
    while (s !== 'SERVING') {
      await new Promise((r) => setTimeout(r, 50));
      s = await healthStatus(c.address);
    }
  });

  it('gRPC health NOT_SERVING and /readyz 503 while resuming, even with a worker; job calls wait for the resume', async () => {
    // a store whose listing of unfinished jobs (the resume) waits for the test
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    class SlowStore extends MemoryJobStore {
      override async listJobs(states?: readonly JobState[]): Promise<StoredJob[]> {
        if (states?.includes('running')) await gate;
        return super.listJobs(states);
      }
    }
    const discovery = new GrpcDiscovery({ expireMs: 60_000 });
    discovery.seen({ id: 'w0', address: 'fake:0', threads: 1, version: 't' }, true);
    const idle: WorkerLink = {
      async ensureDataset() {}, forgetDataset() {}, async cancelJob() {}, close() {},
      runShards: () => ({ result: new Promise(() => {}), cancel() {} }),
    };
    const port = await freePort();
    const httpPort = await freePort();
    const starting = startCoordinator({
      listen: `127.0.0.1:${port}`, http: `127.0.0.1:${httpPort}`, connect: () => idle,
      backends: { store: new SlowStore(), discovery, events: new MemoryEventPublisher(), close: () => discovery.close() },
    });
    const address = `127.0.0.1:${port}`;
    let status = await healthStatus(address).catch(() => 'down');
    while (status === 'down') status = await healthStatus(address).catch(() => 'down');
    assert.equal(status, 'NOT_SERVING', 'resuming');
    const readyz = async () => {
      const r = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
      return { code: r.status, body: (await r.json()) as { reason?: string } };
    };
    let probe = await readyz().catch(() => undefined);
    while (!probe) probe = await readyz().catch(() => undefined);
    assert.deepEqual([probe.code, probe.body.reason], [503, 'resuming unfinished jobs']);
    const stub = coordinatorStub(address);
    let answered = false;
    const call = new Promise<GetResultResponse>((resolve, reject) =>
      stub.GetResult({ protocol_version: PROTOCOL_VERSION, job_id: 'nope', wait_ms: 0 }, {}, (e, r) => {
        answered = true;
        if (e) reject(e);
        else resolve(r!);
      }),
    );
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(answered, false, 'a job call waits while the coordinator resumes');
    release();
    const c = await starting;
    try {
      await assert.rejects(call, /unknown job nope/);
      assert.equal(await healthStatus(address), 'SERVING');
      assert.equal((await readyz()).code, 200, 'ready once resumed, with a live worker');
    } finally {
      stub.close();
      await c.close();
    }
  });

  it('a coordinator in NATS mode whose nats-server is gone stops on SIGTERM within its grace period', async function () {
    requireNatsServer(this);
    nats = await startNatsServer();
    const c = await spawnInfoshard(['coordinator', '--listen', '127.0.0.1:0', '--nats', nats.url, '--nats-prefix', `gone${process.pid}`, '--shutdown-grace-ms', '2000']);
    procs.push(c);
    await nats.kill();
    await new Promise((r) => setTimeout(r, 300)); // the client notices
    const exited = new Promise<number | null>((r) => (c.exited() ? r(c.proc.exitCode) : c.proc.once('exit', (code) => r(code))));
    c.proc.kill('SIGTERM');
    // the grace period is 2 s; this wait is only a bound on a hang (the harness would SIGKILL, and the test would fail)
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
    assert.notEqual(code, 'hung', `coordinator still running 20 s after SIGTERM:\n${c.output()}`);
  });
});
