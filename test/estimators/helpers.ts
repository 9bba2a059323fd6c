/** Test helpers: locate ../shared/cases, parse its small CSVs, generate seeded Gaussians. */
import fs from 'node:fs';
import path from 'node:path';
import { columnsToMatrix, type Matrix } from '../../shared/data/matrix.js';
import { stream } from '../../shared/rng/index.js';
import { casesDir } from '../helpers/cases.js';

export const CASES_DIR = casesDir();

export interface Case {
  file: string;
  measure: 'mi' | 'entropy' | 'cmi';
  estimator: string;
  x: string[];
  y?: string[];
  z?: string[];
  k?: number;
  expected: number;
  truth?: number;
}

export function loadCases(): Case[] {
  return (JSON.parse(fs.readFileSync(path.join(CASES_DIR, 'expected.json'), 'utf8')) as { cases: Case[] }).cases;
}

/** A header + numeric rows CSV (the reference files have no quoting). */
export function readCsv(file: string): Map<string, Float64Array> {
  const lines = fs.readFileSync(path.join(CASES_DIR, file), 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const names = lines[0]!.split(',');
  const cols = names.map(() => new Float64Array(lines.length - 1));
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r]!.split(',');
    for (let c = 0; c < names.length; c++) cols[c]![r - 1] = Number(cells[c]);
  }
  return new Map(names.map((n, c) => [n, cols[c]!]));
}

export function select(table: Map<string, Float64Array>, names: string[]): Matrix {
  return columnsToMatrix(names.map((n) => table.get(n)!));
}

/**
 * n draws of a zero-mean Gaussian with covariance Σ = L Lᵀ (L lower-triangular, row-major
 * d × d), from rng stream(seed, 0). Returns row-major n × d.
 */
export function gaussianSample(n: number, chol: number[][], seed: number): Matrix {
  const d = chol.length;
  const rng = stream(seed, 0);
  const data = new Float64Array(n * d);
  const z = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) z[j] = rng.nextGaussian();
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let b = 0; b <= a; b++) s += chol[a]![b]! * z[b]!;
      data[i * d + a] = s;
    }
  }
  return { n, d, data };
}

/** Columns [c0, c1) of a row-major matrix. */
export function columns(m: Matrix, c0: number, c1: number): Matrix {
  const d = c1 - c0;
  const data = new Float64Array(m.n * d);
  for (let i = 0; i < m.n; i++) for (let j = 0; j < d; j++) data[i * d + j] = m.data[i * m.d + c0 + j]!;
  return { n: m.n, d, data };
}

export function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}
