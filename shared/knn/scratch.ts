/**
 * Reusable typed arrays for the kNN hot paths (permutation / bootstrap replicates), so that a
 * replicate allocates nothing once the sizes are known. A slot hands back the same array
 * while the requested length stays the same and a fresh one when it changes; contents are
 * stale (callers overwrite every entry, or `fill` first). An array taken from a slot is only
 * valid until the next take of that slot: an owner (a permutation context, one call of
 * `estimateOnRows`, one function's locals) must not let it escape. Single-threaded by
 * construction (each worker thread has its own module instances).
 */
export class Scratch {
  private readonly f = new Map<string, Float64Array<ArrayBuffer>>();
  private readonly i = new Map<string, Int32Array<ArrayBuffer>>();

  /** A Float64Array of exactly `n` entries for `slot` (stale contents). */
  f64(slot: string, n: number): Float64Array<ArrayBuffer> {
    let a = this.f.get(slot);
    if (!a || a.length !== n) {
      a = new Float64Array(n);
      this.f.set(slot, a);
    }
    return a;
  }

  /** An Int32Array of exactly `n` entries for `slot` (stale contents). */
  i32(slot: string, n: number): Int32Array<ArrayBuffer> {
    let a = this.i.get(slot);
    if (!a || a.length !== n) {
      a = new Int32Array(n);
      this.i.set(slot, a);
    }
    return a;
  }
}
