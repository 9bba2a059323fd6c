/**
 * What each kNN estimator needs from the neighbour search, written as a plan over the joint
 * space: the blocks that make up a joint row, the marginal "spaces" (subsets of joint
 * columns) whose range counts the estimator reads, and how thresholds are set.
 */
import { gpuSupports } from '../../shared/catalog/index.js';
import type { Matrix } from '../../shared/data/matrix.js';
import { EstimatorError, OptionError } from '../../shared/errors.js';
import type { Measure } from '../../shared/job/spec.js';
import type { EstimatorInput } from './types.js';

export type PlanKind = 'ksg1' | 'ksg2' | 'mixed_ksg' | 'ksg_cmi' | 'kl';

export interface CountPlan {
  kind: PlanKind;
  /** Blocks in joint-column order (x | y | z). */
  blocks: Matrix[];
  /** Joint dimension D = Σ block widths. */
  dim: number;
  /** Marginal spaces as lists of joint columns (ksg1/ksg2: X, Y; mixed: X, Y, joint; cmi: XZ, YZ, Z). */
  spaces: number[][];
  /** Index of the block a permutation test permutes (mi: y, cmi: x), or -1 (entropy). */
  permutedBlock: number;
}

/** Row map of one replicate: `rows[b][i]` is the source row of block b for joint point i (null = i). */
export interface ReplicateRows {
  m: number;
  rows: (Int32Array | null)[];
}

const KINDS: Record<string, { measure: Measure; kind: PlanKind }> = {
  ksg1: { measure: 'mi', kind: 'ksg1' },
  ksg2: { measure: 'mi', kind: 'ksg2' },
  mixed_ksg: { measure: 'mi', kind: 'mixed_ksg' },
  ksg_cmi: { measure: 'cmi', kind: 'ksg_cmi' },
  kl: { measure: 'entropy', kind: 'kl' },
};

/** True when the batched kernels implement (measure, estimator). */
export function planSupported(measure: Measure, estimator: string, options?: Readonly<Record<string, number>>): boolean {
  // the catalog says which pairs have kernels; KINDS says which kernel plan computes them;
  // the kernels are max-norm: a Euclidean job (option norm ≠ 0) runs on the CPU
  return gpuSupports(measure, estimator) && KINDS[estimator]?.measure === measure && !options?.['norm'];
}

function range(a: number, b: number): number[] {
  const r: number[] = [];
  for (let i = a; i < b; i++) r.push(i);
  return r;
}

function need(m: Matrix | undefined, name: string, estimator: string): Matrix {
  if (!m) throw new OptionError(`${estimator} needs the '${name}' block`, name);
  return m;
}

/** Build the plan; throws OptionError for an estimator the kernels do not cover. */
export function makePlan(measure: Measure, estimator: string, input: EstimatorInput): CountPlan {
  const entry = KINDS[estimator];
  if (!entry || entry.measure !== measure) {
    throw new OptionError(`estimator '${estimator}' for measure '${measure}' has no batched kNN kernel`, 'estimator');
  }
  const x = input.x;
  if (entry.kind === 'kl') return { kind: 'kl', blocks: [x], dim: x.d, spaces: [], permutedBlock: -1 };
  const y = need(input.y, 'y', estimator);
  if (entry.kind === 'ksg_cmi') {
    const z = need(input.z, 'z', estimator);
    const dx = x.d, dy = y.d, dz = z.d, D = dx + dy + dz;
    const Z = range(dx + dy, D);
    return {
      kind: 'ksg_cmi',
      blocks: [x, y, z],
      dim: D,
      spaces: [[...range(0, dx), ...Z], [...range(dx, dx + dy), ...Z], Z],
      permutedBlock: 0,
    };
  }
  const D = x.d + y.d;
  const spaces = [range(0, x.d), range(x.d, D)];
  if (entry.kind === 'mixed_ksg') spaces.push(range(0, D));
  return { kind: entry.kind, blocks: [x, y], dim: D, spaces, permutedBlock: 1 };
}

/** Replicate rows for a permutation of the plan's permuted block. */
export function permutationRows(plan: CountPlan, perm: Int32Array): ReplicateRows {
  if (plan.permutedBlock < 0) throw new OptionError(`a permutation test is not defined for ${plan.kind}`, 'permutation');
  const n = plan.blocks[0]!.n;
  if (perm.length !== n) throw new OptionError(`permutation has length ${perm.length}, expected ${n}`, 'permutation');
  return { m: n, rows: plan.blocks.map((_, b) => (b === plan.permutedBlock ? perm : null)) };
}

/** Replicate rows for an index set (every block takes rows idx). */
export function indexRows(plan: CountPlan, idx: Int32Array): ReplicateRows {
  return { m: idx.length, rows: plan.blocks.map(() => idx) };
}

/** Check an index array against n rows; names the offending entry. */
export function checkRows(rows: Int32Array, n: number, what: string): void {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (!(r >= 0 && r < n)) throw new OptionError(`${what}[${i}] = ${r} is not a row index in [0, ${n})`, what);
  }
}

/** Joint float64 rows (m × D) of one replicate. */
export function gatherJoint(plan: CountPlan, rep: ReplicateRows, out?: Float64Array): Float64Array {
  const { m } = rep;
  const D = plan.dim;
  const g = out ?? new Float64Array(m * D);
  let c0 = 0;
  for (let b = 0; b < plan.blocks.length; b++) {
    const blk = plan.blocks[b]!;
    const rows = rep.rows[b] ?? null;
    const d = blk.d;
    for (let i = 0; i < m; i++) {
      const src = (rows ? rows[i]! : i) * d;
      const dst = i * D + c0;
      for (let c = 0; c < d; c++) g[dst + c] = blk.data[src + c]!;
    }
    c0 += d;
  }
  return g;
}

/** The estimators need more than k points. */
export function checkSize(m: number, k: number, estimator: string): void {
  if (!Number.isInteger(k) || k < 1) throw new OptionError(`k must be a positive integer, got ${k}`, 'k');
  if (m <= k) throw new EstimatorError(`${estimator}: a replicate of ${m} rows needs more than k = ${k} rows`);
}
