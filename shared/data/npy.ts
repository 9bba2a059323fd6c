/**
 * NumPy `.npy` reader (format versions 1.0, 2.0 and 3.0; see numpy/lib/format.py).
 * Accepts 1-D (one column) and 2-D arrays in C or Fortran order with dtypes float64/float32,
 * int8/16/32/64 and uint8/16/32/64 of either byte order. Columns are named '0', '1', ...
 */
import { DataError } from '../errors.js';
import type { Dataset } from './matrix.js';
import { checkFinite, makeDataset } from './cells.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyHeader {
  /** e.g. '<f8'. */
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the array data. */
  dataOffset: number;
}

type Reader = (view: DataView, byteOffset: number) => number;

/** Element readers by kind+size; `le` = little-endian. */
function readerFor(descr: string): { size: number; read: Reader; float: boolean } {
  const m = /^([<>|=])([fiu])(\d+)$/.exec(descr);
  if (!m) throw new DataError(`unsupported NPY dtype '${descr}' (supported: float32/64, int8-64, uint8-64)`);
  const le = m[1] !== '>'; // '|' (single byte) and '=' (native; all supported platforms are little-endian)
  const kind = m[2]!;
  const size = Number(m[3]);
  const key = `${kind}${size}`;
  switch (key) {
    case 'f8': return { size, float: true, read: (v, o) => v.getFloat64(o, le) };
    case 'f4': return { size, float: true, read: (v, o) => v.getFloat32(o, le) };
    case 'i8': return { size, float: false, read: (v, o) => Number(v.getBigInt64(o, le)) };
    case 'i4': return { size, float: false, read: (v, o) => v.getInt32(o, le) };
    case 'i2': return { size, float: false, read: (v, o) => v.getInt16(o, le) };
    case 'i1': return { size, float: false, read: (v, o) => v.getInt8(o) };
    case 'u8': return { size, float: false, read: (v, o) => Number(v.getBigUint64(o, le)) };
    case 'u4': return { size, float: false, read: (v, o) => v.getUint32(o, le) };
    case 'u2': return { size, float: false, read: (v, o) => v.getUint16(o, le) };
    case 'u1': return { size, float: false, read: (v, o) => v.getUint8(o) };
    default:
      throw new DataError(`unsupported NPY dtype '${descr}' (supported: float32/64, int8-64, uint8-64)`);
  }
}

/** Parse the magic string and the header dictionary. */
export function parseNpyHeader(bytes: Uint8Array): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new DataError('not an NPY file (bad magic string)');
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new DataError(`unsupported NPY format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw new DataError('truncated NPY header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (bytes.length < start + headerLen) throw new DataError('truncated NPY header');
  const header = Buffer.from(bytes.buffer, bytes.byteOffset + start, headerLen).toString(major === 3 ? 'utf8' : 'latin1');

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header);
  if (!descr) throw new DataError(`unsupported NPY dtype in header ${header.trim()} (structured arrays are not supported)`);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!fortran || !shape) throw new DataError(`malformed NPY header ${header.trim()}`);
  const dims = shape[1]!.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (!dims.every((s) => /^\d+$/.test(s))) throw new DataError(`malformed NPY shape (${shape[1]})`);
  return { descr: descr[1]!, fortranOrder: fortran[1] === 'True', shape: dims.map(Number), dataOffset: start + headerLen };
}

/**
 * Parse NPY bytes into a Dataset.
 * @throws DataError for a bad header, unsupported dtype or rank, truncated data, empty arrays
 *   and non-finite values (row and column named).
 */
export function parseNpy(bytes: Uint8Array): Dataset {
  const h = parseNpyHeader(bytes);
  if (h.shape.length !== 1 && h.shape.length !== 2) {
    throw new DataError(`NPY array must be 1-D or 2-D, got shape (${h.shape.join(', ')})`);
  }
  const { size, read, float } = readerFor(h.descr);
  const n = h.shape[0]!;
  const d = h.shape.length === 2 ? h.shape[1]! : 1;
  if (n === 0) throw new DataError('empty data: no rows');
  if (d === 0) throw new DataError('empty data: no columns');
  const need = n * d * size;
  if (bytes.length - h.dataOffset < need) {
    throw new DataError(`truncated NPY data: shape (${h.shape.join(', ')}) needs ${need} bytes, file has ${bytes.length - h.dataOffset}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, need);
  const names = Array.from({ length: d }, (_, j) => String(j));
  const columns = names.map(() => new Float64Array(n));
  // C order: element (i, j) at i*d + j; Fortran order: at j*n + i.
  const rowStride = h.fortranOrder ? 1 : d;
  const colStride = h.fortranOrder ? n : 1;
  for (let j = 0; j < d; j++) {
    const col = columns[j]!;
    for (let i = 0; i < n; i++) col[i] = read(view, (i * rowStride + j * colStride) * size);
    if (float) for (let i = 0; i < n; i++) checkFinite(col[i]!, i + 1, names[j]!);
  }
  return makeDataset(names, columns);
}
