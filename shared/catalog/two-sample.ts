/**
 * Two-sample measures (divergences) take one table: the values in x and a sample label in y
 * (one column, exactly two distinct values; P is the smaller value, Q the larger). A user with
 * two files gives `--data P --data-q Q`: `stackSamples` builds that table (label 0 for P rows,
 * 1 for Q rows), so the embedded engine, the wire and the cluster see one dataset and one hash,
 * and a permutation test (pool and relabel P and Q) is a shuffle of the label block.
 */
import type { Dataset, Matrix } from '../data/matrix.js';
import { DataError, EstimatorError } from '../errors.js';
import { resolveColumn } from '../data/select.js';
import type { ColumnRef } from '../job/spec.js';

/** Name of the label column `stackSamples` adds. */
export const SAMPLE_COLUMN = 'sample';

/** P rows then Q rows of the x columns (by name, or index in each file), plus the label column. */
export function stackSamples(p: Dataset, q: Dataset, x: readonly ColumnRef[]): { data: Dataset; x: string[]; y: string[] } {
  const pc = x.map((c, i) => resolveColumn(p, c, `x[${i}]`));
  const qc = x.map((c, i) => resolveColumn(q, c, `x[${i}] (in the Q sample)`));
  const names = pc.map((j) => p.names[j]!);
  if (names.includes(SAMPLE_COLUMN)) throw new DataError(`column name '${SAMPLE_COLUMN}' is reserved for the sample label of a two-sample measure; rename it`);
  const n = p.n + q.n;
  const columns = pc.map((j, c) => {
    const col = new Float64Array(n);
    col.set(p.columns[j]!, 0);
    col.set(q.columns[qc[c]!]!, p.n);
    return col;
  });
  const label = new Float64Array(n);
  label.fill(1, p.n);
  return { data: { names: [...names, SAMPLE_COLUMN], columns: [...columns, label], n }, x: names, y: [SAMPLE_COLUMN] };
}

/** The P and Q rows of x by the two values of the label block y. */
export function splitSamples(x: Matrix, y: Matrix): { p: Matrix; q: Matrix } {
  if (y.d !== 1) throw new DataError(`the sample label (y) must be one column; got ${y.d}`);
  const lab = y.data;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < lab.length; i++) {
    const v = lab[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  let np = 0;
  for (let i = 0; i < lab.length; i++) {
    const v = lab[i]!;
    if (v === lo) np++;
    else if (v !== hi) throw new DataError(`the sample label (y) must take exactly two values; row ${i} has ${v} besides ${lo} and ${hi}`);
  }
  if (!(lo < hi)) throw new EstimatorError('the sample label (y) has one value only: a divergence needs rows of both samples P and Q');
  const d = x.d;
  const pd = new Float64Array(np * d), qd = new Float64Array((x.n - np) * d);
  let a = 0, b = 0;
  for (let i = 0; i < x.n; i++) {
    const dst = lab[i] === lo ? pd : qd;
    const o = lab[i] === lo ? a++ : b++;
    for (let j = 0; j < d; j++) dst[o * d + j] = x.data[i * d + j]!;
  }
  return { p: { n: np, d, data: pd }, q: { n: x.n - np, d, data: qd } };
}
