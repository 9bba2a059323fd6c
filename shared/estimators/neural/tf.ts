/**
 * The tensor library of the neural estimators, loaded on first use only: `@tensorflow/tfjs`
 * (the union package: its Node bundle carries the gradient
 * registrations that `@tensorflow/tfjs-core` alone lacks) on its pure-JavaScript CPU backend.
 * Nothing else in the engine pays its load (~0.3–0.8 s; CLI start-up, issue 12).
 *
 * Why the CPU backend: its kernels are single-threaded JavaScript, so the same inputs give the
 * same float32 bits on every machine and thread (the determinism contract); `tfjs-node` needs a
 * native binary downloaded at install, and the WebAssembly backend's SIMD/threads builds differ by
 * host. With a GPU present, `@tensorflow/tfjs-backend-webgpu` (or `tfjs-node-gpu`) would run the
 * same code through `tf.setBackend`, at the price of bitwise reproducibility (docs/neural.md).
 *
 * Loaded with `require` (createRequire) rather than `await import()` because the estimator
 * interface is synchronous (EstimateFn), as gpu.js is loaded in worker/gpu.
 */
import { createRequire } from 'node:module';
import { InternalError } from '../../errors.js';

export type Tf = typeof import('@tensorflow/tfjs');

let tf: Tf | undefined;

export function loadTf(): Tf {
  if (tf) return tf;
  const require = createRequire(import.meta.url);
  let mod: Tf;
  try {
    mod = require('@tensorflow/tfjs') as Tf;
  } catch (e) {
    throw new InternalError(`the neural estimators need @tensorflow/tfjs (npm ci): ${(e as Error).message}`, { cause: e });
  }
  // PROD: no per-op NaN debugging and no "install tfjs-node" banner on stderr
  mod.env().set('PROD', true);
  // the cpu backend initialises synchronously (the promise only reports it)
  void mod.setBackend('cpu');
  if (mod.getBackend() !== 'cpu') throw new InternalError(`tfjs: the cpu backend did not initialise (got ${mod.getBackend()})`);
  tf = mod;
  return mod;
}
