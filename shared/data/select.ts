/** Column selection by name or 0-based index (the `--x/--y/--z` lists). */
import { DataError, OptionError } from '../errors.js';
import type { ColumnRef } from '../job/spec.js';
import type { Dataset } from './matrix.js';

/**
 * Split a comma-separated column list ("a,b,2") into refs; names and indices stay strings. A
 * name that holds a comma is quoted as in CSV: `"dose, mg",y` → ['dose, mg', 'y'] ("" inside
 * quotes is one "). A quote only opens at the start of an entry; elsewhere it is a character.
 * Unquoted entries are trimmed and empty ones dropped. (`--x-name` passes a name as it is.)
 * @throws OptionError naming `label` (e.g. '--x') for an unterminated quote or text after a closing one.
 */
export function parseColumnList(list: string, label = 'columns'): string[] {
  const out: string[] = [];
  let i = 0;
  const n = list.length;
  while (i <= n) {
    while (i < n && (list[i] === ' ' || list[i] === '\t')) i++;
    if (list[i] === '"') {
      let name = '';
      let j = i + 1;
      for (;;) {
        if (j >= n) throw new OptionError(`${label}: unterminated quote in the column list '${list}'`, label);
        if (list[j] === '"') {
          if (list[j + 1] === '"') { name += '"'; j += 2; continue; }
          break;
        }
        name += list[j++];
      }
      j++;
      while (j < n && (list[j] === ' ' || list[j] === '\t')) j++;
      if (j < n && list[j] !== ',') throw new OptionError(`${label}: text after the quoted name "${name}" in the column list '${list}'`, label);
      out.push(name);
      i = j + 1;
    } else {
      let j = list.indexOf(',', i);
      if (j < 0) j = n;
      const s = list.slice(i, j).trim();
      if (s !== '') out.push(s);
      i = j + 1;
    }
  }
  return out;
}

function available(ds: Dataset): string {
  const shown = ds.names.slice(0, 20).map((s) => `'${s}'`).join(', ');
  return ds.names.length > 20 ? `${shown}, ... (${ds.names.length} in all)` : shown;
}

/**
 * Resolve one reference to a column index. A string is a header name first; a string of
 * digits that is not a name, or a number, is a 0-based index.
 * @throws DataError naming the reference and listing the available columns.
 */
export function resolveColumn(ds: Dataset, ref: ColumnRef, label?: string): number {
  const where = label ? ` in ${label}` : '';
  if (typeof ref === 'string') {
    const j = ds.names.indexOf(ref);
    if (j >= 0) return j;
    if (!/^\d+$/.test(ref)) throw new DataError(`unknown column '${ref}'${where}; available columns: ${available(ds)}`);
    ref = Number(ref);
  }
  if (!Number.isInteger(ref) || ref < 0 || ref >= ds.names.length) {
    throw new DataError(`unknown column index ${ref}${where}; valid indices are 0..${ds.names.length - 1} (${available(ds)})`);
  }
  return ref;
}

/**
 * The sub-table of `refs`, in the order given.
 * @param label names the option in error messages, e.g. '--x'.
 */
export function selectColumns(ds: Dataset, refs: readonly ColumnRef[], label?: string): Dataset {
  if (refs.length === 0) throw new DataError(`no columns selected${label ? ` in ${label}` : ''}`);
  const idx = refs.map((r) => resolveColumn(ds, r, label));
  return { names: idx.map((j) => ds.names[j]!), columns: idx.map((j) => ds.columns[j]!), n: ds.n };
}
