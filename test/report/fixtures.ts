/** Seeded bivariate Gaussian CSV files for the report and dashboard tests. */
import { writeFileSync } from 'node:fs';
import { Domain, stream } from '../../shared/rng/index.js';
import { drawDataset } from '../../shared/resampling/simulate.js';

/** Write N rows `x,y` of a bivariate normal with correlation rho (stream(seed, 0, simulate)); returns the path. */
export function writeGaussianCsv(path: string, n: number, rho: number, seed: number): string {
  const d = drawDataset({ kind: 'gaussian', rho }, n, stream(seed, 0, Domain.simulate));
  const lines = ['x,y'];
  for (let i = 0; i < n; i++) lines.push(`${d.columns[0]![i]},${d.columns[1]![i]}`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}
