/** `simulate --measure` with the discrete and gaussian-cmi generators: truths from the definitions, estimator defaults, errors naming the flag. */
import assert from 'node:assert/strict';
import { assertUsageError, runCli } from './run-cli.js';

interface SimOut { generator: { kind: string }; truth: number; meanEstimate: number; sdEstimate: number; datasets: number }

async function simulate(args: string[]): Promise<SimOut> {
  const r = await runCli(['simulate', ...args, '--n', '400', '--datasets', '12', '--seed', '3', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as SimOut;
}

/** I(X;Y) of the discrete generator from its joint law: p(x, y) = (q·[x = y] + (1 − q)/a)/a, uniform marginals. */
function discreteMi(a: number, q: number): number {
  let mi = 0;
  for (let x = 0; x < a; x++) {
    for (let y = 0; y < a; y++) {
      const p = ((x === y ? q : 0) + (1 - q) / a) / a;
      if (p > 0) mi += p * Math.log(p * a * a);
    }
  }
  return mi;
}

describe('CLI simulate --measure and generators', function () {
  this.timeout(180_000);
  it('discrete (plugin by default): truth is the MI of the joint law; entropy of the discrete X is ln a', async () => {
    const mi = await simulate(['--generator', 'discrete', '--a', '3', '--q', '0.6']);
    assert.ok(Math.abs(mi.truth - discreteMi(3, 0.6)) < 1e-12, `${mi.truth} vs ${discreteMi(3, 0.6)}`);
    // plug-in at N = 400 with 9 cells: within a few standard errors plus its (a−1)²/(2N) bias
    assert.ok(Math.abs(mi.meanEstimate - mi.truth) < 4 * mi.sdEstimate / Math.sqrt(mi.datasets) + 4 / (2 * 400), JSON.stringify(mi));
    const h = await simulate(['--generator', 'discrete', '--a', '5', '--measure', 'entropy']);
    assert.ok(Math.abs(h.truth - Math.log(5)) < 1e-12);
  });
  it('gaussian-cmi with --measure cmi (ksg_cmi): truth −½ ln(1 − ρ²); gaussian entropy ½ ln(2πe)', async () => {
    const cmi = await simulate(['--generator', 'gaussian-cmi', '--measure', 'cmi', '--rho', '0.6']);
    assert.equal(cmi.generator.kind, 'gaussian-cmi');
    assert.ok(Math.abs(cmi.truth + 0.5 * Math.log(1 - 0.36)) < 1e-12);
    assert.ok(Number.isFinite(cmi.meanEstimate) && Math.abs(cmi.meanEstimate - cmi.truth) < 0.1, JSON.stringify(cmi));
    const h = await simulate(['--measure', 'entropy']);
    assert.ok(Math.abs(h.truth - 0.5 * Math.log(2 * Math.PI * Math.E)) < 1e-12);
  });
  it('a measure and generator that do not go together: one line naming the flag', async () => {
    assertUsageError(await runCli(['simulate', '--measure', 'cmi', '--datasets', '2']), /--measure cmi needs --generator gaussian-cmi/);
    assertUsageError(await runCli(['simulate', '--generator', 'gaussian-cmi', '--datasets', '2']), /--generator gaussian-cmi is for --measure cmi/);
    assertUsageError(await runCli(['simulate', '--generator', 'discrete', '--q', '2', '--datasets', '2']), /--q must be in \[0, 1\]/);
  });
});
