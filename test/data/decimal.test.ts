/**
 * shared/data/decimal.ts: the CSV fast path's decimal parser returns exactly Number()'s double
 * (Object.is: −0 included) or NaN, never another number; checked on random doubles printed every
 * way JavaScript prints them, random digit strings with points and exponents, strings within a
 * few units of the 16th–19th digit of an exact rounding midpoint (built with BigInt), and edge
 * cases. It must also take the fast path on the common formats (else it would gain nothing).
 */
import assert from 'node:assert/strict';
import { parseDecimal } from '../../shared/data/decimal.js';
import { midpointStrings } from '../helpers/midpoints.js';

let s = 12345;
const rnd = () => {
  s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
  return s / 4294967296;
};

/** Counts of strings checked and of those the fast path answered; throws on a wrong number. */
function checker() {
  const c = { n: 0, fast: 0, check(str: string, pad = '') {
    c.n++;
    // parsed inside a longer text, as the CSV reader calls it: the field's bounds given, or
    // read in place up to where the number stops (then the same answer, ending at the comma)
    const text = Buffer.from(`${pad}${str},`);
    const v = parseDecimal(text, pad.length, pad.length + str.length);
    const end = new Int32Array(1);
    const open = parseDecimal(text, pad.length, text.length, end);
    assert.ok(Object.is(open, v), `'${str}' in place: ${open}, within its bounds ${v}`);
    if (Number.isNaN(v)) return;
    assert.equal(end[0], pad.length + str.length, `'${str}' ends at the comma`);
    c.fast++;
    assert.ok(Object.is(v, Number(str)), `'${str}': ${v}, Number() gives ${Number(str)}`);
  } };
  return c;
}

describe('decimal parser (CSV fast path)', () => {
  it('random doubles in every JavaScript format, and random digit strings: Number() bit for bit or NaN', () => {
    const c = checker();
    const f = new Float64Array(1), w = new Uint32Array(f.buffer);
    for (let k = 0; k < 20_000; k++) {
      w[0] = (rnd() * 4294967296) >>> 0;
      w[1] = (((rnd() * 2046 + 1) << 20) | (rnd() * 1048576)) >>> 0;
      const byBits = rnd() < 0.5 ? -f[0]! : f[0]!;
      const scaled = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 15);
      for (const x of [byBits, scaled]) {
        c.check(String(x), 'x,');
        c.check(x.toPrecision(1 + Math.floor(rnd() * 21)));
        c.check(x.toExponential(Math.floor(rnd() * 21)));
        if (Math.abs(x) < 1e21) c.check(x.toFixed(Math.floor(rnd() * 21)));
      }
      let t = rnd() < 0.3 ? '-' : rnd() < 0.1 ? '+' : '';
      const len = 1 + Math.floor(rnd() * 22);
      const point = Math.floor(rnd() * (len + 2)) - 1;
      for (let i = 0; i < len; i++) t += (i === point ? '.' : '') + String(Math.floor(rnd() * 10));
      if (rnd() < 0.3) t += (rnd() < 0.5 ? 'e' : 'E') + (rnd() < 0.5 ? '-' : rnd() < 0.5 ? '+' : '') + Math.floor(rnd() * 40);
      c.check(t);
    }
    assert.ok(c.fast > 0.4 * c.n, `fast path on ${c.fast} of ${c.n}`);
  });

  it('near rounding midpoints (16 to 19 digits, ±1 in the last): Number() bit for bit or NaN', () => {
    const c = checker();
    for (const t of midpointStrings(4000, rnd)) {
      c.check(t);
      c.check(`-${t}`);
    }
    assert.ok(c.fast > 0.9 * c.n, `fast path on ${c.fast} of ${c.n}`);
  });

  it('edge cases: zeros, ties at 2^53, extremes, and text that is not a plain decimal (NaN)', () => {
    const c = checker();
    for (const t of ['0', '-0', '+0', '0.0', '-0.0', '.5', '5.', '-.5', '1e0', '1e22', '1e23', '0e999999', '9007199254740992', '9007199254740993',
      '9007199254740995', '18014398509481985', '18014398509481986', '0.1', '0.2', '0.3', '2.2250738585072014e-308', '4.9e-324', '1.7976931348623157e308',
      '123456789012345678', '1234567890123456789', '12345678901234567890', '9999999999999999999', '1.0000000000000002', '1.000000000000000111',
      '4503599627370497.5', '4503599627370496.5', '1.3762744273072447', '-0.48169007325077706', '00000000000000000000000001.5', '1.5000000000000000000000',
      '1.376274427307244700e+00', '-4.816900732507770600e-01']) c.check(t);
    const b = (t: string) => Buffer.from(t);
    assert.ok(Object.is(parseDecimal(b('-0'), 0, 2), -0));
    assert.equal(parseDecimal(b('1.3762744273072447'), 0, 18), 1.3762744273072447);
    for (const t of ['', '.', '-', '+', 'e5', '1e', '1e+', '1.2.3', '1 ', ' 1', '0x10', 'Infinity', 'NaN', '1_0', '--1', '1e5x']) {
      assert.ok(Number.isNaN(parseDecimal(b(t), 0, t.length)), `'${t}'`);
    }
  });
});
