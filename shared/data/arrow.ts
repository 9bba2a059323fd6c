/**
 * Apache Arrow IPC reader (file or stream format; `tableFromIPC` detects which).
 * Every field must be a float or integer type without nulls; 64-bit integers become float64.
 */
import { DataType, tableFromIPC, type Table } from 'apache-arrow';
import { DataError } from '../errors.js';
import type { Dataset } from './matrix.js';
import { cellLocation, checkFinite, checkNames, makeDataset } from './cells.js';

/**
 * Parse Arrow IPC bytes into a Dataset.
 * @throws DataError for unreadable IPC, non-numeric fields (named), nulls and non-finite values
 *   (row and column), duplicate field names, empty tables.
 */
export function parseArrow(bytes: Uint8Array): Dataset {
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (err) {
    throw new DataError(`malformed Arrow IPC data: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const names = table.schema.fields.map((f) => f.name);
  checkNames(names);
  const n = table.numRows;
  const columns = table.schema.fields.map((field, j) => {
    if (!DataType.isFloat(field.type) && !DataType.isInt(field.type)) {
      throw new DataError(`column '${field.name}' has non-numeric Arrow type ${String(field.type)}`);
    }
    const vec = table.getChildAt(j)!;
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
  return makeDataset(names, columns);
}
