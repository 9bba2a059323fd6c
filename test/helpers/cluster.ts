/**
 * Test harness for real multi-process clusters on loopback: `node dist/bin/infoshard.js
 * coordinator|worker ...` as child processes on port 0, ready lines parsed for the bound
 * ports, and guaranteed teardown: `stop()` in after/afterEach, plus an exit hook that
 * SIGKILLs anything still alive when the test process ends (no orphan processes or ports).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import type { Dataset } from '../../shared/data/matrix.js';
import { stream } from '../../shared/rng/index.js';
import type { Job } from '../../shared/job/spec.js';
import { prepareJob } from '../../shared/job/prepare.js';
import { planShards, planWorkloads } from '../../shared/job/plan.js';
import { loadProto, PROTOCOL_VERSION, fromServiceError, type HealthResponse } from '../../cluster/wire.js';
import { channelCredentials, clientOptions, type ClientSecurityOptions } from '../../cluster/security.js';

export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test file');
    dir = up;
  }
  return dir;
}

export function cliPath(): string {
  const p = path.join(repoRoot(), 'dist', 'bin', 'infoshard.js');
  if (!existsSync(p)) throw new Error(`${p} missing: build with 'npx tsc -p .' first`);
  return p;
}

const live = new Set<ChildProcess>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const p of live) {
      try {
        p.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
  });
}

export interface Proc {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** Fields of the ready line (id, port, listen, http). */
  readonly ready: Record<string, string>;
  readonly port: number;
  /** host:port to dial. */
  readonly address: string;
  output(): string;
  exited(): boolean;
  /** SIGKILL, as a crash would; resolves when the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Spawn `infoshard <args>` and wait for its ready line. */
export function spawnInfoshard(args: string[], timeoutMs = 20_000): Promise<Proc> {
  hookExit();
  const proc = spawn(process.execPath, [cliPath(), ...args], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, INFOSHARD_DEBUG: '1' } });
  live.add(proc);
  let out = '';
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    proc.once('exit', () => {
      exited = true;
      live.delete(proc);
      resolve();
    }),
  );
  const waitGone = async (sig: NodeJS.Signals, graceMs: number) => {
    if (exited) return;
    proc.kill(sig);
    const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(t);
  };
  return new Promise<Proc>((resolve, reject) => {
    const timer = setTimeout(() => {
      void waitGone('SIGKILL', 0);
      reject(new Error(`infoshard ${args[0]} not ready after ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /infoshard \w+ ready (.*)\n/.exec(out);
      if (!m) return;
      proc.stdout!.off('data', onData);
      proc.stdout!.on('data', (x: Buffer) => (out += x.toString()));
      clearTimeout(timer);
      const ready = Object.fromEntries(m[1]!.split(' ').map((kv) => kv.split('=') as [string, string]));
      const port = Number(ready['port']);
      resolve({
        proc, pid: proc.pid!, ready, port, address: `127.0.0.1:${port}`,
        output: () => out,
        exited: () => exited,
        kill: () => waitGone('SIGKILL', 0),
        stop: (graceMs = 3000) => waitGone('SIGTERM', graceMs),
      });
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`infoshard ${args[0]} exited (${code}) before ready:\n${out}`));
    });
  });
}

export interface ClusterOptions {
  workers?: number;
  threads?: number;
  coordinatorArgs?: string[];
  workerArgs?: string[];
}

/** A coordinator (with --http) and N workers registered over gRPC. */
export class TestCluster {
  readonly workers: Proc[] = [];
  private constructor(readonly coordinator: Proc, private readonly o: ClusterOptions) {}

  static async start(o: ClusterOptions = {}): Promise<TestCluster> {
    const c = await spawnInfoshard(['coordinator', '--listen', '127.0.0.1:0', '--http', '127.0.0.1:0', ...(o.coordinatorArgs ?? [])]);
    const cl = new TestCluster(c, o);
    try {
      await Promise.all(Array.from({ length: o.workers ?? 3 }, () => cl.addWorker()));
      await cl.waitForWorkers(o.workers ?? 3);
    } catch (e) {
      await cl.stop();
      throw e;
    }
    return cl;
  }

  get address(): string {
    return this.coordinator.address;
  }

  async addWorker(extra: string[] = []): Promise<Proc> {
    const w = await spawnInfoshard([
      'worker', '--coordinator', this.address, '--listen', '127.0.0.1:0', '--threads', String(this.o.threads ?? 1),
      ...(this.o.workerArgs ?? []), ...extra,
    ]);
    this.workers.push(w);
    return w;
  }

  /** GET /status from the coordinator. */
  async status(): Promise<ClusterStatus> {
    const r = await fetch(`http://127.0.0.1:${this.coordinator.ready['http']}/status`);
    return (await r.json()) as ClusterStatus;
  }

  async waitFor(pred: (s: ClusterStatus) => boolean, timeoutMs = 20_000, what = 'condition'): Promise<ClusterStatus> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.status();
      if (pred(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  waitForWorkers(n: number): Promise<ClusterStatus> {
    return this.waitFor((s) => s.workers.length >= n, 20_000, `${n} workers`);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers.map((w) => w.stop()), this.coordinator.stop()]);
  }
}

export interface ClusterStatus {
  workers: { id: string; address: string; threads: number; outstanding: number; inflightShards: number; shardsDone: number; slow: boolean }[];
  jobs: { id: string; state: string; shardsDone: number; totalShards: number }[];
  counters: { shardsDispatched: number; shardsCompleted: number; duplicatesIgnored: number; requeued: number; deadlineMisses: number; workersLost: number; batches: number };
  recoveries: { workerId: string; reason: string; requeued: number; lostAt: number; redispatchedAfterMs?: number }[];
}

/** Health of one worker over its own gRPC service. */
export function workerHealth(address: string, sec: ClientSecurityOptions = {}): Promise<HealthResponse> {
  const { Worker } = loadProto();
  const c = new Worker(address, channelCredentials(sec), clientOptions(sec, 4 << 20)) as unknown as grpc.Client & {
    Health(req: object, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: HealthResponse) => void): void;
  };
  return new Promise((resolve, reject) =>
    c.Health({ protocol_version: PROTOCOL_VERSION }, { deadline: Date.now() + 5000 }, (e, r) => {
      c.close();
      if (e) reject(fromServiceError(e));
      else resolve(r!);
    }),
  );
}

/** Correlated bivariate Gaussian (x, y) with correlation rho, seeded. */
export function gaussianPair(n: number, rho: number, seed: number): Dataset {
  const rng = stream(seed, 0, 99);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.nextGaussian();
    const b = rng.nextGaussian();
    x[i] = a;
    y[i] = rho * a + Math.sqrt(1 - rho * rho) * b;
  }
  return { names: ['x', 'y'], columns: [x, y], n };
}

/** A temp dir removed by the returned cleanup. */
export function tempDir(prefix = 'infoshard-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeToken(dir: string, token: string): string {
  const f = path.join(dir, 'token');
  writeFileSync(f, `${token}\n`);
  return f;
}

/** The comparable part of a result: estimate, CI, p-value, null and the raw distributions. */
export function comparable(r: import('../../shared/job/spec.js').JobResult): string {
  return JSON.stringify({
    estimate: r.estimate, ci: r.ci, pValue: r.pValue, null: r.null, biasCorrected: r.biasCorrected, replicates: r.replicates,
    warnings: r.warnings, dataHash: r.provenance.dataHash,
    bootstrap: r.bootstrapDistribution ? Array.from(r.bootstrapDistribution) : null,
    nullDist: r.nullDistribution ? Array.from(r.nullDistribution) : null,
  });
}

/**
 * The number of shards the coordinator plans for `job` at `--shard-size shardSize`, from the
 * plan itself: tests that count shards must not hard-code the workload list (a new workload,
 * e.g. the bias probe, changes it).
 */
export function plannedShards(job: Job, shardSize: number): number {
  return planShards('count', planWorkloads(prepareJob(job)), shardSize).length;
}
