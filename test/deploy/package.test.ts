/** The npm tarball ships what a user needs and nothing else (issue 12): no tests or benches, a LICENSE, one Node requirement. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../data/repo.js';

describe('npm package contents', function () {
  this.timeout(60000);
  it('has the CLI, library, proto and LICENSE; no tests, benches or sources', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot(), encoding: 'utf8' });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const need of ['LICENSE', 'README.md', 'package.json', 'dist/bin/infoshard.js', 'dist/index.js', 'proto/infoshard/v1/infoshard.proto']) {
      assert.ok(files.includes(need), `${need} missing from the tarball`);
    }
    const extra = files.filter((f) => /^(dist\/)?(test|bench)\//.test(f) || /\.ts$/.test(f) && !f.endsWith('.d.ts'));
    assert.deepEqual(extra, []);
  });
  it('one Node version requirement, matching the container image', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { engines: { node: string } };
    assert.match(pkg.engines.node, /^>=20\.\d+$/);
    assert.match(readFileSync(join(repoRoot(), 'deploy', 'Dockerfile'), 'utf8'), /FROM node:20-/);
  });
});
