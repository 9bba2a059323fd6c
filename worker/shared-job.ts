/**
 * Placing a prepared job's data on SharedArrayBuffers, once per job, so that every pool thread
 * reads the same memory (docs/design.md, contract 2). Structured clone of a SharedArrayBuffer-backed
 * typed array shares the memory instead of copying it.
 */
import type { Matrix } from '../shared/data/matrix.js';
import type { EstimatorInput } from '../shared/estimators/index.js';
import type { PreparedJob } from '../shared/job/prepare.js';

function shareF64(a: Float64Array): Float64Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const s = new Float64Array(new SharedArrayBuffer(a.byteLength));
  s.set(a);
  return s;
}

function shareI32(a: Int32Array): Int32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const s = new Int32Array(new SharedArrayBuffer(a.byteLength));
  s.set(a);
  return s;
}

function shareMatrix(m: Matrix): Matrix {
  return { n: m.n, d: m.d, data: shareF64(m.data) };
}

/** A copy of `p` whose bulk arrays live on SharedArrayBuffers (values unchanged, bit for bit). */
export function sharePreparedJob(p: PreparedJob): PreparedJob {
  const input: EstimatorInput = { x: shareMatrix(p.input.x) };
  if (p.input.y) input.y = shareMatrix(p.input.y);
  if (p.input.z) input.z = shareMatrix(p.input.z);
  if (p.input.t) input.t = shareMatrix(p.input.t);
  const out: PreparedJob = { ...p, input };
  if (p.permutation?.surrogates) out.permutation = { ...p.permutation, surrogates: p.permutation.surrogates.map(shareI32) };
  if (p.many) out.many = { ...p.many, columns: p.many.columns.map(shareMatrix), ...(p.many.pairs ? { pairs: shareI32(p.many.pairs) } : {}) };
  if (p.teStep) out.teStep = { ...p.teStep, series: p.teStep.series.map(shareF64) };
  return out;
}
