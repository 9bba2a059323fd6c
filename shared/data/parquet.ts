/**
 * Apache Parquet reader, through hyparquet (pure JavaScript, no native build; snappy built in)
 * and, for the other codecs (GZIP, ZSTD, BROTLI, LZ4, LZ4_RAW), hyparquet-compressors (same
 * author, pure JavaScript), loaded only when a selected column chunk uses one of them.
 * Only the selected top-level columns are decoded, chunk by chunk, straight into Float64Arrays.
 * Numeric physical types (DOUBLE, FLOAT, INT32, INT64, BOOLEAN as 0/1) are read as float64;
 * string columns are category codes for the discrete estimators (like Arrow dictionaries), with
 * a note; nested, date, decimal-as-bytes and other columns are refused by name, as are nulls and
 * non-finite values (row and column).
 */
import { parquetMetadata, parquetRead, parquetSchema, type Compressors, type FileMetaData, type SchemaTree } from 'hyparquet';
import { DataError } from '../errors.js';
import type { Dataset } from './matrix.js';
import { cellLocation, checkNames, encodeLabels, makeDataset } from './cells.js';

export interface ParquetOptions {
  /** Column indices to read, given the names. @default all */
  select?: (names: readonly string[]) => readonly number[];
  /** String columns become sorted category codes (plugin / mixed_ksg). @default false */
  encodeText?: boolean;
  notes?: string[];
}

/** The Parquet magic, 'PAR1', at both ends of a file. */
export function isParquet(bytes: Uint8Array): boolean {
  const n = bytes.length;
  const magic = (o: number) => bytes[o] === 0x50 && bytes[o + 1] === 0x41 && bytes[o + 2] === 0x52 && bytes[o + 3] === 0x31;
  return n >= 12 && magic(0) && magic(n - 4);
}

/** Codecs hyparquet decodes itself. */
const BUILT_IN = new Set(['UNCOMPRESSED', 'SNAPPY']);

/** Decompressors for the codecs of the selected column chunks that hyparquet lacks; undefined if none. */
async function compressorsFor(metadata: FileMetaData, columns: readonly string[]): Promise<Compressors | undefined> {
  const want = new Set(columns);
  const codecs = new Set<string>();
  for (const rg of metadata.row_groups) {
    for (const c of rg.columns) {
      const m = c.meta_data;
      if (m && want.has(m.path_in_schema[0]!) && !BUILT_IN.has(m.codec)) codecs.add(m.codec);
    }
  }
  if (codecs.size === 0) return undefined;
  const hc = await import('hyparquet-compressors');
  const known: Compressors = {
    GZIP: hc.decompressGzip,
    ZSTD: (input) => hc.decompressZstd(input),
    BROTLI: hc.decompressBrotli,
    LZ4: hc.decompressLz4,
    LZ4_RAW: hc.decompressLz4Raw,
  };
  for (const c of codecs) if (!(c in known)) throw new DataError(`Parquet compression codec ${c} is not supported (supported: UNCOMPRESSED, SNAPPY, GZIP, ZSTD, BROTLI, LZ4, LZ4_RAW)`);
  return known;
}

const NUMERIC = new Set(['DOUBLE', 'FLOAT', 'INT32', 'INT64', 'BOOLEAN']);

/** 'number', 'text' or why the column cannot be read. */
function kindOf(col: SchemaTree): 'number' | 'text' | string {
  const e = col.element;
  if (col.children.length > 0) return 'a nested (group, list or map) column';
  if (e.repetition_type === 'REPEATED') return 'a repeated column';
  const logical = e.logical_type?.type;
  if (e.type === 'BYTE_ARRAY' && (e.converted_type === 'UTF8' || logical === 'STRING' || logical === 'ENUM')) return 'text';
  if (!e.type || !NUMERIC.has(e.type)) return `Parquet type ${e.type ?? '?'}${logical ? ` (${logical})` : ''}`;
  // integers and floats that hyparquet turns into Dates or decimals' objects are not plain numbers
  if (e.converted_type && /^(DATE|TIME|TIMESTAMP|INTERVAL)/.test(e.converted_type)) return `a ${e.converted_type} column`;
  if (logical && /^(DATE|TIME|TIMESTAMP)$/.test(logical)) return `a ${logical} column`;
  return 'number';
}

/**
 * Parse Parquet bytes into a Dataset.
 * @throws DataError for unreadable Parquet, unsupported column types (named), nulls and
 *   non-finite values (row and column), duplicate names, empty tables.
 */
export async function parseParquet(bytes: Uint8Array, opts: ParquetOptions = {}): Promise<Dataset> {
  if (!isParquet(bytes)) throw new DataError("malformed Parquet data: no 'PAR1' magic at both ends of the file");
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let metadata: FileMetaData;
  let tree: SchemaTree;
  try {
    metadata = parquetMetadata(file);
    tree = parquetSchema(metadata);
  } catch (err) {
    throw new DataError(`malformed Parquet data: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const names = tree.children.map((c) => c.element.name);
  checkNames(names);
  const n = Number(metadata.num_rows);
  const use = opts.select ? [...new Set(opts.select(names))] : names.map((_, j) => j);
  const kinds = use.map((j) => kindOf(tree.children[j]!));
  use.forEach((j, u) => {
    const k = kinds[u]!;
    if (k === 'text' && !opts.encodeText) throw new DataError(`column '${names[j]}' holds text (the plugin and mixed_ksg estimators take it, encoded as categories)`);
    if (k !== 'text' && k !== 'number') throw new DataError(`column '${names[j]}' is ${k}, not numbers`);
  });
  const slot = new Map(use.map((j, u) => [names[j]!, u]));
  const numbers = use.map((_, u) => (kinds[u] === 'number' ? new Float64Array(n) : undefined));
  const texts = use.map((_, u) => (kinds[u] === 'text' ? new Array<unknown>(n) : undefined));
  const bad: DataError[] = [];
  const compressors = await compressorsFor(metadata, use.map((j) => names[j]!));
  try {
    await parquetRead({
      file,
      metadata,
      ...(compressors ? { compressors } : {}),
      columns: use.map((j) => names[j]!),
      onChunk: ({ columnName, columnData, rowStart, rowEnd }) => {
        const u = slot.get(columnName);
        if (u === undefined || bad.length > 0) return;
        const text = texts[u];
        if (text) {
          for (let i = rowStart; i < rowEnd; i++) text[i] = columnData[i - rowStart];
          return;
        }
        const out = numbers[u]!;
        for (let i = rowStart; i < rowEnd; i++) {
          const v = columnData[i - rowStart];
          const x = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : NaN;
          if (!Number.isFinite(x)) {
            const what = v === null || v === undefined ? 'missing value (null)' : typeof v === 'number' ? `non-finite value ${v}` : `non-numeric value ${String(v).slice(0, 40)}`;
            bad.push(new DataError(`${what} at ${cellLocation(i + 1, columnName)}`));
            return;
          }
          out[i] = x;
        }
      },
    });
  } catch (err) {
    throw new DataError(`malformed Parquet data: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (bad.length > 0) throw bad[0]!;
  const columns = use.map((j, u) => numbers[u] ?? encodeLabels({ length: n, get: (i) => texts[u]![i] }, names[j]!, opts.notes));
  return makeDataset(use.map((j) => names[j]!), columns);
}
