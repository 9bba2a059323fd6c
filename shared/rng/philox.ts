/**
 * Philox4x32-10 counter-based generator (Salmon, Moraes, Dror, Shaw, "Parallel random numbers:
 * as easy as 1, 2, 3", SC'11). Output block = bijection(counter, key): any replicate's
 * randomness can be produced on any thread/worker without coordination, which is what makes
 * results independent of sharding (docs/design.md, contract 1).
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** The multipliers' 16-bit halves, for the exact high word below. */
const M0_LO = M0 & 0xffff, M0_HI = M0 >>> 16, M1_LO = M1 & 0xffff, M1_HI = M1 >>> 16;

/**
 * One Philox4x32-10 block: writes 4 uint32 into `out`.
 *
 * The high 32 bits of the 64-bit products c·M are computed with the constant split in 16-bit halves:
 * c·M / 2^32 = (c·M_hi + c·M_lo / 2^16) / 2^16 with both partial products < 2^48, so each step is
 * exact in doubles and ⌊(u + ⌊v⌋)/2^16⌋ = ⌊(u + v)/2^16⌋ — the same integer as a 16-bit-limb product
 * (test/rng/philox.test.ts compares the two), at a fraction of the cost (the shuffle of a permutation test spends most of its time here).
 */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  for (let round = 0; round < 10; round++) {
    const hi0 = ((c0 * M0_HI + Math.floor((c0 * M0_LO) / 65536)) / 65536) >>> 0, lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = ((c2 * M1_HI + Math.floor((c2 * M1_LO) / 65536)) / 65536) >>> 0, lo1 = Math.imul(M1, c2) >>> 0;
    const n0 = (hi1 ^ c1 ^ k0) >>> 0;
    const n2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}
