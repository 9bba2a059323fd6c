/**
 * Our side of one benchmark case, in its own process (so its peak RSS is its own):
 *   node dist/bench/ours-runner.js '<CaseSpec JSON>' <threads>
 * Every timed call goes through the public engine (`createEngine({ threads }).run(job)`), data
 * already in memory, normalize on (as scikit-learn): what a library user would call.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createEngine } from '../engine/embedded.js';
import { parseNpy } from '../shared/data/npy.js';
import type { Engine, Job, JobResult } from '../shared/job/spec.js';
import type { AgreeReply, CaseSpec, QuitReply, RunReply } from './protocol.js';

function jobFor(spec: CaseSpec, x: number[]): Omit<Job, 'data'> {
  const job: Omit<Job, 'data'> = { measure: 'mi', estimator: 'ksg1', k: spec.k, x, y: [spec.dx], normalize: true, seed: spec.seed };
  if (spec.kind === 'bootstrap') {
    job.bootstrap = { replicates: spec.replicates!, method: 'percentile', scheme: spec.scheme ?? 'subsample', ...(spec.m ? { m: spec.m } : {}) };
  }
  if (spec.kind === 'permutation') job.permutation = { shuffles: spec.replicates! };
  return job;
}

const allX = (dx: number) => Array.from({ length: dx }, (_, j) => j);

export class OursCase {
  private last: JobResult | undefined;
  private lastPerFeature: number[] = [];

  constructor(private readonly spec: CaseSpec, private readonly engine: Engine, private readonly data: Job['data']) {}

  private async timed(job: Omit<Job, 'data'>): Promise<{ ms: number; r: JobResult }> {
    const t = performance.now();
    const r = await this.engine.run({ ...job, data: this.data });
    return { ms: performance.now() - t, r };
  }

  /** One repetition of the case's workload. */
  async run(): Promise<RunReply> {
    const { spec } = this;
    if (spec.kind === 'perfeature') {
      // like-for-like with sklearn's per-feature MIs: one 2-D estimate per column of X
      const t = performance.now();
      const values: number[] = [];
      for (let j = 0; j < spec.dx; j++) values.push((await this.engine.run({ ...jobFor(spec, [j]), data: this.data })).estimate);
      const ms = performance.now() - t;
      this.lastPerFeature = values;
      const joint = await this.timed(jobFor(spec, allX(spec.dx)));
      return { ms, values, jointMs: joint.ms, jointValue: joint.r.estimate };
    }
    const { ms, r } = await this.timed(jobFor(spec, allX(spec.dx)));
    this.last = r;
    return { ms, values: [r.estimate], estimateMs: r.timings.estimateMs, ...(r.timings.resampleMs !== undefined ? { resampleMs: r.timings.resampleMs } : {}) };
  }

  /** Untimed warm-up (JIT, pool threads): the workload with at most 8 replicates. */
  async warmup(): Promise<{ ms: number }> {
    const { spec } = this;
    const small: CaseSpec = { ...spec, ...(spec.replicates ? { replicates: Math.min(8, spec.replicates) } : {}) };
    const t = performance.now();
    await this.engine.run({ ...jobFor(small, allX(spec.dx)), data: this.data });
    return { ms: performance.now() - t };
  }

  /** Values of the last run (runs once if there was none). */
  async agree(): Promise<AgreeReply> {
    if (!this.last && this.lastPerFeature.length === 0) await this.run();
    if (this.spec.kind === 'perfeature') return { values: this.lastPerFeature };
    const r = this.last!;
    const dist = this.spec.kind === 'bootstrap' ? r.bootstrapDistribution : this.spec.kind === 'permutation' ? r.nullDistribution : undefined;
    const a = this.spec.agreeReplicates ?? 0;
    return { values: [r.estimate], ...(dist ? { replicates: Array.from(dist.subarray(0, a)) } : {}) };
  }
}

const rssKb = () => Math.round(process.memoryUsage().rss / 1024);

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]!) as CaseSpec;
  const threads = Number(process.argv[3] ?? 1);
  const data = parseNpy(readFileSync(spec.dataPath));
  const engine = createEngine({ threads });
  const c = new OursCase(spec, engine, data);
  const baseRssKb = rssKb();
  const reply = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    try {
      const { op } = JSON.parse(line) as { op: string };
      if (op === 'run') reply(await c.run());
      else if (op === 'warmup') reply(await c.warmup());
      else if (op === 'agree') reply(await c.agree());
      else if (op === 'quit') {
        await engine.close();
        const q: QuitReply = { maxRssKb: process.resourceUsage().maxRSS, baseRssKb };
        reply(q);
        break;
      } else reply({ error: `unknown op ${op}` });
    } catch (e) {
      reply({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    }
  }
  process.exit(0);
}

if (process.argv[1] && /ours-runner\.(js|ts)$/.test(process.argv[1])) void main();
