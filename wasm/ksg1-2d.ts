// AssemblyScript source of the WebAssembly kernel for KSG-1 on two 1-D blocks (the joint space
// is 2-D): column orders, the rank grid, every row's k-th neighbour distance and the strict
// marginal counts. Compiled by scripts/build-wasm.mjs into
// shared/knn/wasm/ksg1-2d-bytes.ts; loaded by shared/knn/wasm/ksg1-2d.ts, whose comments say why
// (a one-off estimate spends most of its time waiting for V8 to optimise JavaScript loops; a
// WebAssembly module is compiled before its first call).
//
// The same algorithms as the JavaScript path, answer for answer: knn/order.ts (stable LSD radix
// sort on order-preserving keys of the IEEE bits), knn/grid.ts (quantile cells, ring search
// with slab bounds), knn/sorted.ts (gallops of the same monotone predicates), ties.ts
// (τ = max |v| · rel, r − min(τ, r / 2)). Every distance is fl(|a − b|) and every comparison is
// the one those files make, so the radii and counts are the same exact values.
//
// Memory (bytes from `base`, n rows; JS fills X and Y and reads EPS, NX, NY):
//   X f64[n] · Y f64[n] · EPS f64[n] · NX i32[n] · NY i32[n] · then the kernel's own scratch.
//
// The work is exported in pieces (layout, sortStep, grid, then knnRows and countRows over ranges) that the
// loader calls in turn: V8 starts a module on its baseline compiler and swaps in optimised code
// for a function's next call, never inside a running one, so a single long call would run
// unoptimised to the end (measured: the k-th neighbour phase 61 ms as one call, 40 ms in 14).

// @ts-nocheck (AssemblyScript, not TypeScript: built by asc, not tsc)

const RADIX: i32 = 1 << 16;

// the layout of the current estimate (set by layout, read by the pieces)
let n_: i32 = 0, k_: i32 = 0, g_: i32 = 0, tol_: f64 = 0;
let X_: usize = 0, Y_: usize = 0, EPS_: usize = 0, NX_: usize = 0, NY_: usize = 0;
let SX_: usize = 0, SY_: usize = 0, RX_: usize = 0, RY_: usize = 0, IX_: usize = 0, IY_: usize = 0;
let KA_: usize = 0, KB_: usize = 0, IA_: usize = 0, IB_: usize = 0, CELL_: usize = 0, COUNT_: usize = 0;
let PERM_: usize = 0, PTS_: usize = 0, RS_: usize = 0, FILL_: usize = 0;
let LO0_: usize = 0, HI0_: usize = 0, LO1_: usize = 0, HI1_: usize = 0, START_: usize = 0, BEST_: usize = 0;
// the radix sort's current and spare buffers (keys, row indices)
let kCur_: usize = 0, kAlt_: usize = 0, iCur_: usize = 0, iAlt_: usize = 0;

@inline function f64At(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function f64Set(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
@inline function i32At(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function i32Set(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }
@inline function u64At(p: usize, i: i32): u64 { return load<u64>(p + (<usize>i << 3)); }
@inline function u64Set(p: usize, i: i32, v: u64): void { store<u64>(p + (<usize>i << 3), v); }

/**
 * One step of the stable LSD radix sort of column `which` (0: X, 1: Y) into its sorted values,
 * ranks and index (constant digits skipped; 16-bit digits from 4e4 rows on, 11-bit below, where
 * clearing a 2^16 count array four times would cost more than a pass): step 0 builds the
 * order-preserving keys, steps 1 … passes are the passes, the next writes the results. Returns
 * 1 after the last step.
 */
export function sortStep(which: i32, step: i32): i32 {
  const n = n_, src = which == 0 ? X_ : Y_;
  const bits = n >= 40000 ? 16 : 11, radix = 1 << bits, passes = bits == 16 ? 4 : 6;
  const mask = <u64>(radix - 1);
  if (step == 0) {
    kCur_ = KA_; kAlt_ = KB_; iCur_ = IA_; iAlt_ = IB_;
    const ka = kCur_, ia = iCur_;
    for (let i = 0; i < n; i++) {
      const b = reinterpret<u64>(f64At(src, i));
      // negative → flip all bits, positive → set the sign bit: unsigned order = numeric order
      u64Set(ka, i, (b >> 63) != 0 ? ~b : b | 0x8000000000000000);
      i32Set(ia, i, i);
    }
    return 0;
  }
  if (step <= passes) {
    const ka = kCur_, kb = kAlt_, ia = iCur_, ib = iAlt_, count = COUNT_;
    const shift = <u64>((step - 1) * bits);
    memory.fill(count, 0, <usize>radix << 2);
    for (let i = 0; i < n; i++) {
      const d = <i32>((u64At(ka, i) >> shift) & mask);
      i32Set(count, d, i32At(count, d) + 1);
    }
    if (i32At(count, <i32>((u64At(ka, 0) >> shift) & mask)) == n) return 0; // digit constant
    let s = 0;
    for (let b = 0; b < radix; b++) { const c = i32At(count, b); i32Set(count, b, s); s += c; }
    for (let i = 0; i < n; i++) {
      const key = u64At(ka, i);
      const d = <i32>((key >> shift) & mask);
      const p = i32At(count, d);
      i32Set(count, d, p + 1);
      u64Set(kb, p, key);
      i32Set(ib, p, i32At(ia, i));
    }
    kCur_ = kb; kAlt_ = ka; iCur_ = ib; iAlt_ = ia;
    return 0;
  }
  const ia = iCur_, index = which == 0 ? IX_ : IY_, sorted = which == 0 ? SX_ : SY_, rank = which == 0 ? RX_ : RY_;
  for (let p = 0; p < n; p++) {
    const i = i32At(ia, p);
    i32Set(index, p, i);
    f64Set(sorted, p, f64At(src, i));
    i32Set(rank, i, p);
  }
  return 1;
}

/** ⌈a / b⌉ for a ≥ 0, b > 0 (exact; JS's Math.ceil(a / b) is exact for these sizes too). */
@inline function ceilDiv(a: i64, b: i64): i32 { return <i32>((a + b - 1) / b); }

/** Gather the radii EPS into the sorted order of column `which` (0: x, 1: y), for countRows. */
export function radii(which: i32): void {
  const index = which == 0 ? IX_ : IY_, RS = RS_, EPS = EPS_;
  for (let p = 0, n = n_; p < n; p++) f64Set(RS, p, f64At(EPS, i32At(index, p)));
}

/**
 * Strict counts #{ j ≠ i : |v_j − v_i| < r_i } of column `which` for the rows at sorted
 * positions [p0, p1) (knn/sorted.ts countSelf; r ≤ 0 counts nothing), after radii(which). Each
 * gallop starts from a guess: the previous query's boundary moved by the change of the boundary
 * value times the local density. The gallop is exact from any start; the guess only saves probes.
 */
export function countRows(which: i32, p0: i32, p1: i32): void {
  const sorted = which == 0 ? SX_ : SY_, index = which == 0 ? IX_ : IY_, out = which == 0 ? NX_ : NY_;
  const n = n_, RS = RS_;
  let pLo = 0, pHi = 0, pX: f64 = 0, pR: f64 = 0, dens: f64 = 0;
  for (let p = p0; p < p1; p++) {
    const x = f64At(sorted, p), r = f64At(RS, p);
    let c = 0;
    if (r > 0) {
      let gLo = p, gHi = p;
      if (dens > 0) {
        gLo = pLo + <i32>Math.round((x - r - (pX - pR)) * dens);
        gHi = pHi + <i32>Math.round((x + r - (pX + pR)) * dens);
        if (gLo < 0) gLo = 0; else if (gLo > p) gLo = p;
        if (gHi > n - 1) gHi = n - 1; else if (gHi < p) gHi = p;
      }
      const lo = gallopLo(sorted, n, x, r, gLo), hi = gallopHi(sorted, n, x, r, gHi);
      c = hi - lo - 1; // the row itself is within r
      pLo = lo; pHi = hi; pX = x; pR = r;
      dens = c > 0 ? <f64>(c + 1) / (2 * r) : 0;
    }
    i32Set(out, i32At(index, p), c);
  }
}

/** First q with x − v[q] < r (false…true in q), galloped from h. */
function gallopLo(v: usize, n: i32, x: f64, r: f64, h: i32): i32 {
  let a: i32, b: i32, step = 1;
  if (x - f64At(v, h) < r) {
    b = h; a = h - 1;
    while (a >= 0 && x - f64At(v, a) < r) { b = a; step += step; a = b - step; }
    a = a < 0 ? 0 : a + 1;
  } else {
    a = h + 1; b = a;
    while (b < n && !(x - f64At(v, b) < r)) { a = b + 1; step += step; b = a + step - 1; }
    if (b > n) b = n;
  }
  while (a < b) { const m = (a + b) >>> 1; if (x - f64At(v, m) < r) b = m; else a = m + 1; }
  return a;
}

/** First q with v[q] − x ≥ r (false…true in q), galloped from h. */
function gallopHi(v: usize, n: i32, x: f64, r: f64, h: i32): i32 {
  let a: i32, b: i32, step = 1;
  if (f64At(v, h) - x >= r) {
    b = h; a = h - 1;
    while (a >= 0 && f64At(v, a) - x >= r) { b = a; step += step; a = b - step; }
    a = a < 0 ? 0 : a + 1;
  } else {
    a = h + 1; b = a;
    while (b < n && !(f64At(v, b) - x >= r)) { a = b + 1; step += step; b = a + step - 1; }
    if (b > n) b = n;
  }
  while (a < b) { const m = (a + b) >>> 1; if (f64At(v, m) - x >= r) b = m; else a = m + 1; }
  return a;
}

/**
 * Offer the stored points [s0, s1) (except position `self`) to the k smallest distances so far
 * in BEST (ascending); returns the new k-th. Only distances are kept: a candidate equal to the
 * current k-th changes nothing and is skipped.
 */
@inline function scan(PTS: usize, s0: i32, s1: i32, self: i32, q0: f64, q1: f64, BEST: usize, k: i32, bound: f64): f64 {
  for (let s = s0; s < s1; s++) {
    const u = Math.abs(f64At(PTS, 2 * s) - q0), v = Math.abs(f64At(PTS, 2 * s + 1) - q1);
    const m = u > v ? u : v;
    if (m < bound && s != self) {
      let t = k - 1;
      while (t > 0 && f64At(BEST, t - 1) > m) { f64Set(BEST, t, f64At(BEST, t - 1)); t--; }
      f64Set(BEST, t, m);
      bound = f64At(BEST, k - 1);
    }
  }
  return bound;
}

/**
 * Lay out a KSG-1 estimate for x = X, y = Y: n rows from `base`, k neighbours, grid side g (as
 * knn/grid.ts picks it); returns the end of the laid-out memory (the caller makes it room).
 * Then: sortStep for each column (or the caller writes the orders, see addr), grid, knnRows,
 * radii and countRows.
 */
export function layout(base: usize, n: i32, k: i32, g: i32): f64 {
  const N = <usize>n, G = <usize>g;
  n_ = n; k_ = k; g_ = g;
  X_ = base; Y_ = X_ + (N << 3);
  EPS_ = Y_ + (N << 3); NX_ = EPS_ + (N << 3); NY_ = NX_ + (N << 2);
  SX_ = NY_ + (N << 2); SY_ = SX_ + (N << 3); RX_ = SY_ + (N << 3); RY_ = RX_ + (N << 2);
  IX_ = RY_ + (N << 2); IY_ = IX_ + (N << 2);
  KA_ = IY_ + (N << 2); KB_ = KA_ + (N << 3); IA_ = KB_ + (N << 3); IB_ = IA_ + (N << 2);
  CELL_ = IB_ + (N << 2); PERM_ = CELL_ + (N << 2); PTS_ = PERM_ + (N << 2); RS_ = PTS_ + (N << 4);
  COUNT_ = RS_ + (N << 3);
  LO0_ = COUNT_ + (<usize>RADIX << 2); HI0_ = LO0_ + (G << 3); LO1_ = HI0_ + (G << 3); HI1_ = LO1_ + (G << 3);
  START_ = HI1_ + (G << 3); FILL_ = START_ + ((G * G + 1) << 2);
  BEST_ = (FILL_ + ((G * G) << 2) + 7) & ~7;
  return <f64>(BEST_ + (<usize>k << 3));
}

/**
 * Where the laid-out arrays start, for a caller that fills the orders itself instead of
 * sortStep (a permutation test: Y's sorted values are fixed, its ranks permuted): 0 X, 1 Y,
 * 2 sorted X, 3 X's ranks, 4 X's index (row at each sorted position), 5–7 the same for Y; and
 * where the results are: 8 EPS, 9 NX, 10 NY.
 */
export function addr(which: i32): usize {
  switch (which) {
    case 0: return X_;
    case 1: return Y_;
    case 2: return SX_;
    case 3: return RX_;
    case 4: return IX_;
    case 5: return SY_;
    case 6: return RY_;
    case 7: return IY_;
    case 8: return EPS_;
    case 9: return NX_;
    default: return NY_;
  }
}

/**
 * The rank grid over the sorted columns (knn/grid.ts: quantile cells, the row's cell along a
 * column ⌊rank · g / n⌋) and the points in cell order, and τ = max |value| · tieRel. Returns the
 * grid's crowding Σ count² / n; above maxCrowding it stops there (the caller's kd-tree path
 * serves such data).
 */
export function grid(tieRel: f64, maxCrowding: f64): f64 {
  const n = n_, g = g_, ncell = g * g;
  const SX = SX_, SY = SY_, RX = RX_, RY = RY_, CELL = CELL_, START = START_, FILL = FILL_, PERM = PERM_, PTS = PTS_;
  for (let c = 0; c < g; c++) {
    const a = ceilDiv(<i64>c * n, g), b = ceilDiv(<i64>(c + 1) * n, g) - 1;
    f64Set(LO0_, c, f64At(SX, a)); f64Set(HI0_, c, f64At(SX, b));
    f64Set(LO1_, c, f64At(SY, a)); f64Set(HI1_, c, f64At(SY, b));
  }
  memory.fill(START, 0, <usize>(ncell + 1) << 2);
  for (let i = 0; i < n; i++) {
    const c0 = <i32>((<i64>i32At(RX, i) * g) / n), c1 = <i32>((<i64>i32At(RY, i) * g) / n);
    const c = c0 + g * c1;
    i32Set(CELL, i, c);
    i32Set(START, c + 1, i32At(START, c + 1) + 1);
  }
  let sq: f64 = 0;
  for (let c = 0; c < ncell; c++) {
    const m = <f64>i32At(START, c + 1);
    sq += m * m;
    i32Set(START, c + 1, i32At(START, c + 1) + i32At(START, c));
  }
  const crowding = sq / <f64>n;
  if (crowding > maxCrowding) return crowding;
  memory.copy(FILL, START, <usize>ncell << 2);
  for (let i = 0; i < n; i++) {
    const c = i32At(CELL, i);
    const p = i32At(FILL, c);
    i32Set(FILL, c, p + 1);
    i32Set(PERM, p, i);
  }
  let big: f64 = 0;
  for (let p = 0; p < n; p++) {
    const i = i32At(PERM, p);
    const a = f64At(X_, i), b = f64At(Y_, i);
    f64Set(PTS, 2 * p, a);
    f64Set(PTS, 2 * p + 1, b);
    const m = Math.max(Math.abs(a), Math.abs(b));
    if (m > big) big = m;
  }
  tol_ = big * tieRel;
  return crowding;
}

/**
 * EPS for the rows of cell rows [r0, r1) of the grid: the k-th neighbour distance (self
 * excluded), tie-adjusted, queried in storage order. Only the distance is kept, so a candidate
 * equal to the current k-th changes nothing and is skipped.
 */
export function knnRows(r0: i32, r1: i32): void {
  const g = g_, k = k_, tol = tol_, PTS = PTS_, BEST = BEST_, START = START_, PERM = PERM_, EPS = EPS_;
  const LO0 = LO0_, HI0 = HI0_, LO1 = LO1_, HI1 = HI1_;
  for (let c1 = r0; c1 < r1; c1++) {
    for (let c0 = 0, cell = c1 * g; c0 < g; c0++, cell++) {
      for (let p = i32At(START, cell), e = i32At(START, cell + 1); p < e; p++) {
        const q0 = f64At(PTS, 2 * p), q1 = f64At(PTS, 2 * p + 1);
        for (let t = 0; t < k; t++) f64Set(BEST, t, Infinity);
        let bound: f64 = Infinity;
        // rings 0 and 1 at once, unpruned (nothing prunes before k rows are in): the 3 × 3
        // block is three runs of adjacent cells, each a contiguous range of stored points
        const a1 = c1 - 1 < 0 ? 0 : c1 - 1, b1 = c1 + 1 >= g ? g - 1 : c1 + 1;
        const a0 = c0 - 1 < 0 ? 0 : c0 - 1, b0 = c0 + 1 >= g ? g - 1 : c0 + 1;
        for (let y = a1; y <= b1; y++) {
          bound = scan(PTS, i32At(START, a0 + g * y), i32At(START, b0 + 1 + g * y), p, q0, q1, BEST, k, bound);
        }
        for (let R = 1; ; R++) {
          // lower bound of the distance to every cell outside ring R (knn/grid.ts)
          let out: f64 = Infinity;
          if (c0 + R + 1 < g) { const v = f64At(LO0, c0 + R + 1) - q0; if (v < out) out = v; }
          if (c0 - R - 1 >= 0) { const v = q0 - f64At(HI0, c0 - R - 1); if (v < out) out = v; }
          if (c1 + R + 1 < g) { const v = f64At(LO1, c1 + R + 1) - q1; if (v < out) out = v; }
          if (c1 - R - 1 >= 0) { const v = q1 - f64At(HI1, c1 - R - 1); if (v < out) out = v; }
          if (out == Infinity || out > bound) break;
          // ring R + 1, its cells pruned by their slab bounds
          const r = R + 1;
          const a1 = c1 - r < 0 ? 0 : c1 - r, b1 = c1 + r >= g ? g - 1 : c1 + r;
          const a0 = c0 - r < 0 ? 0 : c0 - r, b0 = c0 + r >= g ? g - 1 : c0 + r;
          for (let y = a1; y <= b1; y++) {
            if (f64At(LO1, y) - q1 > bound || q1 - f64At(HI1, y) > bound) continue;
            const edge = y == c1 - r || y == c1 + r;
            const step = edge ? 1 : 2 * r; // off the ring's faces only the two end cells are new
            for (let x = edge ? a0 : c0 - r; x <= b0; x += step) {
              if (x < a0) continue;
              if (f64At(LO0, x) - q0 > bound || q0 - f64At(HI0, x) > bound) continue;
              const cc = x + g * y;
              bound = scan(PTS, i32At(START, cc), i32At(START, cc + 1), p, q0, q1, BEST, k, bound);
            }
          }
        }
        // ties.ts strictRadius: r − min(τ, r / 2)
        f64Set(EPS, i32At(PERM, p), bound - Math.min(tol, bound / 2));
      }
    }
  }
}
