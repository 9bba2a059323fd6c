/**
 * The CLI as a cluster client in a child process (`node dist/bin/infoshard.js estimate ...
 * --coordinator ...`): its output as it arrives (the job id is on stderr at once), signals, and
 * the exit code. Killed with the test process if still running.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Dataset } from '../../shared/data/matrix.js';
import { cliPath, repoRoot } from './cluster.js';

export interface ClientRun {
  readonly proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Exit code (a signal death counts as 128 + its number, as a shell reports it). */
  readonly exit: Promise<number>;
  /** Resolves with the job id once the client printed "job ID submitted". */
  jobId(timeoutMs?: number): Promise<string>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

const SIGNALS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export function startClient(args: string[]): ClientRun {
  const proc = spawn(process.execPath, [cliPath(), ...args], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, INFOSHARD_DEBUG: '' } });
  live.add(proc);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exit = new Promise<number>((resolve) =>
    proc.once('close', (code, sig) => {
      live.delete(proc);
      resolve(code ?? 128 + (SIGNALS[sig ?? ''] ?? 0));
    }),
  );
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exit,
    async jobId(timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const m = /job ([0-9a-f-]{36}) submitted/.exec(err);
        if (m) return m[1]!;
        if (Date.now() > end || proc.exitCode !== null) throw new Error(`no job id from the client; stderr:\n${err}\nstdout:\n${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** Run to the end: code, stdout, stderr. */
export async function runClient(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const c = startClient(args);
  const code = await c.exit;
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

/** Write `ds` as a CSV with a header to `dir/name`; returns its path. */
export function writeCsv(dir: string, name: string, ds: Dataset): string {
  const lines = [ds.names.join(',')];
  for (let i = 0; i < ds.n; i++) lines.push(ds.columns.map((c) => String(c[i])).join(','));
  const p = path.join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

/** The one `infoshard: error:` line of a failed run (asserted to be the only one). */
export function errorLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.startsWith('infoshard: error:'));
  assert.equal(lines.length, 1, `one error line, got:\n${stderr}`);
  return lines[0]!;
}
