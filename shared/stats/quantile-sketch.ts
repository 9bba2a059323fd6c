/**
 * A mergeable quantile sketch for replicate distributions too large to keep (B in the
 * millions): the logarithmic-bucket sketch of Masson, Rim & Lee, "DDSketch: a fast and
 * fully-mergeable quantile sketch with relative-error guarantees" (VLDB 2019), applied to the
 * offsets d = v − c from a fixed centre c.
 *
 * Why a centre: DDSketch's error is relative to |value|. Replicates of an estimate sit around
 * θ̂, often far from 0 (MI ≈ 0.5 ± 0.05), so error relative to |v| would be relative to the
 * location, not the spread. With c = θ̂ (known before any replicate runs) the error is relative to
 * the distance from θ̂, i.e. to the spread: an interval endpoint at θ̂ ± 2 sd is off by ≤ α·2 sd.
 *
 * A positive offset d falls in bucket i = ⌈log_γ d⌉, γ = (1 + α)/(1 − α); negative offsets in a
 * mirrored store; |d| below `MIN_INDEXABLE` in a zero bucket; ±∞ and NaN are counted apart so
 * ranks match a sorted vector (−∞ first, then finite values, +∞, NaN last, as numpy sorts). The
 * value reported for bucket i is c + 2γ^i/(γ + 1), within relative error α of every offset in it.
 * State is integer counts per bucket, so merging (adding counts) is exactly associative and
 * commutative — any shard order or shard size gives the same sketch, hence the same quantiles,
 * bit for bit.
 */
export interface QuantileSketch {
  /** Relative accuracy α (of the offset from `centre`). */
  alpha: number;
  /** The centre c the offsets are taken from. */
  centre: number;
  count: number;
  zeroCount: number;
  /** −∞, +∞ and NaN values (ranked first, after the finite ones, last). */
  negInf: number;
  posInf: number;
  nan: number;
  /** bucket index → count, for offsets > 0 */
  positive: Map<number, number>;
  /** bucket index → count, for |offsets| of offsets < 0 */
  negative: Map<number, number>;
}

/** Serializable form (structured clone / JSON / packed float64): sorted [index, count] pairs. */
export interface QuantileSketchData {
  alpha: number;
  centre: number;
  count: number;
  zeroCount: number;
  negInf: number;
  posInf: number;
  nan: number;
  positive: [number, number][];
  negative: [number, number][];
}

/** Offsets with |d| below this go to the zero bucket. */
const MIN_INDEXABLE = 1e-300;

export function createSketch(alpha = 0.005, centre = 0): QuantileSketch {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`sketch alpha must be in (0, 1), got ${alpha}`);
  if (!Number.isFinite(centre)) throw new RangeError(`sketch centre must be finite, got ${centre}`);
  return { alpha, centre, count: 0, zeroCount: 0, negInf: 0, posInf: 0, nan: 0, positive: new Map(), negative: new Map() };
}

function gammaLn(alpha: number): number {
  return Math.log1p((2 * alpha) / (1 - alpha));
}

function bucketOf(absOffset: number, lnGamma: number): number {
  return Math.ceil(Math.log(absOffset) / lnGamma);
}

function bucketValue(index: number, alpha: number): number {
  const gamma = (1 + alpha) / (1 - alpha);
  return (2 * Math.pow(gamma, index)) / (gamma + 1);
}

/** A sketch's running state for fast inserts (ln γ computed once). */
export function addToSketch(s: QuantileSketch, v: number, lnGamma = gammaLn(s.alpha)): void {
  s.count++;
  if (Number.isNaN(v)) {
    s.nan++;
    return;
  }
  if (v === Infinity || v === -Infinity) {
    if (v > 0) s.posInf++;
    else s.negInf++;
    return;
  }
  const d = v - s.centre;
  const a = Math.abs(d);
  if (a < MIN_INDEXABLE) {
    s.zeroCount++;
    return;
  }
  const store = d > 0 ? s.positive : s.negative;
  const i = bucketOf(a, lnGamma);
  store.set(i, (store.get(i) ?? 0) + 1);
}

export function sketchOf(values: ArrayLike<number>, alpha?: number, centre = 0): QuantileSketch {
  const s = createSketch(alpha, centre);
  const lg = gammaLn(s.alpha);
  for (let i = 0; i < values.length; i++) addToSketch(s, values[i]!, lg);
  return s;
}

function addStore(into: Map<number, number>, from: Map<number, number>): void {
  for (const [i, c] of from) into.set(i, (into.get(i) ?? 0) + c);
}

/** Add `b`'s counts into `a` (in place; `a` returned). Exact, so the order of merges is irrelevant. */
export function mergeInto(a: QuantileSketch, b: QuantileSketch): QuantileSketch {
  if (a.alpha !== b.alpha || a.centre !== b.centre) {
    throw new RangeError(`cannot merge sketches with (alpha, centre) (${a.alpha}, ${a.centre}) and (${b.alpha}, ${b.centre})`);
  }
  a.count += b.count;
  a.zeroCount += b.zeroCount;
  a.negInf += b.negInf;
  a.posInf += b.posInf;
  a.nan += b.nan;
  addStore(a.positive, b.positive);
  addStore(a.negative, b.negative);
  return a;
}

export function mergeSketches(a: QuantileSketch, b: QuantileSketch): QuantileSketch {
  return mergeInto(mergeInto(createSketch(a.alpha, a.centre), a), b);
}

/** The sketch's values in ascending order as (value, count) runs; what quantiles and the CDF read. */
/** [bucket value, count] in ascending order: −∞, the negative buckets, zero, the positive buckets, +∞, NaN. */
export function* ascending(s: QuantileSketch): Generator<[number, number]> {
  if (s.negInf) yield [-Infinity, s.negInf];
  for (const i of [...s.negative.keys()].sort((x, y) => y - x)) yield [s.centre - bucketValue(i, s.alpha), s.negative.get(i)!];
  if (s.zeroCount) yield [s.centre, s.zeroCount];
  for (const i of [...s.positive.keys()].sort((x, y) => x - y)) yield [s.centre + bucketValue(i, s.alpha), s.positive.get(i)!];
  if (s.posInf) yield [Infinity, s.posInf];
  if (s.nan) yield [NaN, s.nan];
}

/** The value of 0-based ascending rank `rank` (clamped to [0, count − 1]). */
export function sketchRank(s: QuantileSketch, rank: number): number {
  if (s.count === 0) return NaN;
  const r = Math.min(Math.max(0, rank), s.count - 1);
  let seen = 0;
  for (const [v, c] of ascending(s)) {
    seen += c;
    if (seen > r) return v;
  }
  return NaN;
}

/**
 * Quantile q ∈ [0, 1]: the value of rank ⌊q(count − 1)⌋ (0-based, ascending), as DDSketch
 * defines it. Accuracy: for a finite answer, |answer − x_(r)| ≤ α·|x_(r) − centre| against the
 * exact order statistic x_(r) of that rank.
 */
export function sketchQuantile(s: QuantileSketch, q: number): number {
  if (s.count === 0 || !(q >= 0 && q <= 1)) return NaN;
  return sketchRank(s, Math.floor(q * (s.count - 1)));
}

/**
 * The empirical CDF at t as counts: values certainly below t, and those in the bucket that
 * holds t (which may lie on either side). #{v < t} and #{v ≤ t} both lie in [below, below + straddle].
 */
export function sketchCdf(s: QuantileSketch, t: number): { below: number; straddle: number } {
  const d = t - s.centre;
  const a = Math.abs(d);
  const sum = (m: Map<number, number>, keep: (i: number) => boolean) => {
    let c = 0;
    for (const [i, n] of m) if (keep(i)) c += n;
    return c;
  };
  if (a < MIN_INDEXABLE) return { below: s.negInf + sum(s.negative, () => true), straddle: s.zeroCount };
  const tb = bucketOf(a, gammaLn(s.alpha));
  if (d < 0) {
    // negative bucket i holds offsets in −(γ^i, γ^(i−1)]: those with i > tb lie below t
    return { below: s.negInf + sum(s.negative, (i) => i > tb), straddle: s.negative.get(tb) ?? 0 };
  }
  return { below: s.negInf + sum(s.negative, () => true) + s.zeroCount + sum(s.positive, (i) => i < tb), straddle: s.positive.get(tb) ?? 0 };
}

export function sketchToData(s: QuantileSketch): QuantileSketchData {
  const sorted = (m: Map<number, number>) => [...m.entries()].sort((x, y) => x[0] - y[0]);
  return {
    alpha: s.alpha, centre: s.centre, count: s.count, zeroCount: s.zeroCount, negInf: s.negInf, posInf: s.posInf, nan: s.nan,
    positive: sorted(s.positive), negative: sorted(s.negative),
  };
}

export function sketchFromData(d: QuantileSketchData): QuantileSketch {
  return {
    alpha: d.alpha, centre: d.centre, count: d.count, zeroCount: d.zeroCount, negInf: d.negInf, posInf: d.posInf, nan: d.nan,
    positive: new Map(d.positive), negative: new Map(d.negative),
  };
}
