/**
 * Apache Arrow IPC reader (file or stream format; `tableFromIPC` detects which).
 * Every field must be a float or integer type without nulls; 64-bit integers become float64.
 */
import { DataType, tableFromIPC, type Table } from 'apache-arrow';
import { DataError } from '../errors.js';
import type { Dataset } from './matrix.js';
import { cellLocation, checkFinite, checkNames, encodeLabels, makeDataset } from './cells.js';

export interface ArrowOptions {
  /** Column indices to read, given the names. @default all */
  select?: (names: readonly string[]) => readonly number[];
  /** Dictionary and string columns become sorted category codes (plugin / mixed_ksg). @default false */
  encodeText?: boolean;
  notes?: string[];
}

/**
 * Parse Arrow IPC bytes into a Dataset.
 * @throws DataError for unreadable IPC, non-numeric fields (named), nulls and non-finite values
 *   (row and column), duplicate field names, empty tables.
 */
export function parseArrow(bytes: Uint8Array, opts: ArrowOptions = {}): Dataset {
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (err) {
    throw new DataError(`malformed Arrow IPC data: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const names = table.schema.fields.map((f) => f.name);
  checkNames(names);
  const n = table.numRows;
  const use = opts.select ? [...new Set(opts.select(names))] : names.map((_, j) => j);
  const columns = use.map((j) => {
    const field = table.schema.fields[j]!;
    const vec = table.getChildAt(j)!;
    if (DataType.isDictionary(field.type) || DataType.isUtf8(field.type)) {
      if (!opts.encodeText) throw new DataError(`column '${field.name}' has non-numeric Arrow type ${String(field.type)} (the plugin and mixed_ksg estimators take it, encoded as categories)`);
      return encodeLabels(vec, field.name, opts.notes);
    }
    if (!DataType.isFloat(field.type) && !DataType.isInt(field.type)) {
      throw new DataError(`column '${field.name}' has non-numeric Arrow type ${String(field.type)}`);
    }
    const col = new Float64Array(n);
    const hasNulls = vec.nullCount > 0;
    const isFloat = DataType.isFloat(field.type);
    let i = 0;
    for (const v of vec) {
      const row = i + 1;
      if (hasNulls && (v === null || !vec.isValid(i))) throw new DataError(`missing value (null) at ${cellLocation(row, field.name)}`);
      const x = typeof v === 'bigint' ? Number(v) : (v as number);
      col[i] = isFloat ? checkFinite(x, row, field.name) : x;
      i++;
    }
    return col;
  });
  return makeDataset(use.map((j) => names[j]!), columns);
}
