/** Read a dataset file, choosing the parser by extension. The only module here that touches the disk. */
import { open, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { DataError, InfoshardError, NotFoundError } from '../errors.js';
import { makeDataset } from './cells.js';
import type { Dataset } from './matrix.js';
import { CsvChunks, parseCsv, type CsvOptions } from './csv.js';
import { parseJson } from './json.js';
import { parseNpy } from './npy.js';

export type DataFormat = 'csv' | 'tsv' | 'json' | 'npy' | 'arrow' | 'parquet';

export const DATA_FORMATS: readonly DataFormat[] = ['csv', 'tsv', 'json', 'npy', 'arrow', 'parquet'];

const BY_EXTENSION: Record<string, DataFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.txt': 'csv', // delimiter detected (np.savetxt writes blanks)
  '.dat': 'csv',
  '.json': 'json',
  '.npy': 'npy',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
  '.arrows': 'arrow',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

/** Format implied by a file name (a trailing `.gz` is looked through), or undefined. */
export function formatOf(path: string): DataFormat | undefined {
  const p = path.toLowerCase().endsWith('.gz') ? path.slice(0, -3) : path;
  return BY_EXTENSION[extname(p).toLowerCase()];
}

/** How to read a file beyond its format: text options and which columns to keep. */
export interface LoadOptions {
  /** @default from the extension; required for stdin (`-`) */
  format?: DataFormat;
  /** Text formats: first line holds names. @default auto (an all-numeric first line is data) */
  header?: boolean;
  /** Text formats: ',', ';', tab, 'whitespace'. @default auto-detected (tab for .tsv) */
  delimiter?: string;
  /** Column indices to keep given the names; only these are parsed (text) and validated. @default all */
  select?: (names: readonly string[]) => readonly number[];
  /** Receives notes about choices made (no header found, text columns encoded, ...). */
  notes?: string[];
  /** Text formats: encode text columns as category codes (for plugin / mixed_ksg). @default false */
  encodeText?: boolean;
}

function subset(ds: Dataset, select: LoadOptions['select']): Dataset {
  if (!select) return ds;
  const idx = [...new Set(select(ds.names))];
  return makeDataset(idx.map((j) => ds.names[j]!), idx.map((j) => ds.columns[j]!));
}

/** Parse bytes in a given format (apache-arrow and hyparquet load only when such a file is read). */
export async function parseData(bytes: Uint8Array, format: DataFormat, opts: Omit<LoadOptions, 'format'> = {}): Promise<Dataset> {
  // gzip magic (node:zlib loads only for such a file: its start-up cost a plain run ~1 ms, issue 12)
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = (await import('node:zlib')).gunzipSync(bytes);
  switch (format) {
    case 'csv':
    case 'tsv': {
      const { select, notes, header, delimiter, encodeText } = opts;
      return parseCsv(bytes, {
        ...(encodeText ? { encodeText } : {}),
        ...(delimiter !== undefined ? { delimiter } : format === 'tsv' ? { delimiter: '\t' } : {}),
        ...(header !== undefined ? { header } : {}),
        ...(select ? { select } : {}),
        ...(notes ? { notes } : {}),
      });
    }
    case 'json': return subset(parseJson(bytes), opts.select);
    case 'npy': return subset(parseNpy(bytes), opts.select);
    case 'arrow': {
      const { select, notes, encodeText } = opts;
      return (await import('./arrow.js')).parseArrow(bytes, { ...(select ? { select } : {}), ...(notes ? { notes } : {}), ...(encodeText ? { encodeText } : {}) });
    }
    case 'parquet': {
      const { select, notes, encodeText } = opts;
      return (await import('./parquet.js')).parseParquet(bytes, { ...(select ? { select } : {}), ...(notes ? { notes } : {}), ...(encodeText ? { encodeText } : {}) });
    }
  }
}

/** Text files from this size on are streamed (read and parsed in chunks) rather than read whole. */
export const STREAM_MIN_BYTES = 8 << 20;
/** Bytes per read when streaming. */
const STREAM_CHUNK_BYTES = 1 << 20;

/**
 * A large delimited-text file parsed chunk by chunk (csv.ts `CsvChunks`): peak memory is the
 * columns plus one chunk, not the file's bytes plus its text. Undefined when the file needs the
 * whole-text path (gzip, quotes, a whitespace delimiter): the caller reads it whole.
 */
async function streamCsv(path: string, format: 'csv' | 'tsv', opts: Omit<LoadOptions, 'format'>): Promise<Dataset | undefined> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    if (size < STREAM_MIN_BYTES) return undefined;
    const { select, notes, header, delimiter, encodeText } = opts;
    const csvOpts: CsvOptions = {
      ...(encodeText ? { encodeText } : {}),
      ...(delimiter !== undefined ? { delimiter } : format === 'tsv' ? { delimiter: '\t' } : {}),
      ...(header !== undefined ? { header } : {}),
      ...(select ? { select } : {}),
    };
    const chunks = new CsvChunks(csvOpts, size);
    const buf = Buffer.allocUnsafe(STREAM_CHUNK_BYTES);
    for (let first = true; ; first = false) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (first && bytesRead >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return undefined; // gzip
      if (bytesRead === 0) break;
      if (!chunks.feed(buf.subarray(0, bytesRead))) return undefined;
    }
    if (!chunks.feed(new Uint8Array(0), true)) return undefined;
    return chunks.end(notes);
  } finally {
    await fh.close();
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}

/**
 * Load a dataset from `path` (`-` reads stdin, which needs a format; `.gz` files are unpacked).
 * Errors name the file: NotFoundError for a missing file, DataError for an unknown extension or
 * bad contents. The second argument may be a format (the older form) or LoadOptions.
 */
export async function loadDataset(path: string, formatOrOptions?: DataFormat | LoadOptions): Promise<Dataset> {
  const opts: LoadOptions = typeof formatOrOptions === 'string' ? { format: formatOrOptions } : formatOrOptions ?? {};
  const stdin = path === '-';
  const fmt = opts.format ?? (stdin ? undefined : formatOf(path));
  if (!fmt) {
    if (stdin) throw new DataError(`reading data from stdin ('-') needs a format (one of ${DATA_FORMATS.join(', ')})`);
    throw new DataError(`${path}: unknown data format '${extname(path) || '(no extension)'}' (use .csv, .tsv, .txt, .dat, .json, .npy, .arrow or .parquet, optionally .gz, or give the format)`);
  }
  const name = stdin ? 'stdin' : path;
  const { format: _f, ...rest } = opts;
  if (!stdin && (fmt === 'csv' || fmt === 'tsv')) {
    try {
      const streamed = await streamCsv(path, fmt, rest);
      if (streamed) return streamed;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new NotFoundError(`data file not found: ${path}`, { cause: err });
      if (code === 'EISDIR') throw new DataError(`${path} is a directory, not a data file`, { cause: err });
      if (err instanceof DataError) throw new DataError(`${name}: ${err.message}`, { cause: err });
      if (err instanceof InfoshardError) throw err;
      throw new DataError(`cannot read ${name}: ${(err as Error).message}`, { cause: err });
    }
  }
  let bytes: Buffer;
  try {
    bytes = stdin ? await readAll(process.stdin) : await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new NotFoundError(`data file not found: ${path}`, { cause: err });
    if (code === 'EISDIR') throw new DataError(`${path} is a directory, not a data file`, { cause: err });
    throw new DataError(`cannot read ${name}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return await parseData(bytes, fmt, rest);
  } catch (err) {
    if (err instanceof DataError) throw new DataError(`${name}: ${err.message}`, { cause: err });
    if (err instanceof InfoshardError) throw err;
    throw new DataError(`${name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
