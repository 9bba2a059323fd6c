/**
 * CSV (and TSV) reader: first row is the header, every other row a record of numbers.
 * Parsing of quoting/escaping is left to `csv-parse`; this module only validates.
 */
import { parse } from 'csv-parse/sync';
import { DataError } from '../errors.js';
import type { Dataset } from './matrix.js';
import { checkNames, makeDataset, parseTextCell } from './cells.js';

export interface CsvOptions {
  /** Field delimiter. @default ',' */
  delimiter?: string;
}

/**
 * Parse CSV text with a header row into a Dataset.
 * @throws DataError for an empty file, duplicate or empty header names, ragged rows (1-based
 *   data row and file line), and empty, non-numeric or non-finite cells (row and column name).
 */
export function parseCsv(input: string | Uint8Array, opts: CsvOptions = {}): Dataset {
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: opts.delimiter ?? ',',
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true, // ragged rows are reported below, with their row number
      info: false,
    }) as string[][];
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new DataError(`malformed CSV: ${msg}`, { cause: err });
  }
  if (records.length === 0) throw new DataError('empty data: no header row');
  const names = records[0]!.map((s) => s.trim());
  checkNames(names);
  const d = names.length;
  const n = records.length - 1;
  const columns = names.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const rec = records[i + 1]!;
    const row = i + 1;
    if (rec.length !== d) {
      throw new DataError(`ragged row ${row}: ${rec.length} fields, the header has ${d}`);
    }
    for (let j = 0; j < d; j++) columns[j]![i] = parseTextCell(rec[j]!, row, names[j]!);
  }
  return makeDataset(names, columns);
}
