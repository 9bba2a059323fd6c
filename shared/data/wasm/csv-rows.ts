/**
 * The CSV fast path's rows from a WebAssembly kernel (source: wasm/csv-rows.ts, built by
 * scripts/build-wasm.mjs): the same numbers as decimal.ts, bit for bit, and the rows csv.ts
 * plainRows reads; any row it does not take (blank or odd lines, cells that need Number() or
 * an error) it leaves to plainRows.
 *
 * Why: loading a 1e5-row CSV in a fresh process (a CLI run) spent most of its time in
 * JavaScript loops that V8 had not optimised yet; a WebAssembly module is compiled (baseline
 * tier) before its first call (issue 12).
 */
import { instantiate, reserveMemory, type WasmMemory } from '../../wasm.js';
import { CSV_ROWS_WASM } from './csv-rows-bytes.js';

interface Kernel {
  readonly memory: WasmMemory;
  heapBase(): number;
  rowsDone(): number;
  rows(base: number, len: number, d: number, delim: number, want: number, out: number, max: number, pos: number): number;
}

/**
 * Bytes of output a call fills at most (so rows a call = this / 8 / parsed columns): short
 * calls, so that the calls after V8's optimised tier of the kernel is ready run it (there is no
 * on-stack replacement in WebAssembly).
 */
const OUT_BYTES = 1 << 17;

let kernel: Kernel | null | undefined;

const align8 = (p: number) => (p + 7) & ~7;

/**
 * The kernel over one text: its bytes copied in once, then rows read from any position. The
 * module's memory is one per thread: use a CsvRows before the next `over`, synchronously.
 */
export class CsvRows {
  /** Rows one `read` takes at most. */
  readonly max: number;
  /** Rows the last `read` took. */
  done = 0;

  private constructor(private readonly w: Kernel, private readonly from: number, private readonly base: number, private readonly len: number, private readonly want: number, private readonly out: number, max: number) {
    this.max = max;
  }

  /**
   * The kernel over bytes[from, to) with file column j parsed into column want[j] (−1: not
   * parsed) of `m`; undefined where there is no WebAssembly or no memory for the text.
   */
  static over(bytes: Uint8Array, from: number, to: number, want: Int32Array, m: number): CsvRows | undefined {
    if (kernel === undefined) kernel = instantiate<Kernel>(CSV_ROWS_WASM);
    const w = kernel;
    if (!w) return undefined;
    const len = to - from;
    const base = align8(w.heapBase());
    const wantAt = align8(base + len + 8); // the 0 after the text, and 8 bytes a number read may touch
    const out = align8(wantAt + 4 * want.length);
    const max = Math.max(16, Math.floor(OUT_BYTES / 8 / Math.max(1, m)));
    if (base + len >= 2 ** 31 || !reserveMemory(w.memory, out + 8 * m * max)) return undefined;
    const buf = w.memory.buffer;
    const text = new Uint8Array(buf, base, len + 1);
    text.set(bytes.subarray(from, to));
    text[len] = 0;
    new Int32Array(buf, wantAt, want.length).set(want);
    return new CsvRows(w, from, base, len, wantAt, out, max);
  }

  /**
   * Rows from `pos` (a position in the bytes given to `over`), at most `max`: `done` of them,
   * column u's values in `values(u)`. Returns where it stopped: the end, the row after the
   * last one read, or a row it left to the caller.
   */
  read(pos: number, d: number, delim: number): number {
    const stop = this.w.rows(this.base, this.len, d, delim, this.want, this.out, this.max, pos - this.from);
    this.done = this.w.rowsDone();
    return this.from + stop;
  }

  /** Parsed column u of the last `read` (a view: copy it before the next read). */
  values(u: number): Float64Array {
    return new Float64Array(this.w.memory.buffer, this.out + 8 * u * this.max, this.done);
  }
}
