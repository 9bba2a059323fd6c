import { createHash } from 'node:crypto';
import type { Dataset } from './matrix.js';

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/**
 * Content address of a dataset: SHA-256 over a canonical byte form (a JSON header with the
 * column names and row count, then each column as little-endian float64). The same table
 * read from CSV, JSON, NPY or Arrow hashes the same, so a worker caches it once.
 */
export function datasetHash(ds: Dataset): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ v: 1, n: ds.n, names: ds.names }));
  if (LITTLE_ENDIAN) {
    // the column's own bytes are already little-endian float64: hash them without a copy
    for (const col of ds.columns) h.update(new Uint8Array(col.buffer, col.byteOffset, ds.n * 8));
    return h.digest('hex');
  }
  const buf = Buffer.alloc(ds.n * 8);
  for (const col of ds.columns) {
    for (let i = 0; i < ds.n; i++) buf.writeDoubleLE(col[i]!, i * 8);
    h.update(buf);
  }
  return h.digest('hex');
}
