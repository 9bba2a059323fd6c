/**
 * Micro timing of the permutation shard loop (issue 18, not a test): executeShard on a
 * permutation workload of `gaussian` MI at N = 200 (vector and summary paths) and of ksg1 MI at
 * N = 200, one thread, µs per replicate: CPU time of this process (user + system, which a loaded
 * machine inflates far less than wall time) and wall time. Also times the pieces (drawing the shuffle, the estimate
 * on permuted data) so a profile can be read against them. Best of several runs (the machine is
 * shared); prints one JSON line per case with a checksum of the values so before/after runs can be
 * compared bit for bit.
 *   node dist/bench/micro/permutation.js [replicates=20480] [reps=5]
 */
import { executeShard } from '../../shared/job/execute.js';
import { prepareJob } from '../../shared/job/prepare.js';
import { shufflePermutation } from '../../shared/resampling/permutation.js';
import { createPermutationContext } from '../../shared/estimators/index.js';
import { stream } from '../../shared/rng/index.js';
import type { Job } from '../../shared/job/spec.js';
import { weakPair } from '../data.js';

const R = Number(process.argv[2] ?? 20_480);
const reps = Number(process.argv[3] ?? 5);

/** FNV-style checksum over the bytes of the values (order-sensitive). */
function checksum(v: Float64Array): string {
  const u = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
  let h = 0x811c9dc5;
  for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i]!, 0x01000193) >>> 0;
  return h.toString(16);
}

function time(name: string, per: number, f: () => string): void {
  const us: number[] = [], cpu: number[] = [];
  let sum = '';
  for (let rep = 0; rep < reps; rep++) {
    const t = performance.now(), c = process.cpuUsage();
    sum = f();
    const dc = process.cpuUsage(c);
    us.push(((performance.now() - t) * 1000) / per);
    cpu.push((dc.user + dc.system) / per);
  }
  us.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  console.log(JSON.stringify({ case: name, replicates: per, checksum: sum, bestCpuUs: +cpu[0]!.toFixed(2), medianCpuUs: +cpu[cpu.length >> 1]!.toFixed(2), bestWallUs: +us[0]!.toFixed(2) }));
}

const ds = weakPair(200);
for (const [estimator, extra] of [['gaussian', {}], ['ksg1', { k: 4 }]] as const) {
  const r = estimator === 'gaussian' ? R : Math.max(4096, R >> 3);
  for (const summaries of [false, true]) {
    const job = { measure: 'mi', estimator, x: ['x'], y: ['y'], seed: 1, data: ds, permutation: { shuffles: r }, summaries, ...extra } as unknown as Job;
    const p = prepareJob(job);
    const shard = { jobId: 'bench', shardId: 's', workload: 'permutation' as const, r0: 0, r1: r };
    time(`${estimator} N=200 executeShard ${summaries ? 'summary' : 'vector'}`, r, () => checksum(executeShard(p, shard).values));
  }
}
{
  const p = prepareJob({ measure: 'mi', estimator: 'gaussian', x: ['x'], y: ['y'], seed: 1, data: ds, permutation: { shuffles: R } } as unknown as Job);
  time('shufflePermutation N=200', R, () => {
    let s = 0;
    for (let r = 0; r < R; r++) s += shufflePermutation(1, r, 200)[0]!;
    return String(s);
  });
  const ctx = createPermutationContext('mi', 'gaussian', p.input, p.params);
  const perm = shufflePermutation(1, 0, 200);
  time('gaussian ctx.estimate (fixed perm)', R, () => {
    let s = 0;
    for (let r = 0; r < R; r++) s += ctx.estimate(perm);
    return String(s);
  });
}
