/** `--backend gpu --json` from the CLI: the same estimate, ci, pValue and null as `--backend cpu`. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { casesDir } from '../data/repo.js';
import { runCli } from '../cli/run-cli.js';

describe('CLI --backend', function () {
  this.timeout(120_000);
  it('--backend gpu --json equals --backend cpu (estimate, ci, pValue, null) and reports gpu.js', async () => {
    const args = ['estimate', 'mi', '--data', join(casesDir(), 'gauss2.csv'), '--x', 'x', '--y', 'y', '--bootstrap', '20', '--ci', 'bca', '--jackknife-groups', '10', '--permutations', '20', '--seed', '5', '--threads', '2', '--json'];
    const [cpu, gpu] = [await runCli([...args, '--backend', 'cpu']), await runCli([...args, '--backend', 'gpu'])];
    assert.equal(cpu.code, 0, cpu.stderr);
    assert.equal(gpu.code, 0, gpu.stderr);
    type Out = { estimate: number; ci: unknown; pValue: number; null: unknown; provenance: { backend?: string } };
    const [c, g] = [JSON.parse(cpu.stdout) as Out, JSON.parse(gpu.stdout) as Out];
    assert.deepEqual({ e: g.estimate, ci: g.ci, p: g.pValue, n: g.null }, { e: c.estimate, ci: c.ci, p: c.pValue, n: c.null });
    assert.equal(c.provenance.backend, 'cpu');
    assert.match(g.provenance.backend ?? '', /^gpu\.js\/\w+$/);
  });
});
