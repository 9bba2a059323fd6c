/**
 * Generates the bundled sample dataset `samples/gauss.csv` (used by `npm start`), seeded:
 * N = 5000 draws of a standard bivariate Gaussian (x, y) with correlation ρ = 0.6,
 *   x = g1,  y = ρ·g1 + √(1−ρ²)·g2,  g1, g2 iid N(0, 1) from shared/rng stream(seed 20240601, 0, Domain.simulate).
 * Known truth: I(X;Y) = −½ ln(1 − ρ²) = −½ ln 0.64 = 0.22314355131420974 nats (0.32192809488736235 bits).
 * Run: `npx tsx samples/make-samples.ts` (rewrites the file; the test in test/data/samples.test.ts
 * checks that the committed file equals this script's output).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Domain, stream } from '../shared/rng/index.js';

export const GAUSS_SAMPLE = { file: 'gauss.csv', n: 5000, rho: 0.6, seed: 20240601 } as const;

/** Population MI of a bivariate Gaussian with correlation rho, in nats. */
export function gaussianMiNats(rho: number): number {
  return -0.5 * Math.log(1 - rho * rho);
}

/** CSV text of the sample: header `x,y`, values printed with String() (shortest exact round-trip). */
export function makeGaussSample(n: number = GAUSS_SAMPLE.n, rho: number = GAUSS_SAMPLE.rho, seed: number = GAUSS_SAMPLE.seed): string {
  const rng = stream(seed, 0, Domain.simulate);
  const s = Math.sqrt(1 - rho * rho);
  const lines = ['x,y'];
  for (let i = 0; i < n; i++) {
    const g1 = rng.nextGaussian();
    const g2 = rng.nextGaussian();
    lines.push(`${g1},${rho * g1 + s * g2}`);
  }
  return lines.join('\n') + '\n';
}

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = join(here, GAUSS_SAMPLE.file);
  writeFileSync(out, makeGaussSample());
  console.log(`wrote ${out}: N=${GAUSS_SAMPLE.n}, rho=${GAUSS_SAMPLE.rho}, true MI=${gaussianMiNats(GAUSS_SAMPLE.rho)} nats`);
}
