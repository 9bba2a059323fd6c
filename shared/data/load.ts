/** Read a dataset file, choosing the parser by extension. The only module here that touches the disk. */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { DataError, InfoshardError, NotFoundError } from '../errors.js';
import type { Dataset } from './matrix.js';
import { parseCsv } from './csv.js';
import { parseJson } from './json.js';
import { parseNpy } from './npy.js';

export type DataFormat = 'csv' | 'tsv' | 'json' | 'npy' | 'arrow';

const BY_EXTENSION: Record<string, DataFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.json': 'json',
  '.npy': 'npy',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
  '.arrows': 'arrow',
};

/** Format implied by a file name, or undefined. */
export function formatOf(path: string): DataFormat | undefined {
  return BY_EXTENSION[extname(path).toLowerCase()];
}

/** Parse bytes in a given format (apache-arrow is loaded only when an Arrow file is read). */
export async function parseData(bytes: Uint8Array, format: DataFormat): Promise<Dataset> {
  switch (format) {
    case 'csv': return parseCsv(bytes);
    case 'tsv': return parseCsv(bytes, { delimiter: '\t' });
    case 'json': return parseJson(bytes);
    case 'npy': return parseNpy(bytes);
    case 'arrow': return (await import('./arrow.js')).parseArrow(bytes);
  }
}

/**
 * Load a dataset from `path`. Errors name the file: NotFoundError for a missing file,
 * DataError for an unknown extension or bad contents.
 */
export async function loadDataset(path: string, format?: DataFormat): Promise<Dataset> {
  const fmt = format ?? formatOf(path);
  if (!fmt) {
    throw new DataError(`${path}: unknown data format '${extname(path) || '(no extension)'}' (use .csv, .tsv, .json, .npy or .arrow)`);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new NotFoundError(`data file not found: ${path}`, { cause: err });
    if (code === 'EISDIR') throw new DataError(`${path} is a directory, not a data file`, { cause: err });
    throw new DataError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return await parseData(bytes, fmt);
  } catch (err) {
    if (err instanceof DataError) throw new DataError(`${path}: ${err.message}`, { cause: err });
    if (err instanceof InfoshardError) throw err;
    throw new DataError(`${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
