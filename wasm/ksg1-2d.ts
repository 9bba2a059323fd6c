// AssemblyScript source of the WebAssembly kernel for KSG-1 on two 1-D blocks (the joint space
// is 2-D): column orders, the rank grid, every row's k-th neighbour distance and the strict
// marginal counts, in one call. Compiled by scripts/build-wasm.mjs into
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

// @ts-nocheck (AssemblyScript, not TypeScript: built by asc, not tsc)

const RADIX: i32 = 1 << 16;

@inline function f64At(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
@inline function f64Set(p: usize, i: i32, v: f64): void { store<f64>(p + (<usize>i << 3), v); }
@inline function i32At(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function i32Set(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }
@inline function u64At(p: usize, i: i32): u64 { return load<u64>(p + (<usize>i << 3)); }
@inline function u64Set(p: usize, i: i32, v: u64): void { store<u64>(p + (<usize>i << 3), v); }

/** Bytes the kernel needs from `base` for n rows, grid side g, k neighbours. */
export function bytesNeeded(n: i32, g: i32, k: i32): f64 {
  const N = <f64>n, G = <f64>g;
  // X Y EPS (3×8) NX NY (2×4) | sorted×2 (16) rank×2 index×2 (16) | keys×2 (16) idx×2 (8) |
  // cell (4) perm (4) pts (16) rs (8) | count | lo/hi×2 (32 G) start/fill (8 G² + 4) | best
  return N * (32 + 32 + 24 + 24 + 8) + 4 * <f64>RADIX + 32 * G + 8 * G * G + 64 + 8 * <f64>k + 64;
}

/**
 * Stable LSD radix sort of column `src` (constant digits skipped): 16-bit digits from 4e4 rows
 * on, 11-bit below, where clearing a 2^16 count array four times would cost more than a pass.
 */
function sortColumn(src: usize, n: i32, sorted: usize, rank: usize, index: usize, ka: usize, kb: usize, ia: usize, ib: usize, count: usize): void {
  const bits = n >= 40000 ? 16 : 11, radix = 1 << bits, passes = bits == 16 ? 4 : 6;
  const mask = <u64>(radix - 1);
  for (let i = 0; i < n; i++) {
    const b = reinterpret<u64>(f64At(src, i));
    // order-preserving unsigned keys: negative → flip all bits, positive → set the sign bit
    u64Set(ka, i, (b >> 63) != 0 ? ~b : b | 0x8000000000000000);
    i32Set(ia, i, i);
  }
  for (let pass = 0; pass < passes; pass++) {
    const shift = <u64>(pass * bits);
    memory.fill(count, 0, <usize>radix << 2);
    for (let i = 0; i < n; i++) {
      const d = <i32>((u64At(ka, i) >> shift) & mask);
      i32Set(count, d, i32At(count, d) + 1);
    }
    if (i32At(count, <i32>((u64At(ka, 0) >> shift) & mask)) == n) continue; // digit constant
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
    let t = ka; ka = kb; kb = t;
    t = ia; ia = ib; ib = t;
  }
  for (let p = 0; p < n; p++) {
    const i = i32At(ia, p);
    i32Set(index, p, i);
    f64Set(sorted, p, f64At(src, i));
    i32Set(rank, i, p);
  }
}

/** ⌈a / b⌉ for a ≥ 0, b > 0 (exact; JS's Math.ceil(a / b) is exact for these sizes too). */
@inline function ceilDiv(a: i64, b: i64): i32 { return <i32>((a + b - 1) / b); }

/**
 * Strict counts #{ j ≠ i : |v_j − v_i| < r_i } for every row, the queries made in sorted order
 * (knn/sorted.ts countSelf; r ≤ 0 counts nothing). Each gallop starts from a guess: the previous
 * query's boundary moved by the change of the boundary value times the local density. The
 * gallop is exact from any start; the guess only saves probes.
 */
function countOthers(sorted: usize, index: usize, n: i32, eps: usize, rs: usize, out: usize): void {
  for (let p = 0; p < n; p++) f64Set(rs, p, f64At(eps, i32At(index, p)));
  let pLo = 0, pHi = 0, pX: f64 = 0, pR: f64 = 0, dens: f64 = 0;
  for (let p = 0; p < n; p++) {
    const x = f64At(sorted, p), r = f64At(rs, p);
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
 * KSG-1 radii and counts for x = X, y = Y (n rows, k neighbours, grid side g as knn/grid.ts
 * picks it, tie tolerance τ = max |value| · tieRel). Returns the grid's crowding Σ count² / n;
 * when it exceeds maxCrowding nothing else is computed (the caller's kd-tree path serves such
 * data) and EPS / NX / NY are not written.
 */
export function ksg1(base: usize, n: i32, k: i32, g: i32, tieRel: f64, maxCrowding: f64): f64 {
  const N = <usize>n;
  const X = base, Y = X + (N << 3), EPS = Y + (N << 3), NX = EPS + (N << 3), NY = NX + (N << 2);
  const SX = NY + (N << 2), SY = SX + (N << 3), RX = SY + (N << 3), RY = RX + (N << 2);
  const IX = RY + (N << 2), IY = IX + (N << 2), KA = IY + (N << 2), KB = KA + (N << 3);
  const IA = KB + (N << 3), IB = IA + (N << 2), CELL = IB + (N << 2), PERM = CELL + (N << 2);
  const PTS = PERM + (N << 2), RS = PTS + (N << 4), COUNT = RS + (N << 3);
  const G = <usize>g;
  const LO0 = COUNT + (<usize>RADIX << 2), HI0 = LO0 + (G << 3), LO1 = HI0 + (G << 3), HI1 = LO1 + (G << 3);
  const START = HI1 + (G << 3), FILL = START + ((G * G + 1) << 2), BEST = (FILL + ((G * G) << 2) + 7) & ~7;

  sortColumn(X, n, SX, RX, IX, KA, KB, IA, IB, COUNT);
  sortColumn(Y, n, SY, RY, IY, KA, KB, IA, IB, COUNT);

  // the rank grid: cell of row i along a column is ⌊rank · g / n⌋ (knn/grid.ts)
  const ncell = g * g;
  for (let c = 0; c < g; c++) {
    const a = ceilDiv(<i64>c * n, g), b = ceilDiv(<i64>(c + 1) * n, g) - 1;
    f64Set(LO0, c, f64At(SX, a)); f64Set(HI0, c, f64At(SX, b));
    f64Set(LO1, c, f64At(SY, a)); f64Set(HI1, c, f64At(SY, b));
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
    const a = f64At(X, i), b = f64At(Y, i);
    f64Set(PTS, 2 * p, a);
    f64Set(PTS, 2 * p + 1, b);
    const m = Math.max(Math.abs(a), Math.abs(b));
    if (m > big) big = m;
  }
  const tol = big * tieRel;

  // every row's k-th neighbour distance (self excluded), queried in storage order; only the
  // distance is kept, so a candidate equal to the current k-th changes nothing and is skipped
  for (let c1 = 0, cell = 0; c1 < g; c1++) {
    for (let c0 = 0; c0 < g; c0++, cell++) {
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
  countOthers(SX, IX, n, EPS, RS, NX);
  countOthers(SY, IY, n, EPS, RS, NY);
  return crowding;
}
