/**
 * `--backend gpu --json` from the CLI: the same estimate, ci, pValue and null as `--backend cpu`;
 * provenance.backend one documented plain value; without a GPU device a warning on stderr only.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { casesDir } from '../data/repo.js';
import { runCli } from '../cli/run-cli.js';

describe('CLI --backend', function () {
  this.timeout(120_000);
  it('--backend gpu --json equals --backend cpu (estimate, ci, pValue, null); says on stderr when no GPU ran it', async () => {
    const args = ['estimate', 'mi', '--data', join(casesDir(), 'gauss2.csv'), '--x', 'x', '--y', 'y', '--bootstrap', '20', '--ci', 'bca', '--jackknife-groups', '10', '--permutations', '20', '--seed', '5', '--threads', '2', '--json'];
    const [cpu, gpu] = [await runCli([...args, '--backend', 'cpu']), await runCli([...args, '--backend', 'gpu'])];
    assert.equal(cpu.code, 0, cpu.stderr);
    assert.equal(gpu.code, 0, gpu.stderr);
    type Out = { estimate: number; ci: unknown; pValue: number; null: unknown; warnings: string[]; provenance: { backend?: string } };
    const [c, g] = [JSON.parse(cpu.stdout) as Out, JSON.parse(gpu.stdout) as Out];
    assert.deepEqual({ e: g.estimate, ci: g.ci, p: g.pValue, n: g.null, w: g.warnings }, { e: c.estimate, ci: c.ci, p: c.pValue, n: c.null, w: c.warnings });
    assert.equal(c.provenance.backend, 'cpu');
    assert.match(g.provenance.backend ?? '', /^(gpu|gpu-host)$/);
    assert.equal(cpu.stderr, '');
    if (g.provenance.backend === 'gpu-host') assert.match(gpu.stderr, /^infoshard: warning: --backend gpu: no GPU device here; gpu\.js ran its kernels on the CPU/);
    else assert.equal(gpu.stderr, '');
  });
  it('--backend gpu with an estimator that has no kernels: the CPU ran it, and stderr says so', async () => {
    const r = await runCli(['estimate', 'mi', '--data', join(casesDir(), 'gauss2.csv'), '--x', 'x', '--y', 'y', '--estimator', 'gaussian', '--bootstrap', '10', '--seed', '5', '--threads', '1', '--backend', 'gpu', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { provenance: { backend: string } }).provenance.backend, 'cpu');
    assert.match(r.stderr, /^infoshard: warning: --backend gpu: ran on the CPU \(no gpu kernels for gaussian mi/);
  });
});
