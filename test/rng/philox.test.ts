import assert from 'node:assert/strict';
import { philox4x32, stream, permutation } from '../../shared/rng/index.js';

const hex = (a: Uint32Array) => Array.from(a, (v) => v.toString(16).padStart(8, '0'));

describe('rng: Philox4x32-10', () => {
  it('matches the Random123 known-answer vectors', () => {
    const out = new Uint32Array(4);
    philox4x32(0, 0, 0, 0, 0, 0, out);
    assert.deepEqual(hex(out), ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    const f = 0xffffffff;
    philox4x32(f, f, f, f, f, f, out);
    assert.deepEqual(hex(out), ['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
    philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out);
    assert.deepEqual(hex(out), ['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });

  it('equals the 16-bit-limb reference on random counters and keys; nextInt equals the % form', () => {
    // the reference form of a block and of nextInt (before the exact-in-doubles rewrites)
    const mulhi = (a: number, b: number) => {
      const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
      const lh = al * bh, hl = ah * bl;
      const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
      return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
    };
    const reference = (c: number[], k0: number, k1: number) => {
      let [c0, c1, c2, c3] = c as [number, number, number, number];
      for (let round = 0; round < 10; round++) {
        const hi0 = mulhi(0xd2511f53, c0), lo0 = Math.imul(0xd2511f53, c0) >>> 0;
        const hi1 = mulhi(0xcd9e8d57, c2), lo1 = Math.imul(0xcd9e8d57, c2) >>> 0;
        [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
        k0 = (k0 + 0x9e3779b9) >>> 0;
        k1 = (k1 + 0xbb67ae85) >>> 0;
      }
      return [c0, c1, c2, c3];
    };
    const src = stream(42, 0, 99), out = new Uint32Array(4);
    const edge = [0, 1, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
    for (let t = 0; t < 20_000; t++) {
      const w = Array.from({ length: 6 }, (_, i) => (t < 64 ? edge[(t + i * 3) % edge.length]! : src.nextUint32()));
      philox4x32(w[0]!, w[1]!, w[2]!, w[3]!, w[4]!, w[5]!, out);
      assert.deepEqual(Array.from(out), reference(w.slice(0, 4), w[4]!, w[5]!));
    }
    const a = stream(8, 3, 3), b = stream(8, 3, 3), T = 4294967296;
    for (const n of [1, 2, 3, 7, 199, 200, 65537, 2 ** 31 - 1, 2 ** 31 + 1, 3_000_000_019, T]) {
      for (let t = 0; t < 500; t++) {
        const limit = T - (T % n);
        let x: number;
        do x = b.nextUint32(); while (x >= limit);
        assert.equal(a.nextInt(n), x % n);
      }
    }
  });

  it('a replicate stream depends only on (seed, replicate, domain)', () => {
    const a = stream(7, 12345, 2), b = stream(7, 12345, 2), c = stream(7, 12346, 2), d = stream(7, 12345, 3);
    const xa = Array.from({ length: 10 }, () => a.nextUint32());
    assert.deepEqual(xa, Array.from({ length: 10 }, () => b.nextUint32()));
    assert.notDeepEqual(xa, Array.from({ length: 10 }, () => c.nextUint32()));
    assert.notDeepEqual(xa, Array.from({ length: 10 }, () => d.nextUint32()));
  });

  it('uniform doubles have the right mean and variance; gaussians the right moments', () => {
    const r = stream(1, 0);
    let s = 0, s2 = 0, g = 0, g2 = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = r.nextFloat64();
      assert.ok(u >= 0 && u < 1);
      s += u; s2 += u * u;
      const z = r.nextGaussian();
      g += z; g2 += z * z;
    }
    // standard errors: mean ~ 0.29/sqrt(n) = 6.5e-4; 6 sigma bounds
    assert.ok(Math.abs(s / n - 0.5) < 4e-3);
    assert.ok(Math.abs(s2 / n - s * s / n / n - 1 / 12) < 4e-3);
    assert.ok(Math.abs(g / n) < 0.0135);
    assert.ok(Math.abs(g2 / n - 1) < 0.02);
  });

  it('permutation() is a permutation and nextInt is unbiased over small n', () => {
    const p = permutation(1000, stream(3, 9));
    assert.deepEqual(Array.from(p).sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
    const r = stream(5, 5);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[r.nextInt(3)]!++;
    for (const c of counts) assert.ok(Math.abs(c - 10_000) < 500);
  });

  it('rejects bad seeds with a named error', () => {
    assert.throws(() => stream(-1, 0), /seed must be a non-negative safe integer/);
    assert.throws(() => stream(1.5, 0), /seed/);
  });
});
