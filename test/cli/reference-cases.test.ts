/**
 * Every case of ../shared/cases/expected.json through the compiled CLI with --no-normalize --json,
 * matching `expected` within 1e-9 relative; plus the JSON contract fields.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { casesDir } from '../data/repo.js';
import type { RefCase } from '../helpers/cases.js';
import { runCli } from './run-cli.js';


function caseArgs(c: RefCase): string[] {
  const args = ['estimate', c.measure, '--data', join(casesDir(), c.file), '--x', c.x.join(','), '--estimator', c.estimator, '--no-normalize', '--json'];
  if (c.y) args.push('--y', c.y.join(','));
  if (c.z) args.push('--z', c.z.join(','));
  if (c.k !== undefined) args.push('--k', String(c.k));
  return args;
}

describe('CLI reference cases (../shared/cases/expected.json)', function () {
  this.timeout(120000);
  const doc = JSON.parse(readFileSync(join(casesDir(), 'expected.json'), 'utf8')) as { cases: RefCase[] };

  it('has cases to check', () => assert.ok(doc.cases.length >= 10));

  for (const c of doc.cases) {
    const label = `${c.measure} ${c.estimator} k=${c.k ?? '-'} on ${c.file} x=${c.x} y=${c.y ?? '-'} z=${c.z ?? '-'}`;
    it(label, async () => {
      const r = await runCli(caseArgs(c));
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.equal(lines.length, 1, 'exactly one JSON object on stdout');
      const out = JSON.parse(lines[0]!) as Record<string, unknown> & { estimate: number; timings: Record<string, unknown>; provenance: Record<string, unknown> };
      const rel = Math.abs(out.estimate - c.expected) / Math.abs(c.expected);
      assert.ok(rel <= 1e-9, `estimate ${out.estimate} vs expected ${c.expected} (relative error ${rel})`);
      assert.equal(out['measure'], c.measure);
      assert.equal(out['estimator'], c.estimator);
      if (c.k !== undefined) assert.equal(out['k'], c.k);
      assert.ok(out['k'] === null || Number.isInteger(out['k']));
      assert.equal(out['units'], 'nats');
      assert.equal(out['normalize'], false);
      const rows = readFileSync(join(casesDir(), c.file), 'utf8').trim().split('\n').length - 1;
      assert.equal(out['n'], rows);
      assert.equal(typeof out.timings['loadMs'], 'number');
      assert.equal(typeof out.timings['estimateMs'], 'number');
      assert.match(String(out.provenance['version']), /^\d+\.\d+\.\d+/);
      assert.match(String(out.provenance['dataHash']), /^[0-9a-f]{64}$/);
    });
  }

  it('--units bits is the nats value divided by ln 2', async () => {
    const c = doc.cases.find((k) => k.estimator === 'ksg1')!;
    const nats = JSON.parse((await runCli(caseArgs(c))).stdout) as { estimate: number };
    const bits = JSON.parse((await runCli([...caseArgs(c), '--units', 'bits'])).stdout) as { estimate: number; units: string };
    assert.equal(bits.units, 'bits');
    assert.equal(bits.estimate, nats.estimate / Math.LN2);
  });
});
