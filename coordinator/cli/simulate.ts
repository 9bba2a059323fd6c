/**
 * `infoshard simulate`: Monte Carlo datasets from built-in generators with known truth, each
 * estimated (optionally with a CI / permutation test). Runs `simulate` from
 * `shared/resampling/simulate.ts` when that module is in the build; until then the command
 * fails with a clear "not available" error (exit 3).
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { UnavailableError } from '../../shared/errors.js';
import { DEFAULTS } from '../../shared/job/spec.js';
import { checkCap, enumFlag, intFlag, numberFlag } from './options.js';
import { CI_METHODS } from './spec-builder.js';

export const GENERATORS = ['gaussian', 'student', 'mixture'] as const;
export type Generator = (typeof GENERATORS)[number];

export interface SimulateFlags {
  generator?: string;
  n?: string;
  datasets?: string;
  rho?: string;
  estimator?: string;
  k?: string;
  bootstrap?: string;
  ci?: string;
  level?: string;
  permutations?: string;
  seed?: string;
  threads?: string;
  maxReplicates?: string;
  json?: boolean;
}

/** Validated options handed to the simulate workload. */
export interface SimulateRequest {
  generator: Generator;
  n: number;
  datasets: number;
  rho: number;
  measure: 'mi';
  estimator: string;
  k: number;
  seed: number;
  threads: number;
  bootstrap?: { replicates: number; method: (typeof CI_METHODS)[number]; level: number };
  permutation?: { shuffles: number };
}

export function buildSimulateRequest(f: SimulateFlags): SimulateRequest {
  const cap = intFlag(f.maxReplicates, '--max-replicates', 1) ?? DEFAULTS.maxReplicates;
  const B = intFlag(f.bootstrap, '--bootstrap', 1);
  const P = intFlag(f.permutations, '--permutations', 1);
  checkCap(B, '--bootstrap', cap);
  checkCap(P, '--permutations', cap);
  const datasets = intFlag(f.datasets, '--datasets', 1) ?? 100;
  checkCap(datasets, '--datasets', cap);
  return {
    generator: enumFlag(f.generator, '--generator', GENERATORS) ?? 'gaussian',
    n: intFlag(f.n, '--n', 2) ?? 1000,
    datasets,
    rho: numberFlag(f.rho, '--rho', (v) => v > -1 && v < 1, 'in (-1, 1)') ?? 0.5,
    measure: 'mi',
    estimator: f.estimator ?? 'ksg1',
    k: intFlag(f.k, '--k', 1) ?? DEFAULTS.k,
    seed: intFlag(f.seed, '--seed', 0) ?? DEFAULTS.seed,
    threads: intFlag(f.threads, '--threads', 1) ?? availableParallelism(),
    ...(B !== undefined
      ? { bootstrap: { replicates: B, method: enumFlag(f.ci, '--ci', CI_METHODS) ?? DEFAULTS.method, level: numberFlag(f.level, '--level', (v) => v > 0 && v < 1, 'in (0, 1)') ?? DEFAULTS.level } }
      : {}),
    ...(P !== undefined ? { permutation: { shuffles: P } } : {}),
  };
}

type SimulateFn = (req: SimulateRequest) => unknown;
const SIMULATE_MODULE = '../../shared/resampling/simulate.js';

export async function runSimulate(f: SimulateFlags): Promise<void> {
  const req = buildSimulateRequest(f);
  let mod: { simulate?: SimulateFn };
  try {
    mod = (await import(SIMULATE_MODULE)) as { simulate?: SimulateFn };
  } catch (err) {
    const self = fileURLToPath(new URL(SIMULATE_MODULE, import.meta.url));
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' && e.message.includes(`'${self}'`)) {
      throw new UnavailableError('simulate is not available in this build (shared/resampling/simulate.ts is not there yet)');
    }
    throw err;
  }
  if (typeof mod.simulate !== 'function') throw new UnavailableError('simulate is not available in this build (no simulate export)');
  const result = await mod.simulate(req);
  const plain = JSON.stringify(result, (_k, v: unknown) => (ArrayBuffer.isView(v) ? undefined : v));
  process.stdout.write(f.json ? plain + '\n' : JSON.stringify(JSON.parse(plain), null, 2) + '\n');
}
