/**
 * A mergeable quantile sketch for replicate distributions too large to keep (B in the
 * millions): the logarithmic-bucket sketch of Masson, Rim & Lee, "DDSketch: a fast and
 * fully-mergeable quantile sketch with relative-error guarantees" (VLDB 2019).
 *
 * A positive value v falls in bucket i = ⌈log_γ v⌉, γ = (1 + α)/(1 − α); negative values in a
 * mirrored store; |v| below `minIndexable` in a zero bucket. The quantile estimate returned for a
 * bucket is 2γ^i/(γ + 1), within relative error α of every value in it. State is integer counts
 * per bucket, so merge (adding counts) is exactly associative and commutative — any shard
 * order gives the same sketch, hence the same quantiles, bit for bit.
 */
export interface QuantileSketch {
  /** Relative accuracy α. */
  alpha: number;
  count: number;
  zeroCount: number;
  /** bucket index → count, for values > 0 */
  positive: Map<number, number>;
  /** bucket index → count, for |values| of values < 0 */
  negative: Map<number, number>;
}

/** Serializable form (structured clone / JSON): sorted [index, count] pairs. */
export interface QuantileSketchData {
  alpha: number;
  count: number;
  zeroCount: number;
  positive: [number, number][];
  negative: [number, number][];
}

/** Values with |v| below this go to the zero bucket. */
const MIN_INDEXABLE = 1e-300;

export function createSketch(alpha = 0.005): QuantileSketch {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`sketch alpha must be in (0, 1), got ${alpha}`);
  return { alpha, count: 0, zeroCount: 0, positive: new Map(), negative: new Map() };
}

function gammaLn(alpha: number): number {
  return Math.log1p((2 * alpha) / (1 - alpha));
}

function bucketOf(absValue: number, lnGamma: number): number {
  return Math.ceil(Math.log(absValue) / lnGamma);
}

function bucketValue(index: number, alpha: number): number {
  const gamma = (1 + alpha) / (1 - alpha);
  return (2 * Math.pow(gamma, index)) / (gamma + 1);
}

export function addToSketch(s: QuantileSketch, v: number): void {
  if (!Number.isFinite(v)) throw new RangeError(`sketch accepts finite values only, got ${v}`);
  s.count++;
  const a = Math.abs(v);
  if (a < MIN_INDEXABLE) {
    s.zeroCount++;
    return;
  }
  const store = v > 0 ? s.positive : s.negative;
  const i = bucketOf(a, gammaLn(s.alpha));
  store.set(i, (store.get(i) ?? 0) + 1);
}

export function sketchOf(values: ArrayLike<number>, alpha?: number): QuantileSketch {
  const s = createSketch(alpha);
  for (let i = 0; i < values.length; i++) addToSketch(s, values[i]!);
  return s;
}

function addStore(into: Map<number, number>, from: Map<number, number>): void {
  for (const [i, c] of from) into.set(i, (into.get(i) ?? 0) + c);
}

export function mergeSketches(a: QuantileSketch, b: QuantileSketch): QuantileSketch {
  if (a.alpha !== b.alpha) throw new RangeError(`cannot merge sketches with alpha ${a.alpha} and ${b.alpha}`);
  const out = createSketch(a.alpha);
  out.count = a.count + b.count;
  out.zeroCount = a.zeroCount + b.zeroCount;
  addStore(out.positive, a.positive);
  addStore(out.positive, b.positive);
  addStore(out.negative, a.negative);
  addStore(out.negative, b.negative);
  return out;
}

/**
 * Quantile q ∈ [0, 1]: the value of rank ⌊q(count − 1)⌋ (0-based, ascending), as DDSketch
 * defines it; relative error ≤ α against the exact order statistic of that rank.
 */
export function sketchQuantile(s: QuantileSketch, q: number): number {
  if (s.count === 0 || !(q >= 0 && q <= 1)) return NaN;
  const rank = Math.floor(q * (s.count - 1));
  let seen = 0;
  // ascending order: most negative first (largest |v| bucket of the negative store)
  const neg = [...s.negative.keys()].sort((x, y) => y - x);
  for (const i of neg) {
    seen += s.negative.get(i)!;
    if (seen > rank) return -bucketValue(i, s.alpha);
  }
  seen += s.zeroCount;
  if (seen > rank) return 0;
  const pos = [...s.positive.keys()].sort((x, y) => x - y);
  for (const i of pos) {
    seen += s.positive.get(i)!;
    if (seen > rank) return bucketValue(i, s.alpha);
  }
  return bucketValue(pos[pos.length - 1]!, s.alpha);
}

export function sketchToData(s: QuantileSketch): QuantileSketchData {
  const sorted = (m: Map<number, number>) => [...m.entries()].sort((x, y) => x[0] - y[0]);
  return { alpha: s.alpha, count: s.count, zeroCount: s.zeroCount, positive: sorted(s.positive), negative: sorted(s.negative) };
}

export function sketchFromData(d: QuantileSketchData): QuantileSketch {
  return { alpha: d.alpha, count: d.count, zeroCount: d.zeroCount, positive: new Map(d.positive), negative: new Map(d.negative) };
}
