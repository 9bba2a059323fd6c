/**
 * The device run (issue 17) is prepared here, where there is no GPU: bench/device/pack.sh must
 * make a folder under the 64 MiB the device tool carries, and run.sh's CPU path must report that
 * no adapter is there (and why), still run the parity tests on gpu.js's fallback and the gpu
 * benchmark. CI packs without Node (stripping and compressing the ~100 MB binary alone takes
 * ~20 s on two cores); the full pack with Node is 43.7 MiB (bench/device/README.md).
 * The first pack downloads six Debian packages into ~/.cache/infoshard-device.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { moduleClosure } from '../../bench/device/modules.js';
import { repoRoot } from '../helpers/cases.js';

const BUDGET = 64 * 1024 * 1024;

describe('device pack (bench/device)', function () {
  this.timeout(240_000);
  const root = repoRoot();
  let tmp: string;
  before(() => (tmp = mkdtempSync(path.join(tmpdir(), 'infoshard-device-test-'))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('moduleClosure is npm’s production tree, plus mocha’s own closure when asked', () => {
    const npm = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8' })
      .trim().split('\n').slice(1).map((p) => path.relative(root, p)).sort();
    assert.deepEqual(moduleClosure(root), npm);
    const withMocha = moduleClosure(root, ['mocha']);
    assert.ok(withMocha.includes('node_modules/mocha') && withMocha.includes('node_modules/webgpu'));
    for (const dev of ['typescript', 'fast-check', 'tsx', '@types/mocha']) assert.ok(!withMocha.includes(`node_modules/${dev}`), dev);
  });

  it('packs under 64 MiB, and run.sh without a GPU reports no adapter, runs parity on the fallback and the benchmark', () => {
    const pack = path.join(tmp, 'pack');
    const p = spawnSync('bash', [path.join(root, 'bench/device/pack.sh'), '--no-build', '--node', 'none', '--out', pack], { encoding: 'utf8' });
    assert.equal(p.status, 0, p.stderr);
    const files = readdirSync(pack).sort();
    assert.deepEqual(files, ['MANIFEST.json', 'app.tar.gz', 'run.sh']);
    const size = files.reduce((s, f) => s + statSync(path.join(pack, f)).size, 0);
    assert.ok(size < BUDGET, `${size} bytes`);
    const manifest = JSON.parse(readFileSync(path.join(pack, 'MANIFEST.json'), 'utf8')) as { debs: string[]; budgetBytes: number };
    assert.equal(manifest.budgetBytes, BUDGET);
    assert.deepEqual(manifest.debs.map((d) => d.split('_')[0]), ['libc6', 'libstdc++6', 'libgcc-s1', 'libvulkan1', 'libegl1', 'libglvnd0']);
    const listing = execFileSync('tar', ['-tzf', path.join(pack, 'app.tar.gz')], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n');
    assert.deepEqual(listing.filter((f) => f.endsWith('.dawn.node')), ['app/node_modules/webgpu/dist/linux-x64.dawn.node']);
    for (const need of ['sysroot/lib/ld-linux-x86-64.so.2', 'sysroot/lib/libc.so.6', 'sysroot/lib/libvulkan.so.1', 'sysroot/lib/libEGL.so.1', 'app/dist/test/gpu/parity.test.js', 'app/test/fixtures/cases/expected.json', 'app/node_modules/mocha/bin/mocha.js']) {
      assert.ok(listing.includes(need), need);
    }
    assert.ok(!listing.some((f) => f.startsWith('app/node_modules/typescript/') || f.startsWith('app/dist/test/cluster/')));

    const out = path.join(tmp, 'out');
    // the reference cases only: the whole parity suite runs in test/gpu already
    const r = spawnSync('bash', [path.join(pack, 'run.sh'), '--out', out, '--sizes', '150', '--batches', '2', '--parity-grep', 'reference cases'], {
      encoding: 'utf8',
      env: { ...process.env, OUT: '', VK_ICD_FILENAMES: '', VK_DRIVER_FILES: '', INFOSHARD_DEVICE_MODE: '' },
    });
    assert.equal(r.status, 0, r.stdout.slice(-3000) + r.stderr);
    const probe = JSON.parse(readFileSync(path.join(out, 'probe.json'), 'utf8')) as {
      deviceMode: string; why: string; adapters: { adapter: unknown }[]; gpujs: { mode: string; ok: boolean; error?: string }[];
    };
    assert.equal(probe.deviceMode, 'webasm');
    assert.match(probe.why, /^no WebGPU/);
    const webgpu = probe.gpujs.find((g) => g.mode === 'webgpu')!;
    assert.equal(webgpu.ok, false);
    assert.match(webgpu.error!, /mode 'webgpu': /);
    const parity = readFileSync(path.join(out, 'parity.txt'), 'utf8');
    assert.match(parity, /gpu\.js mode 'webasm'/);
    assert.match(parity, /\b([1-9]\d*) passing/);
    assert.doesNotMatch(parity, /failing/);
    const bench = JSON.parse(readFileSync(path.join(out, 'gpu.json'), 'utf8')) as { gpuMode: string; rows: { n: number; batch: number; identical: boolean | null; compared: number }[] };
    assert.equal(bench.gpuMode, 'webasm');
    assert.deepEqual(bench.rows.map((x) => [x.n, x.batch, x.identical, x.compared]), [[150, 2, true, 2]]);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { mode: string; stages: { stage: string; status: number }[] };
    assert.deepEqual(summary.stages.map((s) => [s.stage, s.status]), [['probe', 0], ['parity', 0], ['bench', 0]]);
    for (const f of ['system.txt', 'run.log', 'vulkan-loader.log']) assert.ok(statSync(path.join(out, f)).size > 0, f);
  });
});
