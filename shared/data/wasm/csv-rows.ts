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

/**
 * Bytes of text the kernel holds at a time (whole lines; more for a longer line): a window
 * re-used from one call to the next stays in cache, where 4 MB copied in at once cost more in
 * fresh pages than the copy.
 */
const WINDOW_BYTES = 1 << 18;

let kernel: Kernel | null | undefined;

const align8 = (p: number) => (p + 7) & ~7;

/**
 * The kernel over one text, which it reads through a window of whole lines. The module's
 * memory is one per thread: use a CsvRows before the next `over`, synchronously.
 */
export class CsvRows {
  /** Rows one `read` takes at most. */
  readonly max: number;
  /** Rows the last `read` took. */
  done = 0;
  /** The window: bytes[start, end) at `text` in the kernel's memory. */
  private start = 0;
  private end = 0;

  private constructor(private readonly w: Kernel, private readonly bytes: Uint8Array, private readonly to: number, private readonly want: number, private readonly out: number, private readonly text: number, max: number) {
    this.max = max;
  }

  /**
   * The kernel over bytes[·, to) with file column j parsed into column want[j] (−1: not parsed)
   * of `m`; undefined where there is no WebAssembly.
   */
  static over(bytes: Uint8Array, to: number, want: Int32Array, m: number): CsvRows | undefined {
    if (kernel === undefined) kernel = instantiate<Kernel>(CSV_ROWS_WASM);
    const w = kernel;
    if (!w) return undefined;
    const max = Math.max(16, Math.floor(OUT_BYTES / 8 / Math.max(1, m)));
    const wantAt = align8(w.heapBase());
    const out = align8(wantAt + 4 * want.length);
    const text = out + 8 * m * max;
    if (!reserveMemory(w.memory, text + WINDOW_BYTES + 16)) return undefined;
    new Int32Array(w.memory.buffer, wantAt, want.length).set(want);
    return new CsvRows(w, bytes, to, wantAt, out, text, max);
  }

  /**
   * Rows from `pos`, at most `max`: `done` of them, column u's values in `values(u)`. Returns
   * where it stopped: the end, the row after the last one read, or a row it left to the caller.
   * Undefined when a line does not fit in memory (the caller reads on without the kernel).
   */
  read(pos: number, d: number, delim: number): number | undefined {
    if ((pos < this.start || pos >= this.end) && !this.load(pos)) return undefined;
    const len = this.end - this.start;
    const stop = this.w.rows(this.text, len, d, delim, this.want, this.out, this.max, pos - this.start);
    this.done = this.w.rowsDone();
    return this.start + stop;
  }

  /** The window from pos: up to WINDOW_BYTES, cut after its last line break (the line's end if none); then a 0 and 8 bytes a number read may touch. */
  private load(pos: number): boolean {
    let end = Math.min(this.to, pos + WINDOW_BYTES);
    if (end < this.to) {
      const nl = this.bytes.lastIndexOf(10, end - 1);
      if (nl >= pos) end = nl + 1;
      else {
        const next = this.bytes.indexOf(10, end);
        end = next < 0 || next >= this.to ? this.to : next + 1;
      }
    }
    if (this.text + (end - pos) + 16 >= 2 ** 31 || !reserveMemory(this.w.memory, this.text + (end - pos) + 16)) return false;
    const window = new Uint8Array(this.w.memory.buffer, this.text, end - pos + 1);
    window.set(this.bytes.subarray(pos, end));
    window[end - pos] = 0;
    this.start = pos;
    this.end = end;
    return true;
  }

  /** Parsed column u of the last `read` (a view: copy it before the next read). */
  values(u: number): Float64Array {
    return new Float64Array(this.w.memory.buffer, this.out + 8 * u * this.max, this.done);
  }
}
