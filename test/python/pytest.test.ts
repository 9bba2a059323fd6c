/**
 * Runs the Python client's pytest suite (python/tests) so `npm test` covers it: Debian's
 * python3 with python3-pytest and python3-numpy (.ci/run installs them). A missing interpreter
 * or module fails the test unless INFOSHARD_SKIP_PYTHON=1 (local opt-out, like NATS/browser).
 * The suite drives dist/bin/infoshard.js, which `npm test` has just built.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cases.js';

const PYTHON = process.env.INFOSHARD_PYTHON || 'python3';

function pythonReady(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import numpy, pytest'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found (${probe.error.message})`;
  if (probe.status !== 0) return `${PYTHON} lacks numpy or pytest: ${probe.stderr.trim().split('\n').pop()}`;
  return undefined;
}

describe('python client (pytest python/tests)', function () {
  this.timeout(300_000);

  it('passes every test, none skipped', async function () {
    const missing = pythonReady();
    if (missing) {
      if (process.env.INFOSHARD_SKIP_PYTHON === '1') {
        console.warn(`    ${missing} and INFOSHARD_SKIP_PYTHON=1: skipping`);
        this.skip();
      }
      throw new Error(`${missing}: install python3-pytest and python3-numpy (Debian; .ci/run does) or set INFOSHARD_SKIP_PYTHON=1 to skip locally`);
    }
    const root = repoRoot();
    const env = { ...process.env, INFOSHARD_CLI: `${process.execPath} ${join(root, 'dist', 'bin', 'infoshard.js')}`, PYTHONDONTWRITEBYTECODE: '1' };
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      // -p no:cacheprovider: no .pytest_cache written into the checkout
      const p = spawn(PYTHON, ['-m', 'pytest', '-q', '-rA', '-p', 'no:cacheprovider', join(root, 'python', 'tests')], { cwd: root, env });
      let out = '';
      p.stdout.on('data', (b: Buffer) => (out += b.toString()));
      p.stderr.on('data', (b: Buffer) => (out += b.toString()));
      p.on('close', (c) => resolve({ code: c, output: out }));
    });
    assert.equal(code, 0, `pytest failed:\n${output}`);
    // the last line: "6 passed in 64.3s" (-q) or "==== 6 passed in 64.3s ====" (without)
    const summary = /^(?:=+ )?(.*?) in [\d.]+s/.exec(output.trim().split('\n').pop() ?? '')?.[1] ?? '';
    assert.match(summary, /^\d+ passed$/, `expected only passes, got: ${summary}\n${output}`);
    assert.ok(Number(/^(\d+)/.exec(summary)![1]) >= 6, summary);
  });
});
