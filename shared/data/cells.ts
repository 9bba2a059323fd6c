/**
 * Shared validation for every reader: one place decides what a numeric cell is and how a
 * bad cell, a duplicate header or an empty table is reported (one line, naming row and column).
 */
import { DataError } from '../errors.js';
import type { Dataset } from './matrix.js';

/** Plain decimal or scientific notation; no hex, no blanks, no 'NaN'/'Infinity'. */
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE_RE = /^[+-]?(?:nan|inf|infinity)$/i;

/** Show a cell in an error message without letting a huge cell flood the line. */
export function quoteCell(raw: string): string {
  const s = raw.length > 40 ? `${raw.slice(0, 37)}...` : raw;
  return JSON.stringify(s);
}

/** Where a cell sits: 1-based data row (header excluded) and column name. */
export function cellLocation(row: number, column: string): string {
  return `row ${row}, column '${column}'`;
}

/** Reject NaN and ±Infinity with the cell's location. */
export function checkFinite(value: number, row: number, column: string): number {
  if (!Number.isFinite(value)) {
    throw new DataError(`non-finite value ${String(value)} at ${cellLocation(row, column)}`);
  }
  return value;
}

/** Parse one text cell (CSV) to a finite float64, or throw a DataError naming row and column. */
export function parseTextCell(raw: string, row: number, column: string): number {
  const s = raw.trim();
  if (s === '') throw new DataError(`empty cell at ${cellLocation(row, column)}`);
  if (NON_FINITE_RE.test(s)) throw new DataError(`non-finite value ${quoteCell(s)} at ${cellLocation(row, column)}`);
  if (!NUMBER_RE.test(s)) throw new DataError(`non-numeric value ${quoteCell(s)} at ${cellLocation(row, column)}`);
  return checkFinite(Number(s), row, column); // '1e999' parses to Infinity
}

/** Column names must be non-empty and unique. */
export function checkNames(names: readonly string[]): void {
  if (names.length === 0) throw new DataError('empty data: no columns');
  const seen = new Map<string, number>();
  names.forEach((name, j) => {
    if (name === '') throw new DataError(`column ${j} has an empty name`);
    const first = seen.get(name);
    if (first !== undefined) throw new DataError(`duplicate column name '${name}' (columns ${first} and ${j})`);
    seen.set(name, j);
  });
}

/** Assemble a Dataset after the checks every format shares (names, at least one row, equal lengths). */
export function makeDataset(names: readonly string[], columns: readonly Float64Array[]): Dataset {
  checkNames(names);
  if (columns.length !== names.length) {
    throw new DataError(`${names.length} column names but ${columns.length} columns`);
  }
  const n = columns[0]!.length;
  columns.forEach((c, j) => {
    if (c.length !== n) throw new DataError(`column '${names[j]}' has ${c.length} values, expected ${n}`);
  });
  if (n === 0) throw new DataError('empty data: no rows');
  return { names: [...names], columns, n };
}

/** Labels of a text column (Arrow dictionary or string, Parquet string) → codes of the sorted distinct labels, with a note. */
export function encodeLabels(vec: { length: number; get(i: number): unknown }, name: string, notes?: string[]): Float64Array {
  const labels: string[] = [];
  for (let i = 0; i < vec.length; i++) {
    const v = vec.get(i);
    if (v === null || v === undefined) throw new DataError(`missing value (null) at ${cellLocation(i + 1, name)}`);
    labels.push(String(v));
  }
  const levels = [...new Set(labels)].sort();
  const code = new Map(levels.map((l, k) => [l, k]));
  notes?.push(`column '${name}' holds text: its ${levels.length} distinct values are encoded as 0..${levels.length - 1} in sorted order (${levels.slice(0, 6).map((l, k) => `${JSON.stringify(l)} = ${k}`).join(', ')}${levels.length > 6 ? ', ...' : ''})`);
  return Float64Array.from(labels, (l) => code.get(l)!);
}
