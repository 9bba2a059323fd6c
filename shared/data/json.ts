/**
 * JSON reader. Accepted shapes:
 *  - array of records: `[{"x": 1, "y": 2}, ...]` (names from the first record, in key order);
 *  - object of columns: `{"x": [1, ...], "y": [2, ...]}`;
 *  - array of rows: `[[1, 2], ...]` (names '0', '1', ...).
 * Cells must be JSON numbers (JSON has no NaN/Infinity; null, strings and booleans are rejected
 * with their row and column).
 */
import { DataError } from '../errors.js';
import type { Dataset } from './matrix.js';
import { cellLocation, checkFinite, checkNames, makeDataset, quoteCell } from './cells.js';

function cell(v: unknown, row: number, column: string): number {
  if (typeof v === 'number') return checkFinite(v, row, column);
  if (v === null || v === undefined) throw new DataError(`missing value (null) at ${cellLocation(row, column)}`);
  const shown = typeof v === 'string' ? quoteCell(v) : typeof v === 'object' ? (Array.isArray(v) ? 'an array' : 'an object') : String(v);
  throw new DataError(`non-numeric value ${shown} at ${cellLocation(row, column)}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fromRecords(rows: unknown[]): Dataset {
  const first = rows[0];
  if (!isRecord(first)) throw new DataError('row 1 is not an object (expected an array of records)');
  const names = Object.keys(first);
  checkNames(names);
  const known = new Set(names);
  const columns = names.map(() => new Float64Array(rows.length));
  rows.forEach((rec, i) => {
    const row = i + 1;
    if (!isRecord(rec)) throw new DataError(`row ${row} is not an object (expected an array of records)`);
    for (const key of Object.keys(rec)) {
      if (!known.has(key)) throw new DataError(`ragged row ${row}: unexpected column '${key}' (not in row 1)`);
    }
    names.forEach((name, j) => {
      if (!(name in rec)) throw new DataError(`ragged row ${row}: missing column '${name}'`);
      columns[j]![i] = cell(rec[name], row, name);
    });
  });
  return makeDataset(names, columns);
}

function fromRows(rows: unknown[]): Dataset {
  const d = (rows[0] as unknown[]).length;
  const names = Array.from({ length: d }, (_, j) => String(j));
  const columns = names.map(() => new Float64Array(rows.length));
  rows.forEach((r, i) => {
    const row = i + 1;
    if (!Array.isArray(r)) throw new DataError(`row ${row} is not an array (expected an array of rows)`);
    if (r.length !== d) throw new DataError(`ragged row ${row}: ${r.length} values, row 1 has ${d}`);
    for (let j = 0; j < d; j++) columns[j]![i] = cell(r[j], row, names[j]!);
  });
  return makeDataset(names, columns);
}

function fromColumns(obj: Record<string, unknown>): Dataset {
  const names = Object.keys(obj);
  checkNames(names);
  let n = -1;
  const columns = names.map((name) => {
    const values = obj[name];
    if (!Array.isArray(values)) throw new DataError(`column '${name}' is not an array`);
    if (n < 0) n = values.length;
    else if (values.length !== n) {
      throw new DataError(`ragged columns: column '${name}' has ${values.length} values, column '${names[0]}' has ${n}`);
    }
    const col = new Float64Array(values.length);
    values.forEach((v, i) => (col[i] = cell(v, i + 1, name)));
    return col;
  });
  return makeDataset(names, columns);
}

/**
 * Parse JSON text into a Dataset.
 * @throws DataError for invalid JSON, empty data, ragged rows/columns, non-numeric cells.
 */
export function parseJson(input: string | Uint8Array): Dataset {
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new DataError(`malformed JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (Array.isArray(doc)) {
    if (doc.length === 0) throw new DataError('empty data: no rows');
    return Array.isArray(doc[0]) ? fromRows(doc) : fromRecords(doc);
  }
  if (isRecord(doc)) {
    if (Object.keys(doc).length === 0) throw new DataError('empty data: no columns');
    return fromColumns(doc);
  }
  throw new DataError('JSON data must be an array of records, an array of rows or an object of columns');
}
