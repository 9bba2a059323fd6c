/**
 * gpu.js kernels, generated per shape. The layout follows JIDT's CUDA and IDTxl's OpenCL kNN
 * code: the replicates of one call are packed as equal-size chunks of one points array, one
 * thread per (query point, replicate), each thread searching only its own chunk by brute
 * force in the max-norm. k is unrolled into registers (kept sorted by insertion, ties to the
 * earlier index), so each shape (k, D, spaces, m, query chunk, replicate chunk) compiles once
 * and is cached.
 *
 * Kernel A (search) returns per thread [ε32, a, b, decided]:
 *   ε32 = k-th joint distance; a = index of the k-th neighbour (ksg2: of the neighbour with the
 *   largest X distance), b = (ksg2) index of the one with the largest Y distance; decided = 1 when
 *   the float32 gaps around the k-th neighbour (and, for ksg2, around the maxima) exceed twice
 *   the error bound, so the float64 neighbour is the same point.
 * Kernel B (count) returns per thread and space s: 2·#{j ∉ {i, ex_s} : d_s < lo_s} + [∃ j ∉ {i, ex_s} :
 *   lo_s ≤ d_s ≤ hi_s] (the flag marks comparisons float32 cannot decide).
 */
import type { CountPlan } from './plan.js';

/** The callable gpu.js kernel (its TypeScript types are loose; this is what we use). */
export interface GpuKernel {
  (...args: unknown[]): unknown;
  destroy?: () => void;
}

export interface GpuLike {
  createKernel(source: string, settings: Record<string, unknown>): GpuKernel;
  mode?: string;
}

export interface Shape {
  m: number;
  q: number;
  reps: number;
  k: number;
}

/** Per-column |p_j − q_i| expressions and per-space maxima, as source lines. */
function distanceLines(D: number, spaces: readonly number[][], wantJoint: boolean, wantSpaces: boolean): string[] {
  const L: string[] = [];
  L.push(`const pj = (base + j) * ${D};`);
  for (let c = 0; c < D; c++) L.push(`const a${c} = Math.abs(pts[pj + ${c}] - q${c});`);
  const maxOf = (cols: readonly number[]): string => cols.map((c) => `a${c}`).reduce((acc, e) => `Math.max(${acc}, ${e})`);
  if (wantSpaces) spaces.forEach((cols, s) => L.push(`const s${s} = ${maxOf(cols)};`));
  if (wantJoint) L.push(`const dj = ${maxOf(Array.from({ length: D }, (_, c) => c))};`);
  return L;
}

function queryLines(D: number): string[] {
  const L = ['const qi = (base + i) * ' + D + ';'];
  for (let c = 0; c < D; c++) L.push(`const q${c} = pts[qi + ${c}];`);
  return L;
}

/** Source of the search kernel (arguments: pts, qOff, tolJ, tolA, tolB). */
export function searchSource(plan: CountPlan, s: Shape): string {
  const { k, m } = s;
  const D = plan.dim;
  const ksg2 = plan.kind === 'ksg2';
  const R = k + 1; // registers: the k nearest and the next one (for the upper gap)
  const L: string[] = [];
  L.push('function(pts, qOff, tolJ, tolA, tolB) {');
  L.push(`let i = this.thread.x + qOff;`);
  L.push(`if (i > ${m - 1}) { i = ${m - 1}; }`);
  L.push(`const base = this.thread.y * ${m};`);
  L.push(...queryLines(D));
  for (let t = 0; t < R; t++) {
    L.push(`let r${t} = 1e30;`, `let n${t} = -1;`);
    if (ksg2) L.push(`let x${t} = 0.0;`, `let y${t} = 0.0;`);
  }
  L.push(`for (let j = 0; j < ${m}; j++) {`, 'if (j != i) {');
  L.push(...distanceLines(D, plan.spaces, true, ksg2));
  const last = R - 1;
  L.push(`if (dj < r${last}) {`, `r${last} = dj;`, `n${last} = j;`);
  if (ksg2) L.push(`x${last} = s0;`, `y${last} = s1;`);
  // insertion: bubble the new entry down while strictly smaller (equal keeps index order)
  let close = 0;
  for (let t = last; t > 0; t--) {
    L.push(`if (r${t} < r${t - 1}) {`);
    L.push(`const tr = r${t}; r${t} = r${t - 1}; r${t - 1} = tr;`);
    L.push(`const tn = n${t}; n${t} = n${t - 1}; n${t - 1} = tn;`);
    if (ksg2) {
      L.push(`const tx = x${t}; x${t} = x${t - 1}; x${t - 1} = tx;`);
      L.push(`const ty = y${t}; y${t} = y${t - 1}; y${t - 1} = ty;`);
    }
    close++;
  }
  for (let t = 0; t < close; t++) L.push('}');
  L.push('}', '}', '}');
  const kk = k - 1;
  L.push(`let ok = 1;`);
  if (k >= 2) L.push(`if (r${kk} - r${kk - 1} <= 2.0 * tolJ) { ok = 0; }`);
  L.push(`if (r${k} - r${kk} <= 2.0 * tolJ) { ok = 0; }`);
  if (!ksg2) {
    L.push(`return [r${kk}, n${kk}, 0, ok];`);
  } else {
    for (const [v, tol] of [['x', 'tolA'], ['y', 'tolB']] as const) {
      L.push(`let m${v} = ${v}0;`, `let i${v} = n0;`, `let s${v} = -1.0;`);
      for (let t = 1; t < k; t++) {
        L.push(`if (${v}${t} > m${v}) { s${v} = m${v}; m${v} = ${v}${t}; i${v} = n${t}; } else { if (${v}${t} > s${v}) { s${v} = ${v}${t}; } }`);
      }
      if (k >= 2) L.push(`if (m${v} - s${v} <= 2.0 * ${tol}) { ok = 0; }`);
    }
    L.push(`return [r${kk}, ix, iy, ok];`);
  }
  L.push('}');
  return L.join('\n');
}

/** Source of the count kernel (arguments: pts, qOff, lo, hi, ex), at most 4 spaces. */
export function countSource(plan: CountPlan, s: Shape): string {
  const { m, q } = s;
  const D = plan.dim;
  const S = plan.spaces.length;
  const L: string[] = [];
  L.push('function(pts, qOff, lo, hi, ex) {');
  L.push(`let i = this.thread.x + qOff;`);
  L.push(`if (i > ${m - 1}) { i = ${m - 1}; }`);
  L.push(`const base = this.thread.y * ${m};`);
  L.push(`const tb = (this.thread.y * ${q} + this.thread.x) * ${S};`);
  L.push(...queryLines(D));
  for (let t = 0; t < S; t++) {
    L.push(`const lo${t} = lo[tb + ${t}];`, `const hi${t} = hi[tb + ${t}];`, `const ex${t} = ex[tb + ${t}];`);
    L.push(`let c${t} = 0;`, `let f${t} = 0;`);
  }
  L.push(`for (let j = 0; j < ${m}; j++) {`, 'if (j != i) {');
  L.push(...distanceLines(D, plan.spaces, false, true));
  for (let t = 0; t < S; t++) {
    L.push(`if (j != ex${t}) { if (s${t} < lo${t}) { c${t}++; } else { if (s${t} <= hi${t}) { f${t} = 1; } } }`);
  }
  L.push('}', '}');
  const vals = Array.from({ length: 4 }, (_, t) => (t < S ? `c${t} * 2 + f${t}` : '0'));
  L.push(`return [${vals.join(', ')}];`);
  L.push('}');
  return L.join('\n');
}

/** Kernels compiled once per shape and cached on the gpu.js instance's owner. */
export class KernelCache {
  private readonly cache = new Map<string, GpuKernel>();
  constructor(private readonly gpu: GpuLike) {}

  private key(which: string, plan: CountPlan, s: Shape): string {
    return `${which}|${plan.kind}|${plan.dim}|${JSON.stringify(plan.spaces)}|${s.k}|${s.m}|${s.q}|${s.reps}`;
  }

  get(which: 'search' | 'count', plan: CountPlan, s: Shape): GpuKernel {
    const key = this.key(which, plan, s);
    let k = this.cache.get(key);
    if (!k) {
      const source = which === 'search' ? searchSource(plan, s) : countSource(plan, s);
      k = this.gpu.createKernel(source, {
        output: [s.q, s.reps],
        returnType: 'Array(4)',
        precision: 'single',
        tactic: 'precision',
        // the default (1000) would silently cut the loop over the chunk short
        loopMaxIterations: s.m + 1,
      });
      this.cache.set(key, k);
    }
    return k;
  }

  get size(): number {
    return this.cache.size;
  }

  destroy(): void {
    for (const k of this.cache.values()) k.destroy?.();
    this.cache.clear();
  }
}
