/** Test helper: write NPY bytes (any version, dtype, order) the way numpy.lib.format does. */

export type NpyDtype = '<f8' | '<f4' | '>f8' | '<i8' | '<i4' | '<i2' | '|i1' | '|u1' | '<u2' | '<u4' | '<u8';

export interface NpyWriteOptions {
  dtype?: NpyDtype;
  version?: 1 | 2 | 3;
  fortran?: boolean;
  /** Write a 1-D array (rows must have one value each). */
  oneD?: boolean;
}

function put(view: DataView, off: number, dtype: NpyDtype, v: number): void {
  switch (dtype) {
    case '<f8': return view.setFloat64(off, v, true);
    case '>f8': return view.setFloat64(off, v, false);
    case '<f4': return view.setFloat32(off, v, true);
    case '<i8': return view.setBigInt64(off, BigInt(v), true);
    case '<i4': return view.setInt32(off, v, true);
    case '<i2': return view.setInt16(off, v, true);
    case '|i1': return view.setInt8(off, v);
    case '|u1': return view.setUint8(off, v);
    case '<u2': return view.setUint16(off, v, true);
    case '<u4': return view.setUint32(off, v, true);
    case '<u8': return view.setBigUint64(off, BigInt(v), true);
  }
}

/** rows[i][j] → NPY bytes. */
export function writeNpy(rows: number[][], opts: NpyWriteOptions = {}): Uint8Array {
  const dtype = opts.dtype ?? '<f8';
  const version = opts.version ?? 1;
  const n = rows.length;
  const d = opts.oneD ? 1 : (rows[0]?.length ?? 0);
  const size = Number(dtype.slice(2));
  const shape = opts.oneD ? `(${n},)` : `(${n}, ${d})`;
  let dict = `{'descr': '${dtype}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;
  const lenBytes = version === 1 ? 2 : 4;
  const pre = 8 + lenBytes;
  // pad with spaces so that data starts on a 64-byte boundary, newline-terminated
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  dict = dict + ' '.repeat(total - pre - dict.length - 1) + '\n';
  const out = new Uint8Array(total + n * d * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, dict.length, true);
  else view.setUint32(8, dict.length, true);
  out.set(Buffer.from(dict, version === 3 ? 'utf8' : 'latin1'), pre);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const idx = opts.fortran ? j * n + i : i * d + j;
      put(view, total + idx * size, dtype, rows[i]![j]!);
    }
  }
  return out;
}
