/**
 * Simulation jobs (issue 10): the Monte Carlo calibration of shared/resampling/simulate.ts as one
 * farm job, so `infoshard simulate` and `infoshard calibrate` fill the embedded pool or a cluster.
 *
 * A simulation job lists cells (a generator, N, D datasets, the job run on each dataset and the
 * CI methods compared). Its one workload, 'simulate', has one replicate per (cell, dataset):
 * index i = offset(c) + d for dataset d of cell c, cells in order. Replicate i draws dataset d
 * from stream(seed, d, Domain.simulate) — as the sequential `simulate` does, so every dataset is
 * reproducible alone — and runs the point estimate and all its replicates (bootstrap or
 * subsample, the jackknife when BCa is compared, the bias probe, permutations) inside the shard,
 * returning a compact record (`simulateDataset`: estimate, p-value, bias diagnostic, each
 * method's interval) of `width` values. The records, placed by replicate index, are summarised
 * per cell by the same code as the sequential path, so the results are the same bytes for any
 * shard size, thread count or number of workers.
 *
 * The job draws its own data: its `data` is an empty placeholder (`SIMULATION_DATA`), and its
 * top-level measure/estimator only name the first cell's (the result header).
 */
import { InternalError, LimitError, OptionError } from '../errors.js';
import type { Dataset } from '../data/matrix.js';
import { datasetHash } from '../data/hash.js';
import { measureOf } from '../catalog/index.js';
import { checkSimulateSpec, generatorColumns, simulateDataset, simulatePlan, summarizeSimulation, type SimulatePlan, type SimulateResult, type SimulateSpec } from '../resampling/simulate.js';
import { assemble, type FinalizeMeta } from './merge.js';
import type { PreparedJob, PrepareOptions } from './prepare.js';
import type { ShardPartial, ShardRequest } from './shard.js';
import { validateSpec } from './validate.js';
import { DEFAULTS, type Engine, type Job, type JobResult, type JobSpec, type Progress } from './spec.js';

/** One cell of a simulation job: a SimulateSpec without the seed (the job's) and the cap (the engine's). */
export type SimulationCell = Omit<SimulateSpec, 'seed' | 'maxReplicates'>;

export interface SimulationOptions {
  cells: SimulationCell[];
}

export interface PreparedSimulation {
  cells: SimulationCell[];
  /** First replicate index of each cell, then the total (cells.length + 1 entries). */
  offsets: number[];
  /** Values per record: the widest cell's (narrower cells leave the rest NaN). */
  width: number;
  /** The replicate cap every dataset's job is validated against (the engine's). */
  maxReplicates: number;
}

/** The placeholder `data` of a simulation job (every dataset is drawn inside the shards). */
export const SIMULATION_DATA: Dataset = { names: [], columns: [], n: 0 };

/** Fields of the top-level spec that belong in a cell's job instead. */
const CELL_FIELDS = ['y', 'z', 'k', 'normalize', 'units', 'jitter', 'millerMadow', 'bootstrap', 'permutation', 'ensemble', 'backend', 'options', 'test', 'trial', 'screen', 'pairwise', 'teStep', 'summaries'] as const;

/** A cell's SimulateSpec (seed and cap from the job). */
function cellSpec(cell: SimulationCell, seed: number, maxReplicates: number): SimulateSpec {
  return { ...cell, seed, maxReplicates };
}

/**
 * Up-front checks of a simulation job (validateSpec calls this instead of its block rules):
 * every cell's generator and sizes, and the job run on its datasets as an ordinary job spec
 * (the generator's columns, the cell's measure), so a bad cell is refused before any shard runs.
 */
export function validateSimulation(spec: JobSpec, opts: PrepareOptions = {}): void {
  const o = spec.simulate;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new OptionError('simulate must be an object { cells: [...] }', 'simulate');
  if (!Array.isArray(o.cells) || o.cells.length === 0) throw new OptionError('simulate.cells must be a non-empty list', 'simulate.cells');
  for (const f of CELL_FIELDS) if (spec[f] !== undefined) throw new OptionError(`a simulation job takes ${f} per cell (simulate.cells[i].job.${f}), not at the top level`, f);
  if (spec.seed !== undefined && !(typeof spec.seed === 'number' && Number.isSafeInteger(spec.seed) && spec.seed >= 0)) {
    throw new OptionError(`seed must be a non-negative integer; got ${JSON.stringify(spec.seed)}`, 'seed');
  }
  const max = opts.maxReplicates ?? DEFAULTS.maxReplicates;
  let total = 0;
  o.cells.forEach((cell, i) => {
    const f = `simulate.cells[${i}]`;
    if (!cell || typeof cell !== 'object' || !cell.generator || typeof cell.generator !== 'object' || !cell.job || typeof cell.job !== 'object') {
      throw new OptionError(`${f} must be { generator, n, datasets, job: {...} }`, f);
    }
    const named = <T>(fn: () => T): T => {
      try {
        return fn();
      } catch (e) {
        if (e instanceof OptionError) throw new OptionError(`${f}: ${e.message}`, `${f}.${e.field ?? ''}`.replace(/\.$/, ''));
        throw e;
      }
    };
    named(() => checkSimulateSpec(cell));
    const measure = cell.measure ?? 'mi';
    named(() => measureOf(measure));
    const jobKeys = Object.keys(cell.job);
    for (const k of ['measure', 'x', 'y', 'z', 'seed', 'data', 'simulate', 'screen', 'pairwise', 'teStep'] as const) {
      if (jobKeys.includes(k)) throw new OptionError(`${f}.job.${k}: set by the simulation (the generator's columns, the cell's measure, the dataset's seed)`, `${f}.job.${k}`);
    }
    const cols = generatorColumns(cell.generator);
    const blocks = measure === 'entropy' ? { x: cols.x } : { x: cols.x, y: cols.y, ...(cols.z ? { z: cols.z } : {}) };
    named(() => simulatePlan(cellSpec(cell, 0, max))); // the truth exists for this generator and measure
    named(() => validateSpec({ ...(cell.job as JobSpec), measure, ...blocks, seed: 0 }, { maxReplicates: max }));
    total += cell.datasets;
  });
  if (total > max) throw new LimitError(`simulate: ${total} datasets over all cells exceed the cap of ${max} replicates`);
}

/** Prepare a simulation job: its cells, their replicate offsets and the record width. */
export function prepareSimulation(job: Job, opts: PrepareOptions = {}): PreparedJob {
  validateSimulation(job, opts);
  const maxReplicates = opts.maxReplicates ?? DEFAULTS.maxReplicates;
  const cells = job.simulate!.cells;
  const offsets = [0];
  let width = 0;
  for (const cell of cells) {
    offsets.push(offsets[offsets.length - 1]! + cell.datasets);
    width = Math.max(width, simulatePlan(cellSpec(cell, 0, maxReplicates)).width);
  }
  const first = cells[0]!;
  const units = first.job.units ?? DEFAULTS.units;
  return {
    measure: first.measure ?? 'mi',
    estimator: first.job.estimator,
    k: first.job.k ?? DEFAULTS.k,
    knn: false,
    usesK: false,
    normalize: first.job.normalize ?? true,
    units,
    jitter: 0,
    seed: job.seed ?? DEFAULTS.seed,
    millerMadow: false,
    backend: 'cpu',
    n: offsets[offsets.length - 1]!,
    options: {},
    columns: { x: [] },
    input: { x: { n: 0, d: 0, data: new Float64Array(0) } },
    params: { k: first.job.k ?? DEFAULTS.k },
    dataHash: datasetHash(job.data ?? SIMULATION_DATA),
    warnings: [],
    simulation: { cells, offsets, width, maxReplicates },
  };
}

/** The cell holding replicate i (binary search over the offsets). */
function cellOf(s: PreparedSimulation, i: number): number {
  let lo = 0, hi = s.cells.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s.offsets[mid]! <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Records of replicates [r0, r1): (r1 − r0) × width values, NaN-padded after a narrower cell's record. */
export function executeSimulationShard(p: PreparedJob, shard: ShardRequest, stop: () => void = () => {}): ShardPartial {
  const s = p.simulation!;
  if (shard.workload !== 'simulate') throw new InternalError(`simulation jobs have no ${shard.workload} workload`);
  const { r0, r1 } = shard;
  const W = s.width;
  const values = new Float64Array((r1 - r0) * W).fill(NaN);
  const plans = new Map<number, { spec: SimulateSpec; plan: SimulatePlan }>();
  for (let i = r0; i < r1; i++, stop()) {
    const c = cellOf(s, i);
    let e = plans.get(c);
    if (!e) {
      const spec = cellSpec(s.cells[c]!, p.seed, s.maxReplicates);
      plans.set(c, (e = { spec, plan: simulatePlan(spec) }));
    }
    simulateDataset(e.spec, e.plan, i - s.offsets[c]!, values, (i - r0) * W);
  }
  return { jobId: shard.jobId, shardId: shard.shardId, workload: 'simulate', r0, r1, width: W, values };
}

/** The job result of a simulation: the records by replicate index (`simulationRecords`) and their layout. */
export function finalizeSimulation(p: PreparedJob, partials: Iterable<ShardPartial>, meta: FinalizeMeta): JobResult {
  const s = p.simulation!;
  const records = assemble([{ kind: 'simulate', replicates: s.offsets[s.offsets.length - 1]!, width: s.width }], partials).get('simulate')!;
  const result: JobResult = {
    measure: p.measure,
    estimator: p.estimator,
    k: null,
    n: p.n,
    estimate: NaN,
    units: p.units,
    normalize: p.normalize,
    seed: p.seed,
    replicates: {},
    warnings: [],
    timings: { estimateMs: meta.estimateMs, totalMs: meta.totalMs, ...(meta.resampleMs !== undefined ? { resampleMs: meta.resampleMs } : {}) },
    provenance: { version: meta.version, dataHash: p.dataHash, engine: meta.engine },
    simulation: { datasets: s.offsets.slice(1).map((o, c) => o - s.offsets[c]!), width: s.width },
    simulationRecords: records,
  };
  if (meta.threads !== undefined) result.provenance.threads = meta.threads;
  if (meta.workers !== undefined) result.provenance.workers = meta.workers;
  if (meta.backend !== undefined) result.provenance.backend = meta.backend;
  return result;
}

/** Per cell, the SimulateResult from a simulation job's records (the same bytes as `simulate(cell)`). */
export function simulationResults(cells: readonly SimulationCell[], seed: number, result: JobResult, maxReplicates: number = DEFAULTS.maxReplicates): SimulateResult[] {
  const recs = result.simulationRecords, info = result.simulation;
  if (!recs || !info || info.datasets.length !== cells.length) throw new InternalError('the result is not that of this simulation job');
  let offset = 0;
  return cells.map((cell, c) => {
    const spec = cellSpec(cell, seed, maxReplicates);
    const r = summarizeSimulation(spec, simulatePlan(spec), recs, offset * info.width, info.width);
    offset += cell.datasets;
    return r;
  });
}

/** The job that runs `cells` on an engine. */
export function simulationJob(cells: SimulationCell[], seed: number = DEFAULTS.seed): Job {
  const first = cells[0];
  return { measure: first?.measure ?? 'mi', estimator: first?.job.estimator ?? 'ksg1', x: [], seed, simulate: { cells }, data: SIMULATION_DATA };
}

export interface SimulationProgress {
  datasetsDone: number;
  datasetsTotal: number;
}

/**
 * Run `cells` as one job on `engine` (embedded pool or cluster): one SimulateResult per cell,
 * byte-identical to `simulate(cell)` on this thread with the same seed.
 */
export async function runSimulation(
  engine: Engine,
  cells: SimulationCell[],
  opts: { seed?: number; signal?: AbortSignal; onProgress?: (p: SimulationProgress) => void; maxReplicates?: number } = {},
): Promise<SimulateResult[]> {
  const seed = opts.seed ?? DEFAULTS.seed;
  const onProgress = opts.onProgress;
  const result = await engine.run(simulationJob(cells, seed), {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(onProgress ? { onProgress: (p: Progress) => onProgress({ datasetsDone: p.done, datasetsTotal: p.total }) } : {}),
  });
  return simulationResults(cells, seed, result, opts.maxReplicates);
}
