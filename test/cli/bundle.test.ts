/**
 * The bundled CLI (scripts/bundle.mjs: what `npm run build` makes and dist/bin/infoshard.js runs)
 * prints the same bytes as the tsc output in dist/cli: an estimate with
 * bootstrap and permutations on 2 pool threads (the pool's task module is a bundle entry found
 * next to the CLI script), a bad-input error (one line, exit 2), and --version, also when the
 * code cache is missing or one V8 rejects (it is then rewritten).
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../data/repo.js';
import { cliPath, type CliResult } from './run-cli.js';

function run(script: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { cwd: repoRoot(), env: { ...process.env, INFOSHARD_DEBUG: '', ...env }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/**
 * The JSON result without its timings, and without provenance.backend, which alternates between
 * 'cpu' and 'mixed' from run to run of the same build on 2 threads (seen with and without the
 * bundle; reported, not this test's subject).
 */
function withoutTimings(stdout: string): unknown {
  const j = JSON.parse(stdout) as Record<string, unknown> & { provenance: Record<string, unknown> };
  delete j['timings'];
  delete j.provenance['backend'];
  return j;
}

describe('bundled CLI (scripts/bundle.mjs)', function () {
  this.timeout(120_000);
  let dir = '';
  let runner = '';
  before(function () {
    // under dist/ so that the bundle resolves its npm packages from the repository's node_modules
    dir = mkdtempSync(join(repoRoot(), 'dist', 'bundle-test-'));
    const r = spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'bundle.mjs'), dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    if (!existsSync(join(dir, 'bundle'))) this.skip(); // esbuild not installed: the CLI runs dist/cli
    runner = join(dir, 'cli', 'run.mjs');
    writeFileSync(runner, "import { main } from './bundled.js';\nprocess.exitCode = await main(process.argv);\n");
    writeFileSync(join(dir, 'head.csv'), readFileSync(join(repoRoot(), 'samples', 'gauss.csv'), 'utf8').split('\n').slice(0, 601).join('\n') + '\n');
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const plain = (args: string[]) => run(cliPath(), args, { INFOSHARD_NO_BUNDLE: '1' });
  const bundled = (args: string[]) => run(runner, args, {});

  it('an estimate with bootstrap and permutations on 2 threads: the same result', async () => {
    const args = ['estimate', 'mi', '--data', join(dir, 'head.csv'), '--x', 'x', '--y', 'y', '--estimator', 'ksg1', '--k', '4', '--bootstrap', '40', '--permutations', '40', '--seed', '7', '--threads', '2', '--json'];
    const [a, b] = [await plain(args), await bundled(args)];
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(withoutTimings(b.stdout), withoutTimings(a.stdout));
    assert.equal((JSON.parse(b.stdout) as { provenance: { threads: number } }).provenance.threads, 2);
  });
  it('bad input: the same one-line error and exit code; --version the same', async () => {
    const args = ['estimate', 'mi', '--data', 'samples/gauss.csv', '--x', 'x', '--y', 'nope', '--json'];
    const [a, b] = [await plain(args), await bundled(args)];
    assert.equal(a.code, 2, a.stderr);
    assert.deepEqual(b, a);
    const [va, vb] = [await plain(['--version']), await bundled(['--version'])];
    assert.equal(va.code, 0);
    assert.deepEqual(vb, va);
  });
  it('a code cache V8 rejects, or none: the same output, and a new cache', async () => {
    const cache = readdirSync(join(dir, 'bundle')).filter((f) => f.endsWith('.cjs.cache')).map((f) => join(dir, 'bundle', f))[0];
    assert.ok(cache, 'scripts/bundle.mjs wrote a code cache');
    const va = await plain(['--version']);
    const junk = Buffer.from('not a code cache');
    writeFileSync(cache, junk);
    assert.deepEqual(await bundled(['--version']), va);
    assert.ok(!readFileSync(cache).equals(junk), 'the rejected cache was rewritten');
    rmSync(cache);
    assert.deepEqual(await bundled(['--version']), va);
    assert.ok(existsSync(cache), 'a missing cache was written');
  });
});
