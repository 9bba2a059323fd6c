// AssemblyScript source of the WebAssembly kernel of the CSV fast path (shared/data/csv.ts):
// rows of plain decimals parsed straight from the file's bytes. Compiled by
// scripts/build-wasm.mjs into shared/data/wasm/csv-rows-bytes.ts; loaded by
// shared/data/wasm/csv-rows.ts, whose comments say why (a one-off load spent most of its time
// in JavaScript loops V8 had not optimised yet).
//
// The numbers are those of shared/data/decimal.ts `parseDecimal`, operation for operation
// (Clinger's fast path, then the double-double division with its rounding margin), so each
// is Number()'s double bit for bit. Anything else stops the kernel at the start of its row,
// and the JavaScript path reads that row: blank or odd lines, a cell that is not a plain
// decimal followed by (blanks and) its delimiter or line end, a ragged row, a number the
// parser cannot round with certainty.
//
// Memory (addresses from the loader, which fills TEXT and WANT and reads OUT): TEXT u8[len]
// then a 0 byte (no number goes past it) and 8 more (8 digits are read at once) · WANT i32[d]
// · OUT f64[m·max] (row r of parsed column u at OUT[u·max + r]).

// @ts-nocheck (AssemblyScript, not TypeScript: built by asc, not tsc)

const SPLIT: f64 = 134217729;
const MARGIN: f64 = 8.077935669463161e-28; // 2^-90

/** 10^0 .. 10^22, each exact in float64. */
const POW10: StaticArray<f64> = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Where the last number read ended. */
let numberEnd: i32 = 0;
/** Rows the last `rows` call completed. */
let done: i32 = 0;

@inline function byteAt(p: usize, i: i32): i32 { return <i32>load<u8>(p + <usize>i); }

/** 10^0 .. 10^8 as integers. */
const POW10_INT: StaticArray<u64> = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000];

/**
 * The number from byte a when it is a plain decimal that decimal.ts parseDecimal's rounding
 * takes: Number()'s double of its text bit for bit; NaN otherwise (the caller then leaves the
 * row to JavaScript). Its end goes to `numberEnd`. The significand w is an exact u64 here (at
 * most 19 digits), which gives decimal.ts the same w: f64(w) is its wd, and for w ≥ 2^53 f64(w)
 * and w − f64(w) are its (wh, wl), the exact split rounded to nearest. Once a digit is
 * significant, digits are taken up to 8 at a time (a run's length from the first byte that is
 * not a digit, its value by three multiplications), without a branch a digit.
 */
function parseDecimal(p: usize, a: i32): f64 {
  let i = a;
  let c = byteAt(p, i);
  let neg = false;
  if (c == 45) { neg = true; c = byteAt(p, ++i); } else if (c == 43) c = byteAt(p, ++i);
  let w: u64 = 0;
  let sig = 0, q = 0, digits = 0, frac = 0;
  for (;;) {
    if (c >= 48 && c <= 57) {
      if (sig > 0) {
        // t: the next 8 bytes with digits as 0..9; k: how many lead the run
        const t = load<u64>(p + <usize>i) ^ 0x3030303030303030;
        const k = <i32>(ctz((t + 0x7676767676767676 | t) & 0x8080808080808080) >> 3);
        if (sig + k > 19) return NaN;
        // the k digits at the top of the word (zeros below them), valued 8 digits at a time
        let v = t << <u64>(64 - 8 * k);
        v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FF;
        v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFF;
        v = (v * 10000 + (v >> 32)) & 0xFFFFFFFF;
        w = w * unchecked(POW10_INT[k]) + v;
        sig += k; digits += k; q -= frac * k; i += k;
        c = byteAt(p, i);
        continue;
      }
      digits++;
      q -= frac;
      if (c != 48) {
        w = <u64>(c - 48);
        sig = 1;
      }
    } else if (c == 46 && frac == 0) frac = 1;
    else break;
    c = byteAt(p, ++i);
  }
  if (digits == 0) return NaN;
  if (c == 101 || c == 69) {
    c = byteAt(p, ++i);
    let eneg = false;
    if (c == 45) { eneg = true; c = byteAt(p, ++i); } else if (c == 43) c = byteAt(p, ++i);
    let e = 0, ne = 0;
    while (c >= 48 && c <= 57) {
      if (e < 100000) e = e * 10 + (c - 48);
      ne++;
      c = byteAt(p, ++i);
    }
    if (ne == 0) return NaN;
    q += eneg ? -e : e;
  }
  numberEnd = i;
  if (sig == 0) return neg ? -0.0 : 0.0;
  const wd = <f64>w;
  if (w < 9007199254740992) {
    let x: f64;
    if (q == 0) x = wd;
    else if (q > 0 && q <= 22) x = wd * unchecked(POW10[q]);
    else if (q < 0 && q >= -22) x = wd / unchecked(POW10[-q]);
    else return NaN;
    return neg ? -x : x;
  }
  if (q >= 0 || q < -22) return NaN;
  const wh = wd;
  const wl = <f64>(<i64>(w - <u64>wh));
  // x = w / P in double-double, as decimal.ts
  const P = unchecked(POW10[-q]);
  const q1 = wh / P;
  const ph = q1 * P;
  let t = SPLIT * q1;
  const qh = t - (t - q1), ql = q1 - qh;
  t = SPLIT * P;
  const Ph = t - (t - P), Pl = P - Ph;
  const pl = qh * Ph - ph + qh * Pl + ql * Ph + ql * Pl;
  const q2 = (wh - ph - pl + wl) / P;
  const xh = q1 + q2;
  const xl = q2 - (xh - q1);
  const u = reinterpret<u64>(xh);
  const ex = <i32>(u >>> 52);
  if (ex <= 53) return NaN;
  const ulp = reinterpret<f64>(<u64>(ex - 52) << 52);
  const up = ulp * 0.5;
  const down = (u & 0xFFFFFFFFFFFFF) == 0 ? ulp * 0.25 : up;
  const m = xh * MARGIN;
  if (xl + m < up && xl - m > -down) return neg ? -xh : xh;
  return NaN;
}

/** The number of rows the last `rows` call completed. */
export function rowsDone(): i32 { return done; }

/**
 * Rows of TEXT from `pos` while they take the fast path, at most `max` of them (rowsDone() says
 * how many): `d` fields a row, separated by the byte `delim`, field j parsed into column
 * u = WANT[j] (or skipped when −1), as csv.ts plainRows reads them. Returns where it stopped:
 * len, the start of the row it left to JavaScript, or the row after the max-th.
 */
export function rows(base: usize, len: i32, d: i32, delim: i32, want: usize, out: usize, max: i32, pos: i32): i32 {
  done = 0;
  while (pos < len && done < max) {
    const row = pos;
    // a line that may be blank (blanks, tabs, a CR) is JavaScript's to skip or read
    let c = byteAt(base, pos);
    for (let b = pos; c == 32; ) c = ++b < len ? byteAt(base, b) : 10;
    if (c == 10 || c == 13 || c == 9) return row;
    let j = 0;
    let i = pos;
    for (;;) {
      if (j >= d) return row;
      const u = load<i32>(want + (<usize>j << 2));
      if (u >= 0) {
        let s = i;
        while (s < len && byteAt(base, s) == 32) s++;
        const v = parseDecimal(base, s);
        if (v != v) return row;
        let k = numberEnd;
        while (k < len && byteAt(base, k) == 32) k++;
        c = k < len ? byteAt(base, k) : 10;
        if (c == 13 && (k + 1 == len || byteAt(base, k + 1) == 10)) { k++; c = 10; }
        else if (c != delim && c != 10) return row;
        store<f64>(out + ((<usize>u * <usize>max + <usize>done) << 3), v);
        i = k;
      } else {
        while (i < len && (c = byteAt(base, i)) != delim && c != 10) i++;
        c = i < len ? c : 10;
      }
      j++;
      i++;
      if (c != delim) break;
    }
    if (j != d) return row;
    done++;
    pos = i;
  }
  return pos < len ? pos : len;
}

/** The first byte past the kernel's own data: where TEXT may start. */
export function heapBase(): usize { return __heap_base; }
