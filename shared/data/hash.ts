import { createHash } from 'node:crypto';
import type { Dataset } from './matrix.js';

/**
 * Content address of a dataset: SHA-256 over a canonical byte form (a JSON header with the
 * column names and row count, then each column as little-endian float64). The same table
 * read from CSV, JSON, NPY or Arrow hashes the same, so a worker caches it once.
 */
export function datasetHash(ds: Dataset): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ v: 1, n: ds.n, names: ds.names }));
  const buf = Buffer.alloc(ds.n * 8);
  for (const col of ds.columns) {
    for (let i = 0; i < ds.n; i++) buf.writeDoubleLE(col[i]!, i * 8);
    h.update(buf);
  }
  return h.digest('hex');
}
