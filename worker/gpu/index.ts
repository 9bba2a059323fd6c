/**
 * Backends for batched kNN resampling work (issue 5): `createBackend('cpu' | 'gpu' | 'auto')`.
 * 'gpu' runs gpu.js kernels (headlessgl/webgl/webgpu where a GPU exists, WebAssembly
 * elsewhere) with a float64 recheck, so results are bit-identical to 'cpu'.
 */
import { OptionError } from '../../shared/errors.js';
import { CpuBackend } from './cpu-backend.js';
import { GpuBackend } from './gpu-backend.js';
import { AutoBackend } from './select.js';
import type { Backend, BackendKind, GpuBackendOptions } from './types.js';

export type { Backend, BackendKind, GpuBackendOptions, EstimatorInput, EstimatorParams } from './types.js';
export { DEFAULT_MAX_BYTES_PER_CALL } from './types.js';
export { CpuBackend } from './cpu-backend.js';
export { GpuBackend } from './gpu-backend.js';
export { AutoBackend, clearCalibrations, cachedCalibrations, calibrationKey, type Calibration } from './select.js';
export { planSupported } from './plan.js';

let sharedGpu: GpuBackend | null | undefined;

/** One gpu.js backend per process (thread): kernels compile once and stay cached. */
function processGpu(opts: GpuBackendOptions): GpuBackend {
  if (!sharedGpu) sharedGpu = new GpuBackend(opts);
  return sharedGpu;
}

/**
 * @throws OptionError for an unknown kind; UnavailableError when 'gpu' is asked for and gpu.js
 *   cannot build a kernel here ('auto' then silently uses the CPU and says so in describe()).
 */
export function createBackend(kind: BackendKind, opts: GpuBackendOptions = {}): Backend {
  switch (kind) {
    case 'cpu':
      return new CpuBackend();
    case 'gpu':
      return opts.mode || opts.maxBytesPerCall ? new GpuBackend(opts) : processGpu(opts);
    case 'auto':
      return new AutoBackend(() => (opts.mode || opts.maxBytesPerCall ? new GpuBackend(opts) : processGpu(opts)));
    default:
      throw new OptionError(`backend must be one of auto, cpu, gpu; got '${String(kind)}'`, 'backend');
  }
}
