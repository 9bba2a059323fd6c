/**
 * Instantiation of the WebAssembly kernels (AssemblyScript sources in wasm/, built by
 * scripts/build-wasm.mjs into base64 modules next to their loaders). A kernel is an
 * optimisation: where WebAssembly is unavailable its loader gets null and the JavaScript path
 * serves.
 */

// the few WebAssembly names used (tsconfig's ES2022 lib does not declare the API)
declare namespace WebAssembly {
  class Module { constructor(bytes: Uint8Array); }
  class Instance { constructor(module: Module, imports: object); readonly exports: unknown; }
  interface Memory { readonly buffer: ArrayBuffer; grow(pages: number): number; }
}

/** A kernel's linear memory. */
export type WasmMemory = WebAssembly.Memory;

/** The exports of the module in `base64`, or null where it cannot be compiled. */
export function instantiate<T>(base64: string): T | null {
  try {
    const bin = atob(base64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as T;
  } catch {
    return null;
  }
}

/**
 * Memory a thread's cached kernel instance may hold between calls. WebAssembly memory never
 * shrinks, so a call needing more gets an instance of its own, freed with it (a long-lived
 * worker would otherwise keep its largest estimate's memory for good). Instantiating costs
 * about a millisecond; a call this large takes far longer.
 */
export const KEEP_MEMORY_BYTES = 64 * 2 ** 20;

/** Grow `memory` to at least `bytes`; false when the address space is full. */
export function reserveMemory(memory: WasmMemory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return true;
  try {
    memory.grow(Math.ceil((bytes - have) / 65536));
    return true;
  } catch {
    return false;
  }
}
