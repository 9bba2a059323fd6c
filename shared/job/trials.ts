/**
 * Trials: several independent realisations of a process in one table, told apart by a trial
 * column (docs/info-dynamics.md, "Trials"). A measure's transform (delay embedding) runs on each trial alone and
 * the embedded rows are stacked, so no embedding vector mixes two trials (JIDT's
 * addObservations per trial, IDTxl's replications). Surrogates respect trials: a shuffle or a
 * circular shift permutes rows within each trial only, so each trial keeps its own marginal.
 */
import type { Matrix } from '../data/matrix.js';
import { DataError, EstimatorError, OptionError } from '../errors.js';
import type { EstimatorInput } from '../estimators/types.js';
import { Domain, permutation, stream, type RandomStream } from '../rng/index.js';

/** Rows of each trial in file order; trials in order of first appearance. */
export function trialSegments(values: Float64Array, column: string): Int32Array[] {
  const index = new Map<number, number>();
  const rows: number[][] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new DataError(`trial column ${JSON.stringify(column)}: row ${i} has ${v}; every row needs a trial label`);
    let t = index.get(v === 0 ? 0 : v);
    if (t === undefined) {
      t = rows.length;
      index.set(v === 0 ? 0 : v, t);
      rows.push([]);
    }
    rows[t]!.push(i);
  }
  return rows.map((r) => Int32Array.from(r));
}

function gather(m: Matrix, rows: Int32Array): Matrix {
  const d = m.d, out = new Float64Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) for (let j = 0; j < d; j++) out[i * d + j] = m.data[rows[i]! * d + j]!;
  return { n: rows.length, d, data: out };
}

function stack(parts: readonly Matrix[]): Matrix {
  const d = parts[0]!.d, n = parts.reduce((s, p) => s + p.n, 0);
  const data = new Float64Array(n * d);
  let o = 0;
  for (const p of parts) {
    data.set(p.data, o);
    o += p.data.length;
  }
  return { n, d, data };
}

/**
 * `transform` on each trial's rows, stacked. Returns the stacked input and the trial index of
 * each output row. A time block `t` (Theiler windows) is offset per trial by more than any
 * window, so rows of different trials are never within one.
 */
export function perTrial(input: EstimatorInput, segments: readonly Int32Array[], transform: (part: EstimatorInput) => EstimatorInput): { input: EstimatorInput; groups: Int32Array } {
  const outs: EstimatorInput[] = [];
  segments.forEach((rows, g) => {
    const part: EstimatorInput = { x: gather(input.x, rows) };
    if (input.y) part.y = gather(input.y, rows);
    if (input.z) part.z = gather(input.z, rows);
    try {
      outs.push(transform(part));
    } catch (e) {
      if (e instanceof EstimatorError) throw new EstimatorError(`trial ${g + 1} (${rows.length} rows): ${e.message}`);
      throw e;
    }
  });
  const groups = new Int32Array(outs.reduce((s, o) => s + o.x.n, 0));
  let at = 0;
  outs.forEach((o, g) => {
    groups.fill(g, at, at + o.x.n);
    at += o.x.n;
  });
  const out: EstimatorInput = { x: stack(outs.map((o) => o.x)) };
  if (outs[0]!.y) out.y = stack(outs.map((o) => o.y!));
  if (outs[0]!.z) out.z = stack(outs.map((o) => o.z!));
  if (outs[0]!.t) {
    const span = groups.length + 1;
    out.t = stack(outs.map((o, g) => ({ ...o.t!, data: o.t!.data.map((v) => v + g * span) })));
  }
  return { input: out, groups };
}

/** Rows of each group, in order. */
function members(groups: Int32Array): Int32Array[] {
  let count = 0;
  for (const g of groups) count = Math.max(count, g + 1);
  const sizes = new Int32Array(count);
  for (const g of groups) sizes[g]!++;
  const out = Array.from(sizes, (s) => new Int32Array(s));
  const fill = new Int32Array(count);
  for (let i = 0; i < groups.length; i++) out[groups[i]!]![fill[groups[i]!]!++] = i;
  return out;
}

/** A uniform permutation within each group, drawn group by group from `rng`. */
export function groupedPermutation(groups: Int32Array, rng: RandomStream): Int32Array {
  const perm = new Int32Array(groups.length);
  for (const rows of members(groups)) {
    const p = permutation(rows.length, rng);
    for (let i = 0; i < rows.length; i++) perm[rows[i]!] = rows[p[i]!]!;
  }
  return perm;
}

/** Shuffle r within trials, from `stream(seed, r, Domain.permutation)`. */
export function groupedShuffle(seed: number, r: number, groups: Int32Array): Int32Array {
  return groupedPermutation(groups, stream(seed, r, Domain.permutation));
}

/** Time-shift surrogate r within trials: each trial shifted circularly by its own s, uniform on 1..n_g − 1. */
export function groupedShift(seed: number, r: number, groups: Int32Array): Int32Array {
  const rng = stream(seed, r, Domain.permutation);
  const perm = new Int32Array(groups.length);
  for (const rows of members(groups)) {
    const n = rows.length;
    const s = n > 1 ? 1 + rng.nextInt(n - 1) : 0;
    for (let i = 0; i < n; i++) perm[rows[i]!] = rows[(i + s) % n]!;
  }
  return perm;
}

/** @throws OptionError when a user surrogate moves a row to another trial. */
export function checkWithinTrials(surrogates: readonly Int32Array[], groups: Int32Array): void {
  surrogates.forEach((perm, s) => {
    for (let i = 0; i < perm.length; i++) {
      if (groups[perm[i]!] !== groups[i]) throw new OptionError(`permutation.surrogates[${s}] moves row ${perm[i]} of trial ${groups[perm[i]!]! + 1} to row ${i} of trial ${groups[i]! + 1}; with a trial column, surrogates must stay within trials`, 'permutation.surrogates');
    }
  });
}
