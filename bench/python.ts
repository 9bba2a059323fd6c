/** The scikit-learn reference: Debian's python3-sklearn under /usr/bin/python3, installed when missing. */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { LineChild } from './child.js';
import { repoRoot } from './paths.js';
import type { CaseSpec } from './protocol.js';

export const PYTHON = '/usr/bin/python3';

export interface PythonInfo {
  python: string;
  sklearn: string;
  numpy: string;
  scipy: string;
}

function probe(): PythonInfo | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import sys, sklearn, numpy, scipy; print(sys.version.split()[0], sklearn.__version__, numpy.__version__, scipy.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const [python, sklearn, numpy, scipy] = r.stdout.trim().split(' ') as [string, string, string, string];
  return { python, sklearn, numpy, scipy };
}

/** Versions of the reference stack; `apt-get install -y python3-sklearn` (sudo unless root) first when missing. */
export function ensureSklearn(install = true): PythonInfo | undefined {
  const found = probe();
  if (found || !install) return found;
  const root = process.getuid?.() === 0;
  const apt = (args: string[]) =>
    root
      ? execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
      : execFileSync('sudo', ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args], { stdio: 'inherit' });
  process.stderr.write('bench: python3-sklearn missing, installing it with apt-get\n');
  apt(['update']);
  apt(['install', '-y', 'python3-sklearn']);
  return probe();
}

/** Start the Python side of a case. Single-threaded BLAS/OpenMP so "one thread" means one. */
export function startSklearn(spec: CaseSpec): LineChild {
  const script = path.join(repoRoot(), 'bench', 'sklearn', 'mi_runner.py');
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  return new LineChild(`sklearn[${spec.id}]`, PYTHON, [script, JSON.stringify(spec)], env);
}
