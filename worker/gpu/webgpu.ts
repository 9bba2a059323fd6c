/**
 * WebGPU in Node for gpu.js's 'webgpu' mode, through the `webgpu` package (Dawn's dawn.node).
 *
 * gpu.js 2.24 reads `navigator.gpu`, which Node 20 does not have, and sets
 * `device.onuncapturederror = fn`, which dawn.node 0.2.9 rejects ("object is not of the
 * correct interface type"), so a plain `new GPU({ mode: 'webgpu' })` cannot acquire a device
 * in Node. `installNavigatorGpu()` puts a small `navigator.gpu` in place whose devices take that
 * handler as a plain property; everything else is Dawn's own object. Dawn's Linux build needs
 * glibc ≥ 2.38 and a Vulkan loader (libvulkan.so.1) with an ICD for the device (the NVIDIA
 * driver's, or Mesa's lavapipe in software); `loadDawn()` reports the loader's own error when
 * either is missing, and `listAdapters()` says which adapters Dawn sees.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

/** The part of Dawn's GPU / GPUAdapter objects used here (the full types are @webgpu/types). */
interface DawnAdapter {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  readonly isFallbackAdapter?: boolean;
  readonly limits: Record<string, number>;
  readonly features: Iterable<string>;
  requestDevice(desc?: unknown): Promise<DawnDevice>;
}
interface DawnDevice {
  destroy(): void;
}
interface DawnGpu {
  requestAdapter(opts?: Record<string, unknown>): Promise<DawnAdapter | null>;
}
interface DawnModule {
  create(flags: string[]): DawnGpu;
  globals: Record<string, unknown>;
}

export type DawnLoad = { ok: true; gpu: DawnGpu; file: string } | { ok: false; error: string; file: string };

let loaded: DawnLoad | undefined;

/** The dawn.node binary for this platform, inside the installed `webgpu` package. */
export function dawnBinaryPath(): string {
  const pkg = createRequire(import.meta.url).resolve('webgpu/package.json');
  return path.join(path.dirname(pkg), 'dist', `${process.platform}-${process.arch}.dawn.node`);
}

/**
 * Load dawn.node once per process (the same load `import 'webgpu'` does, but synchronous and
 * with the dynamic loader's error kept: a missing GLIBC_2.38 or libvulkan.so.1 shows here).
 */
export function loadDawn(flags: string[] = []): DawnLoad {
  if (loaded) return loaded;
  let file = '(webgpu package not installed)';
  try {
    file = dawnBinaryPath();
    const mod = createRequire(import.meta.url)(file) as DawnModule;
    // GPUBufferUsage, GPUMapMode, ...: gpu.js reads some of these as globals
    for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    loaded = { ok: true, gpu: mod.create(flags), file };
  } catch (err) {
    loaded = { ok: false, error: (err as Error).message.split('\n')[0]!, file };
  }
  return loaded;
}

/** Wrap an adapter so the devices it makes accept gpu.js's `onuncapturederror = fn`. */
function wrapAdapter(a: DawnAdapter): DawnAdapter {
  return {
    get info() { return a.info; },
    get isFallbackAdapter() { return a.isFallbackAdapter; },
    get limits() { return a.limits; },
    get features() { return a.features; },
    async requestDevice(desc?: unknown) {
      const dev = await a.requestDevice(desc);
      let handler: ((e: unknown) => void) | null = null;
      // an own property shadows dawn.node's accessor, which takes no JS function (nor does its
      // addEventListener): gpu.js's logger is kept but never called, so an uncaptured
      // validation error shows as a failed kernel (a wrong or missing result), not as a log line
      Object.defineProperty(dev, 'onuncapturederror', { configurable: true, get: () => handler, set: (fn: ((e: unknown) => void) | null) => (handler = fn) });
      return dev;
    },
  };
}

/**
 * Give gpu.js a `navigator.gpu` backed by Dawn, unless one exists already.
 * @returns null when installed (or present), else why WebGPU cannot be used here.
 */
export function installNavigatorGpu(): string | null {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return null;
  const d = loadDawn();
  if (!d.ok) return `cannot load dawn.node (${d.file}): ${d.error}`;
  const gpu = {
    async requestAdapter(opts?: Record<string, unknown>) {
      const a = await d.gpu.requestAdapter(opts);
      return a ? wrapAdapter(a) : null;
    },
    getPreferredCanvasFormat: () => 'rgba8unorm',
  };
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { configurable: true, value: gpu });
  else Object.defineProperty(globalThis, 'navigator', { configurable: true, writable: true, value: { gpu } });
  return null;
}

export interface AdapterReport {
  /** The requestAdapter options asked with. */
  request: Record<string, unknown>;
  adapter: null | {
    vendor: string;
    architecture: string;
    device: string;
    description: string;
    isFallbackAdapter: boolean;
    maxStorageBufferBindingSize: number;
    maxBufferSize: number;
    maxComputeWorkgroupsPerDimension: number;
  };
}

/** What Dawn answers to the adapter requests gpu.js and a user would make. */
export async function listAdapters(): Promise<{ dawn: { ok: boolean; file: string; error?: string }; adapters: AdapterReport[] }> {
  const d = loadDawn();
  if (!d.ok) return { dawn: { ok: false, error: d.error, file: d.file }, adapters: [] };
  const adapters: AdapterReport[] = [];
  for (const request of [{}, { powerPreference: 'high-performance' }, { powerPreference: 'low-power' }, { forceFallbackAdapter: true }]) {
    const a = await d.gpu.requestAdapter(request);
    adapters.push({
      request,
      adapter: a && {
        vendor: a.info?.vendor ?? '',
        architecture: a.info?.architecture ?? '',
        device: a.info?.device ?? '',
        description: a.info?.description ?? '',
        isFallbackAdapter: a.isFallbackAdapter ?? false,
        maxStorageBufferBindingSize: a.limits.maxStorageBufferBindingSize ?? NaN,
        maxBufferSize: a.limits.maxBufferSize ?? NaN,
        maxComputeWorkgroupsPerDimension: a.limits.maxComputeWorkgroupsPerDimension ?? NaN,
      },
    });
  }
  return { dawn: { ok: true, file: d.file }, adapters };
}
