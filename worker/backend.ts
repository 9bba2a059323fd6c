/**
 * The batch backend a worker (piscina thread, or the embedded engine's own thread) hands to
 * `executeShard` for a job's `backend` setting: 'cpu' → none (the CPU path as it always was),
 * 'gpu' → the gpu.js kernels (UnavailableError where gpu.js cannot run), 'auto' → calibrated
 * choice. One instance per kind per thread, so kernels compile once and calibrations persist.
 */
import type { ShardBackend } from '../shared/job/backend.js';
import type { Backend as BackendKind } from '../shared/job/spec.js';
import { createBackend } from './gpu/index.js';

const perThread = new Map<BackendKind, ShardBackend>();

export function shardBackend(kind: BackendKind): ShardBackend | undefined {
  if (kind === 'cpu') return undefined;
  let b = perThread.get(kind);
  if (!b) perThread.set(kind, (b = createBackend(kind)));
  return b;
}
