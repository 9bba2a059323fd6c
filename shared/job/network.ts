/**
 * Multivariate transfer-entropy network inference (docs/screening.md, "Network inference"):
 * the greedy algorithm of Novelli, Wollstadt, Mediano, Wibral & Lizier, "Large-scale directed
 * network inference with multivariate transfer entropy and hierarchical statistical testing",
 * Network Neuroscience 3(3):827–847 (2019), §Methods, as IDTxl's MultivariateTE implements it.
 * Per target variable Y (present value Y_t):
 *   1. target past: greedily add the lag l ∈ 1..maxLagTarget of Y maximising I(Y_{t−l}; Y_t | S),
 *      S = the variables selected so far, while the maximum-statistic test rejects;
 *   2. sources: the same over every (source, lag), lag ∈ minLag..maxLag, conditioning on S;
 *   3. pruning: the selected source variable with the smallest I(s; Y_t | S∖s) is removed while
 *      the minimum-statistic test does not reject;
 *   4. omnibus test of I(all selected sources; Y_t | selected target past);
 *   5. sequential maximum-statistic test of each source's I(s; Y_t | S∖s); a source survives
 *      while its rank's test rejects (stop at the first that does not);
 * and across targets an FDR correction of the omnibus p-values (IDTxl network_fdr, by target).
 *
 * Every test is one `teStep` job (te-step.ts) run on the caller's Engine: embedded pool or
 * cluster, sharded by replicate range × candidates, so a step fills the farm and all targets
 * run concurrently. Step s of target i has seed stream(seed, i·2²⁰ + s, Domain.network)'s first
 * uint32: the result depends on nothing but the data and the settings (byte-identical on any
 * engine, thread count or shard size).
 */
import { DataError, LimitError, OptionError } from '../errors.js';
import type { Dataset } from '../data/matrix.js';
import { resolveColumn } from '../data/select.js';
import { Domain, stream } from '../rng/index.js';
import { adjustPValues } from '../resampling/multiple-testing.js';
import { sampleSd } from '../stats/moments.js';
import { prepareTeStep, teStepEstimates, type LaggedVar, type TeStepItem, type TeStepResult } from './te-step.js';
import { DEFAULTS, type ColumnRef, type Engine, type Job, type Units } from './spec.js';

export const NETWORK_FDR = ['fdr_bh', 'fdr_by', 'none'] as const;
export type NetworkFdr = (typeof NETWORK_FDR)[number];

export interface NetworkOptions {
  /** The processes (columns); each target's candidate sources are the others. */
  vars: ColumnRef[];
  /** Targets to analyse (each must be in vars). @default every variable */
  targets?: ColumnRef[];
  /** Largest source lag searched. */
  maxLag: number;
  /** @default 1 */
  minLag?: number;
  /** Largest lag of the target's own past. @default maxLag */
  maxLagTarget?: number;
  /** CMI estimator: 'ksg' (Frenzel–Pompe) or 'gaussian'. @default 'ksg' */
  estimator?: 'ksg' | 'gaussian';
  /** @default 3 */
  k?: number;
  /** Surrogates per test (max, min, omnibus and sequential statistics). @default 200 */
  permutations?: number;
  /** Level of every test and of the FDR across targets. @default 0.05 */
  alpha?: number;
  /** 'shuffle' the source past (default) or 'shift' it circularly in time. */
  surrogate?: 'shuffle' | 'shift';
  /** Correction of the omnibus p-values across targets. @default 'fdr_bh' */
  fdr?: NetworkFdr;
  /** @default 0 */
  seed?: number;
  /** Divide each series by its sd. @default true */
  normalize?: boolean;
  /** @default 'nats' */
  units?: Units;
}

export interface NetworkJob extends NetworkOptions {
  data: Dataset;
}

export interface NetworkSource {
  source: string;
  lag: number;
  /** I(source_{t−lag}; Y_t | all other selected variables), the sequential test's statistic. */
  te: number;
  /** Sequential maximum-statistic p-value at its rank. */
  pValue: number;
}

export interface NetworkTargetResult {
  target: string;
  /** Selected lags of the target's own past. */
  past: number[];
  /** Selected (source, lag) pairs after every test and the FDR across targets. */
  sources: NetworkSource[];
  /** Omnibus test (absent when no source was selected before it). */
  omnibus?: { te: number; pValue: number; pAdjusted: number; significant: boolean };
  /** teStep jobs run for this target. */
  steps: number;
}

export interface NetworkEdge {
  source: string;
  target: string;
  lags: number[];
  /** I(source's selected lags; Y_t | the target's other selected variables), jointly. */
  te: number;
  /** Smallest sequential p-value among the edge's lags. */
  pValue: number;
}

export interface NetworkResult {
  edges: NetworkEdge[];
  targets: NetworkTargetResult[];
  settings: Required<Omit<NetworkOptions, 'vars' | 'targets'>> & { vars: string[]; targets: string[]; n: number; samples: number };
  warnings: string[];
}

export interface NetworkProgress {
  targetsDone: number;
  targetsTotal: number;
  /** teStep jobs finished, over all targets. */
  steps: number;
}

interface Resolved {
  names: string[];
  cols: number[];
  targets: number[];
  s: NetworkResult['settings'];
}

/** Up-front checks with errors naming the field (the CLI maps fields to its flags). */
export function resolveNetwork(job: NetworkJob, maxReplicates: number = DEFAULTS.maxReplicates, name: (field: string) => string = (f) => f): Resolved {
  const int = (v: unknown, field: string, min: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new OptionError(`${name(field)} must be an integer ≥ ${min}; got ${JSON.stringify(v)}`, name(field));
    return v;
  };
  const ds = job.data;
  if (!ds || !Array.isArray(ds.columns) || ds.columns.length === 0 || !(ds.n > 0)) throw new DataError('the dataset is empty');
  if (!Array.isArray(job.vars) || job.vars.length < 2) throw new OptionError(`${name('vars')} needs at least 2 variables`, name('vars'));
  const cols = job.vars.map((c, i) => resolveColumn(ds, c, name('vars')));
  const names = cols.map((j) => ds.names[j]!);
  const seen = new Set<number>();
  cols.forEach((j) => {
    if (seen.has(j)) throw new OptionError(`column ${JSON.stringify(ds.names[j])} is listed twice in ${name('vars')}`, name('vars'));
    seen.add(j);
  });
  const targets = (job.targets ?? job.vars).map((c, i) => {
    const j = resolveColumn(ds, c, name('targets'));
    const v = cols.indexOf(j);
    if (v < 0) throw new OptionError(`target ${JSON.stringify(ds.names[j])} (${name('targets')}) is not among ${name('vars')}: a target's sources are the other variables`, name('targets'));
    return v;
  });
  if (new Set(targets).size !== targets.length) throw new OptionError(`a target is listed twice in ${name('targets')}`, name('targets'));
  const maxLag = int(job.maxLag, 'maxLag', 1);
  const minLag = job.minLag === undefined ? 1 : int(job.minLag, 'minLag', 1);
  if (minLag > maxLag) throw new OptionError(`${name('minLag')} ${minLag} exceeds ${name('maxLag')} ${maxLag}`, name('minLag'));
  const maxLagTarget = job.maxLagTarget === undefined ? maxLag : int(job.maxLagTarget, 'maxLagTarget', 1);
  const estimator = job.estimator ?? 'ksg';
  if (estimator !== 'ksg' && estimator !== 'gaussian') throw new OptionError(`${name('estimator')} must be ksg or gaussian; got ${JSON.stringify(estimator)}`, name('estimator'));
  const k = job.k === undefined ? DEFAULTS.k : int(job.k, 'k', 1);
  const permutations = job.permutations === undefined ? 200 : int(job.permutations, 'permutations', 1);
  if (permutations > maxReplicates) throw new LimitError(`${name('permutations')} ${permutations} exceeds the cap of ${maxReplicates} replicates`);
  const alpha = job.alpha ?? DEFAULTS.alpha;
  if (!(typeof alpha === 'number' && alpha > 0 && alpha < 1)) throw new OptionError(`${name('alpha')} must be in (0, 1); got ${JSON.stringify(alpha)}`, name('alpha'));
  // the smallest p-value is 1/(P+1): with fewer surrogates no test can ever reject (IDTxl check_n_perm)
  if (1 / (permutations + 1) > alpha) throw new OptionError(`${name('permutations')} ${permutations}: the smallest p-value 1/(P+1) exceeds alpha = ${alpha}, so nothing could be selected; use at least ${Math.ceil(1 / alpha) - 1}`, name('permutations'));
  const surrogate = job.surrogate ?? 'shuffle';
  if (surrogate !== 'shuffle' && surrogate !== 'shift') throw new OptionError(`${name('surrogate')} must be shuffle or shift; got ${JSON.stringify(surrogate)}`, name('surrogate'));
  const fdr = job.fdr ?? 'fdr_bh';
  if (!(NETWORK_FDR as readonly string[]).includes(fdr)) throw new OptionError(`${name('fdr')} must be one of ${NETWORK_FDR.join(', ')}; got ${JSON.stringify(fdr)}`, name('fdr'));
  const seed = job.seed ?? DEFAULTS.seed;
  if (!(Number.isSafeInteger(seed) && seed >= 0)) throw new OptionError(`${name('seed')} must be a non-negative integer; got ${JSON.stringify(seed)}`, name('seed'));
  const candidates = (cols.length - 1) * (maxLag - minLag + 1);
  if (candidates > DEFAULTS.maxItems) {
    throw new LimitError(`${name('vars')}: ${cols.length - 1} sources × ${maxLag - minLag + 1} lags = ${candidates} candidates per target exceed the job limit of ${DEFAULTS.maxItems}; use fewer variables or lags`);
  }
  const offset = Math.max(maxLag, maxLagTarget);
  const samples = ds.n - offset;
  // ksg: k neighbours besides the point; gaussian: a covariance of the widest item (every selected variable + Y)
  const need = estimator === 'ksg' ? Math.max(k + 2, 10) : maxLagTarget + candidates + 3;
  if (samples < need) {
    throw new DataError(`${ds.n} rows leave ${samples} samples after the largest lag ${offset} (${name('maxLag')}${job.maxLagTarget !== undefined ? `/${name('maxLagTarget')}` : ''}); ${estimator} needs at least ${need}: use fewer lags or more rows`);
  }
  for (const j of cols) {
    if (!(sampleSd(ds.columns[j]!) > 0)) throw new DataError(`column ${JSON.stringify(ds.names[j])} (in ${name('vars')}) is constant: it carries no information (drop it)`);
  }
  const normalize = job.normalize ?? true;
  const units = job.units ?? DEFAULTS.units;
  if (units !== 'nats' && units !== 'bits') throw new OptionError(`${name('units')} must be nats or bits; got ${JSON.stringify(units)}`, name('units'));
  return {
    names,
    cols,
    targets,
    s: { vars: names, targets: targets.map((t) => names[t]!), maxLag, minLag, maxLagTarget, estimator, k, permutations, alpha, surrogate, fdr, seed, normalize, units, n: ds.n, samples },
  };
}

/** Seed of step `step` of target index `ti` (see the header). */
export function stepSeed(seed: number, ti: number, step: number): number {
  return stream(seed, ti * 2 ** 20 + step, Domain.network).nextUint32();
}

interface TargetRun {
  past: LaggedVar[];
  sources: LaggedVar[];
  seq: Map<string, { te: number; pValue: number }>;
  omnibus?: { te: number; pValue: number };
  steps: number;
}

const key = (c: LaggedVar) => `${c[0]}:${c[1]}`;
const without = (list: LaggedVar[], c: LaggedVar) => list.filter((d) => key(d) !== key(c));

/**
 * Infer the network on `engine` (embedded or cluster). Throws OptionError / DataError /
 * LimitError naming the field for bad settings before any job runs.
 */
export async function inferNetwork(
  engine: Engine,
  job: NetworkJob,
  opts: { signal?: AbortSignal; onProgress?: (p: NetworkProgress) => void; maxReplicates?: number; fieldName?: (field: string) => string } = {},
): Promise<NetworkResult> {
  const r = resolveNetwork(job, opts.maxReplicates, opts.fieldName);
  const { s } = r;
  const offset = Math.max(s.maxLag, s.maxLagTarget);
  const progress: NetworkProgress = { targetsDone: 0, targetsTotal: r.targets.length, steps: 0 };
  opts.onProgress?.({ ...progress });
  const base = {
    measure: 'te',
    estimator: s.estimator,
    k: s.k,
    x: r.names,
    normalize: s.normalize,
    data: job.data,
  };
  const warnings = new Set<string>();

  async function analyse(target: number, ti: number): Promise<TargetRun> {
    const run: TargetRun = { past: [], sources: [], seq: new Map(), steps: 0 };
    const step = async (items: TeStepItem[]): Promise<TeStepResult> => {
      const stepJob: Job = {
        ...base,
        seed: stepSeed(s.seed, ti, run.steps),
        permutation: { shuffles: s.permutations, kind: s.surrogate },
        teStep: { target, offset, items },
      };
      run.steps++;
      const res = await engine.run(stepJob, opts.signal ? { signal: opts.signal } : {});
      for (const w of res.warnings) warnings.add(w);
      progress.steps++;
      opts.onProgress?.({ ...progress });
      return res.teStep!;
    };
    const selected = () => [...run.past, ...run.sources];
    // 1–2: greedy inclusion with the maximum statistic
    const include = async (candidates: LaggedVar[], into: LaggedVar[]) => {
      let left = candidates;
      while (left.length > 0) {
        const z = selected();
        const res = await step(left.map((c) => ({ x: [c], z })));
        if (!(res.max.pValue <= s.alpha)) break;
        const best = left[res.max.item]!;
        into.push(best);
        left = without(left, best);
      }
    };
    const lags = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    await include(lags(1, s.maxLagTarget).map((l): LaggedVar => [target, l]), run.past);
    const sourceCands: LaggedVar[] = [];
    for (let v = 0; v < r.names.length; v++) if (v !== target) for (const l of lags(s.minLag, s.maxLag)) sourceCands.push([v, l]);
    await include(sourceCands, run.sources);
    // 3: pruning with the minimum statistic
    while (run.sources.length > 0) {
      const all = selected();
      const res = await step(run.sources.map((c) => ({ x: [c], z: without(all, c) })));
      if (res.min.pValue <= s.alpha) break;
      run.sources = without(run.sources, run.sources[res.min.item]!);
    }
    if (run.sources.length === 0) return run;
    // 4: omnibus
    const omni = await step([{ x: run.sources, z: run.past }]);
    run.omnibus = { te: omni.estimates[0]!, pValue: omni.pValues[0]! };
    if (!(omni.pValues[0]! <= s.alpha)) {
      run.sources = [];
      return run;
    }
    // 5: sequential maximum statistic, largest statistic first, stop at the first non-rejection
    const all = selected();
    const seq = await step(run.sources.map((c) => ({ x: [c], z: without(all, c) })));
    const order = run.sources.map((_, t) => t).sort((a, b) => seq.estimates[b]! - seq.estimates[a]! || a - b);
    const keep = new Set<number>();
    for (const t of order) {
      if (!(seq.sequential[t]! <= s.alpha)) break;
      keep.add(t);
    }
    run.sources.forEach((c, t) => run.seq.set(key(c), { te: seq.estimates[t]!, pValue: seq.sequential[t]! }));
    run.sources = run.sources.filter((_, t) => keep.has(t));
    return run;
  }

  const runs = await Promise.all(
    r.targets.map(async (t, ti) => {
      const res = await analyse(t, ti);
      progress.targetsDone++;
      opts.onProgress?.({ ...progress });
      return res;
    }),
  );

  // FDR across targets on the omnibus p-values (a target without an omnibus test counts as p = 1)
  const pOmni = runs.map((x) => x.omnibus?.pValue ?? 1);
  const pAdj = s.fdr === 'none' ? Float64Array.from(pOmni) : adjustPValues(s.fdr, pOmni);
  // p ≥ 1/(P+1): BH passes a lone significant target only when 1/(P+1) ≤ alpha/T (IDTxl network_fdr warns likewise)
  const T = runs.length;
  const cT = s.fdr === 'fdr_by' ? Array.from({ length: T }, (_, i) => 1 / (i + 1)).reduce((a, b) => a + b, 0) : 1;
  if (s.fdr !== 'none' && T > 1 && 1 / (s.permutations + 1) > s.alpha / (T * cT)) {
    warnings.add(`${s.fdr} over ${T} targets: the smallest omnibus p-value 1/(P+1) = ${(1 / (s.permutations + 1)).toPrecision(3)} exceeds alpha/${T}${cT !== 1 ? `/${cT.toPrecision(3)}` : ''} = ${(s.alpha / (T * cT)).toPrecision(3)}, so a target can lose its sources to the correction; use at least ${Math.ceil((T * cT) / s.alpha) - 1} permutations`);
  }
  const u = s.units === 'bits' ? (v: number) => v / Math.LN2 : (v: number) => v;
  const targets: NetworkTargetResult[] = [];
  const edges: NetworkEdge[] = [];
  runs.forEach((run, ti) => {
    const target = r.targets[ti]!;
    const significant = run.omnibus !== undefined && run.sources.length > 0 && pAdj[ti]! <= s.alpha;
    const sources = significant ? [...run.sources].sort((a, b) => a[0] - b[0] || a[1] - b[1]) : [];
    targets.push({
      target: r.names[target]!,
      past: run.past.map((c) => c[1]).sort((a, b) => a - b),
      sources: sources.map((c) => ({ source: r.names[c[0]]!, lag: c[1], te: u(run.seq.get(key(c))!.te), pValue: run.seq.get(key(c))!.pValue })),
      ...(run.omnibus ? { omnibus: { te: u(run.omnibus.te), pValue: run.omnibus.pValue, pAdjusted: pAdj[ti]!, significant } } : {}),
      steps: run.steps,
    });
    if (sources.length === 0) return;
    // one edge per source variable: its lags' joint TE given the rest, computed here (a point
    // estimate only, the same code and bytes as a step's θ)
    const vars = [...new Set(sources.map((c) => c[0]))];
    const all = [...run.past, ...sources];
    const items = vars.map((v) => ({ x: sources.filter((c) => c[0] === v), z: all.filter((c) => c[0] !== v) }));
    const prepared = prepareTeStep({ ...base, seed: 0, permutation: { shuffles: 1 }, teStep: { target, offset, items } });
    const te = teStepEstimates(prepared);
    vars.forEach((v, i) => {
      const mine = sources.filter((c) => c[0] === v);
      edges.push({
        source: r.names[v]!,
        target: r.names[target]!,
        lags: mine.map((c) => c[1]),
        te: u(te[i]!),
        pValue: Math.min(...mine.map((c) => run.seq.get(key(c))!.pValue)),
      });
    });
  });
  return { edges, targets, settings: s, warnings: [...warnings] };
}
