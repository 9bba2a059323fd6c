/**
 * Decimal strings at and next to the exact rounding midpoints between doubles, the hardest
 * inputs for a decimal parser (data/decimal.ts and the CSV kernel are checked against
 * Number() on them).
 */

/**
 * For `count` random doubles in [1e-3, 1e5): the midpoint to the next double up, cut to 16 to
 * 19 significant digits, and ±1 in the last digit, as `${digits}e${exponent}` (positive).
 */
export function midpointStrings(count: number, rnd: () => number): string[] {
  const out: string[] = [];
  const f = new Float64Array(1), u = new BigUint64Array(f.buffer);
  for (let k = 0; k < count; k++) {
    f[0] = rnd() * 10 ** (rnd() * 8 - 3);
    const e = Number((u[0]! >> 52n) & 0x7ffn) - 1075;
    const m = (u[0]! & ((1n << 52n) - 1n)) | (1n << 52n);
    // the midpoint, (2m + 1)·2^(e−1), exactly as digits / 10^scale
    const scale = 1 - e;
    const digits = ((2n * m + 1n) * 5n ** BigInt(scale)).toString();
    const first = digits.search(/[1-9]/);
    for (const keep of [16, 17, 18, 19]) {
      const q = digits.length - scale - first - keep;
      for (const delta of [0n, 1n, -1n]) out.push(`${BigInt(digits.slice(first, first + keep)) + delta}e${q}`);
    }
  }
  return out;
}
