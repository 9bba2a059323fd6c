/** The npm tarball ships what a user needs and nothing else (issue 12): no tests or benches, a LICENSE, one Node requirement. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { repoRoot } from '../data/repo.js';

describe('npm package contents', function () {
  this.timeout(60000);
  it('has the CLI, library, proto and LICENSE; no tests, benches or sources', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot(), encoding: 'utf8' });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const need of ['LICENSE', 'README.md', 'package.json', 'dist/bin/infoshard.js', 'dist/index.js', 'proto/infoshard/v1/infoshard.proto']) {
      assert.ok(files.includes(need), `${need} missing from the tarball`);
    }
    // source maps point at .ts sources the tarball does not carry, so they are left out too
    const extra = files.filter((f) => /^(dist\/)?(test|bench)\//.test(f) || /\.ts$/.test(f) && !f.endsWith('.d.ts') || f.endsWith('.map'));
    assert.deepEqual(extra, []);
    // every module the CLI and the library load is there: each relative import of a shipped .js resolves to a shipped file
    const shipped = new Set(files);
    const root = repoRoot();
    for (const f of files.filter((p) => p.endsWith('.js'))) {
      for (const m of readFileSync(join(root, f), 'utf8').matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = posix.normalize(posix.join(posix.dirname(f), m[1]!));
        assert.ok(shipped.has(target), `${f} imports ${m[1]}, which is not in the tarball`);
      }
    }
  });
  it('one Node version requirement, matching the container image', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { engines: { node: string } };
    assert.match(pkg.engines.node, /^>=20\.\d+$/);
    assert.match(readFileSync(join(repoRoot(), 'deploy', 'Dockerfile'), 'utf8'), /FROM node:20-/);
  });
});
