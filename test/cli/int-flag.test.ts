/** Integer flags in exponent form (issue 18's `--permutations 1e8`): accepted when the value is an integer, refused otherwise. */
import assert from 'node:assert/strict';
import { intFlag } from '../../cli/options.js';
import { OptionError } from '../../shared/errors.js';

describe('cli: integer flags', () => {
  it('take digits or exponent form with an integer value', () => {
    assert.equal(intFlag('1e8', '--permutations', 1), 100_000_000);
    assert.equal(intFlag('2.5e6', '--permutations', 1), 2_500_000);
    assert.equal(intFlag('1E+3', '--permutations', 1), 1000);
    assert.equal(intFlag(' 42 ', '--k', 1), 42);
  });
  it('refuse a fraction, a negative exponent, an unsafe integer or junk, naming the flag', () => {
    for (const v of ['2.5e0', '1e-3', '1e400', '1e16', '0x10', '1e', 'e5', '1.5', '--1e3']) {
      assert.throws(() => intFlag(v, '--permutations', 1), (e: unknown) => e instanceof OptionError && e.message === `--permutations must be an integer >= 1, got '${v}'`, v);
    }
    assert.throws(() => intFlag('0e5', '--permutations', 1), /must be an integer >= 1/);
  });
});
