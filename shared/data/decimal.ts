/**
 * A byte-level decimal parser for the CSV fast path: `Number(text)` of the bytes' text bit for
 * bit, or NaN when it cannot be sure, and the caller then calls Number() (issue 12: Number() on
 * a sliced string was the larger part of loading a CSV; it now reads the file's bytes).
 *
 * Grammar: the plain decimals of csv.ts `plainNumber` (optional sign, digits with an optional
 * point, at least one digit, optional exponent `e`/`E` with optional sign and digits). The value
 * is w · 10^q with w the significant digits as an integer (at most 19, so w < 2^64):
 *
 * - w < 2^53 and |q| ≤ 22 (Clinger's fast path): w and 10^|q| are exact doubles, so one IEEE
 *   multiplication or division rounds the exact value once, correctly.
 * - w ≥ 2^53 (16 to 19 digits, e.g. the 17 of a round-tripped double) and −22 ≤ q < 0: w is
 *   built exactly as a double-double, divided by 10^−q in double-double arithmetic (Dekker's
 *   exact products), relative error below 2^−100; the leading double is returned only when the
 *   exact value lies farther than a margin of 2^−90 (relative) from the midpoints to both
 *   neighbouring doubles, where no error of that size can change the rounding. Otherwise
 *   (a near-tie, about one value in 2^37) NaN.
 * - anything else (more digits, larger exponents, hex, Infinity, ...) NaN.
 */

/** 10^0 .. 10^22, each exact in float64. */
const POW10 = new Float64Array(23);
for (let i = 0, p = 1; i < 23; i++, p *= 10) POW10[i] = p;

/** Veltkamp's splitter for float64: 2^27 + 1. */
const SPLIT = 134217729;
const TWO53 = 9007199254740992;
/** Relative margin around a rounding midpoint inside which the fast path defers to Number(). */
const MARGIN = 2 ** -90;

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/**
 * The number bytes[a, b) spells (ASCII) when it is a plain decimal this parser can round
 * exactly; NaN otherwise (never a different number). With `end`, the number may stop before b
 * (b is then only a limit): its end is written to end[0] and the caller checks what follows.
 */
export function parseDecimal(bytes: Uint8Array, a: number, b: number, end?: Int32Array): number {
  let i = a;
  let c = bytes[i]!;
  let neg = false;
  if (c === 45) { neg = true; c = bytes[++i]!; } else if (c === 43) c = bytes[++i]!;
  // w = hi · 10^r + lo: hi the first 15 significant digits, lo the next r ≤ 4
  let hi = 0, lo = 0, r = 0, sig = 0, q = 0, digits = 0;
  while (i < b && c >= 48 && c <= 57) {
    digits++;
    if (sig === 0 && c === 48) { /* leading zero */ }
    else if (sig < 15) { hi = hi * 10 + (c - 48); sig++; }
    else if (sig < 19) { lo = lo * 10 + (c - 48); sig++; r++; }
    else return NaN;
    c = bytes[++i]!;
  }
  if (i < b && c === 46) {
    c = bytes[++i]!;
    while (i < b && c >= 48 && c <= 57) {
      digits++;
      q--;
      if (sig === 0 && c === 48) { /* leading zero */ }
      else if (sig < 15) { hi = hi * 10 + (c - 48); sig++; }
      else if (sig < 19) { lo = lo * 10 + (c - 48); sig++; r++; }
      else return NaN;
      c = bytes[++i]!;
    }
  }
  if (digits === 0) return NaN;
  if (i < b && (c === 101 || c === 69)) {
    c = bytes[++i]!;
    let eneg = false;
    if (c === 45) { eneg = true; c = bytes[++i]!; } else if (c === 43) c = bytes[++i]!;
    let e = 0, ne = 0;
    while (i < b && c >= 48 && c <= 57) {
      if (e < 100000) e = e * 10 + (c - 48);
      ne++;
      c = bytes[++i]!;
    }
    if (ne === 0) return NaN;
    q += eneg ? -e : e;
  }
  if (end) end[0] = i;
  else if (i !== b) return NaN;
  if (sig === 0) return neg ? -0 : 0;
  const pr = POW10[r]!;
  const wd = hi * pr + lo; // exact when w < 2^53 (and ≥ 2^53 iff w is: rounding is monotone)
  if (wd < TWO53) {
    let x: number;
    if (q === 0) x = wd;
    else if (q > 0 && q <= 22) x = wd * POW10[q]!;
    else if (q < 0 && q >= -22) x = wd / POW10[-q]!;
    else return NaN;
    return neg ? -x : x;
  }
  if (q >= 0 || q < -22) return NaN;
  // w = hi·10^r + lo exactly as wh + wl: Dekker's product of hi and 10^r, then + lo
  const p1 = hi * pr;
  let t = SPLIT * hi;
  const hh = t - (t - hi), hl = hi - hh;
  t = SPLIT * pr;
  const rh = t - (t - pr), rl = pr - rh;
  const p2 = hh * rh - p1 + hh * rl + hl * rh + hl * rl;
  const s1 = p1 + lo;
  const bv = s1 - p1;
  const e1 = p1 - (s1 - bv) + (lo - bv);
  let wl = e1 + p2; // both small integers (|.| ≤ 2^10): exact
  const wh = s1 + wl;
  wl -= wh - s1;
  // x = w / P in double-double: q1 = fl(wh / P), its exact residual, the correction
  const P = POW10[-q]!;
  const q1 = wh / P;
  const ph = q1 * P;
  t = SPLIT * q1;
  const qh = t - (t - q1), ql = q1 - qh;
  t = SPLIT * P;
  const Ph = t - (t - P), Pl = P - Ph;
  const pl = qh * Ph - ph + qh * Pl + ql * Ph + ql * Pl;
  const q2 = (wh - ph - pl + wl) / P;
  const xh = q1 + q2;
  const xl = q2 - (xh - q1);
  // xh is the nearest double iff xh + xl (+ an error far below MARGIN·xh) is strictly inside
  // the rounding interval of xh: ± half the gap to each neighbour (below a power of two the
  // lower gap is half as wide)
  bits[0] = xh;
  const top = words[1]!, low = words[0]!;
  const ex = top >>> 20; // xh > 0: no sign bit
  if (ex <= 53) return NaN;
  words[1] = (ex - 52) << 20;
  words[0] = 0;
  const ulp = bits[0]!;
  const up = ulp * 0.5;
  const down = (top & 0xfffff) === 0 && low === 0 ? ulp * 0.25 : up;
  const m = xh * MARGIN;
  if (xl + m < up && xl - m > -down) return neg ? -xh : xh;
  return NaN;
}
