/**
 * Minimal NumPy `.npy` writer (format 1.0, C order) for handing the same bytes to the
 * scikit-learn side of the benchmark. Float64 ('<f8') and Int32 ('<i4') 2-D arrays only;
 * the reader is shared/data/npy.ts (and numpy.load on the Python side).
 */
import { writeFileSync } from 'node:fs';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Encode a row-major rows × cols array as .npy bytes. */
export function encodeNpy(data: Float64Array | Int32Array, rows: number, cols: number): Buffer {
  if (data.length !== rows * cols) throw new RangeError(`npy: ${data.length} values do not fill a ${rows}×${cols} array`);
  const descr = data instanceof Float64Array ? '<f8' : '<i4';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  // magic(6) + version(2) + header length(2) + header, padded with spaces to a multiple of 64, '\n'-terminated
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = Buffer.alloc(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  // typed arrays are little-endian on every platform Node supports
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

export function writeNpy(path: string, data: Float64Array | Int32Array, rows: number, cols: number): void {
  writeFileSync(path, encodeNpy(data, rows, cols));
}
