/** Run the compiled CLI (`node dist/bin/infoshard.js ...`) as a child process. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { repoRoot } from '../data/repo.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cliPath(): string {
  const p = join(repoRoot(), 'dist', 'bin', 'infoshard.js');
  if (!existsSync(p)) throw new Error(`${p} not built: run \`npm run build\` (npm test does) before the CLI tests`);
  return p;
}

export function runCli(args: string[], opts: { cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath(), ...args], { cwd: opts.cwd ?? repoRoot(), env: { ...process.env, INFOSHARD_DEBUG: '' }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Exit code 2, nothing on stdout, exactly one stderr line `infoshard: error: ...` matching `re`, no stack. */
export function assertUsageError(r: CliResult, re: RegExp, code = 2): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^infoshard: error: /);
  assert.match(lines[0]!, re);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}
