import { OptionError } from '../errors.js';
import { philox4x32 } from './philox.js';

/** A deterministic stream of random numbers owned by one replicate. */
export interface RandomStream {
  /** Uniform uint32. */
  nextUint32(): number;
  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat64(): number;
  /** Uniform integer in [0, n), unbiased (rejection), n ≤ 2^32. */
  nextInt(n: number): number;
  /** Standard normal deviate (Box–Muller). */
  nextGaussian(): number;
}

const TWO32 = 4294967296;

function checkSeed(seed: number, name: string): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new OptionError(`${name} must be a non-negative safe integer, got ${seed}`, name);
  }
}

/**
 * x mod n for integers 0 ≤ x ≤ 2^32, 1 ≤ n ≤ 2^32: the same value as `x % n` without the
 * floating-point remainder (a libm call, the largest cost of a shuffle). ⌊x/n⌋ is exact: x = k·n − d
 * with 0 < d < n puts x/n = k − d/n at least 1/n ≥ k/2^32 below k, far more than an ulp of k
 * (≤ 2^−20), so the rounded quotient never reaches k; k·n ≤ x < 2^53 is exact too.
 */
function umod(x: number, n: number): number {
  return x - Math.floor(x / n) * n;
}

class PhiloxStream implements RandomStream {
  private readonly buf = new Uint32Array(4);
  private pos = 4;
  private block = 0;
  private spare = NaN;
  constructor(
    private readonly k0: number,
    private readonly k1: number,
    private readonly c2: number,
    private readonly c3: number,
    private readonly domain: number,
  ) {}

  nextUint32(): number {
    if (this.pos === 4) {
      // counter = (block, domain, replicate lo, replicate hi): distinct for every (domain, replicate, block)
      philox4x32(this.block, this.domain, this.c2, this.c3, this.k0, this.k1, this.buf);
      this.block = (this.block + 1) >>> 0;
      this.pos = 0;
    }
    return this.buf[this.pos++]!;
  }

  nextFloat64(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  nextInt(n: number): number {
    if (n <= 0 || n > TWO32) throw new RangeError(`nextInt bound out of range: ${n}`);
    // Lemire-free simple rejection: reject the top partial bucket so every residue is equally likely.
    const limit = TWO32 - umod(TWO32, n);
    let x: number;
    do x = this.nextUint32(); while (x >= limit);
    return umod(x, n);
  }

  nextGaussian(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.nextFloat64();
    const v = this.nextFloat64();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/**
 * Independent stream for replicate `replicate` of a job seeded with `seed`. `domain` separates
 * workloads of one job (bootstrap vs permutation vs jitter) so they never share numbers.
 * Replicate r's values depend only on (seed, domain, r): not on threads, shards or order.
 */
export function stream(seed: number, replicate: number, domain = 0): RandomStream {
  checkSeed(seed, 'seed');
  if (!Number.isSafeInteger(replicate) || replicate < 0) throw new RangeError(`replicate index must be a non-negative integer, got ${replicate}`);
  return new PhiloxStream(seed >>> 0, Math.floor(seed / TWO32) >>> 0, replicate >>> 0, Math.floor(replicate / TWO32) >>> 0, domain >>> 0);
}

/** Well-known domain tags; a workload uses its own so streams never collide. */
export const Domain = {
  jitter: 1,
  bootstrap: 2,
  permutation: 3,
  jackknife: 4,
  bagging: 5,
  simulate: 6,
  surrogate: 7,
  /** Neural critics: split, initial weights and batch order of critic r (shared/estimators/neural). */
  neural: 8,
  /** The second critic of a neural CMI, I(X;Z) (its own initial weights and batches). */
  neuralCmi: 9,
  /** Bootstrap of critic r's held-out evaluation. */
  neuralHeldOut: 10,
  /** Bias probe of a subsample bootstrap: m' = N/2 subsamples (resampling/bootstrap.ts `biasProbe`). */
  biasprobe: 11,
  /** Per-step seeds of TE network inference (job/network.ts). */
  network: 12,
  /** Truth-target interval: subsamples of N/2 rows and their halves and quarters (resampling/truth-interval.ts). */
  extrapolation: 13,
} as const;

/** Fisher–Yates shuffle in place using `rng`. */
export function shuffleInPlace(a: Int32Array | Uint32Array | number[], rng: RandomStream): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/**
 * The first m entries of a Fisher–Yates shuffle of 0..n−1, in draw order: m distinct uniform
 * indices, from m swaps only (a partial shuffle).
 */
export function partialPermutation(n: number, m: number, rng: RandomStream): Int32Array {
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + rng.nextInt(n - i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return pool.slice(0, m);
}

/** A uniformly random permutation of 0..n-1. */
export function permutation(n: number, rng: RandomStream): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  shuffleInPlace(p, rng);
  return p;
}
