/**
 * What the gpu.js path can reach on this machine: the adapters Dawn (the `webgpu` package)
 * sees, and whether gpu.js can build and run a kernel in each mode, with the error when not.
 * Prints one JSON object (also written to the file given as the first argument) whose
 * `deviceMode` is the gpu.js mode the device run should use: 'webgpu' when Dawn has a hardware
 * adapter and gpu.js runs a kernel on it, else 'webasm' (the host fallback) with `why`.
 *
 *   node dist/bench/device/probe.js [out.json]
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GpuBackend } from '../../worker/gpu/gpu-backend.js';
import { listAdapters } from '../../worker/gpu/webgpu.js';

export interface ProbeReport {
  node: string;
  platform: string;
  glibc: string | null;
  cpus: number;
  env: Record<string, string>;
  dawn: { ok: boolean; file: string; error?: string };
  adapters: Awaited<ReturnType<typeof listAdapters>>['adapters'];
  gpujs: { mode: string; ok: boolean; actualMode?: string; error?: string }[];
  deviceMode: string;
  why: string;
}

const MODES = ['webgpu', 'headlessgl', 'gpu', 'webasm'];
const ENV_KEYS = ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'VK_LOADER_DEBUG', 'LD_LIBRARY_PATH', 'NVIDIA_VISIBLE_DEVICES', 'NVIDIA_DRIVER_CAPABILITIES', 'DISPLAY'];

export async function probe(): Promise<ProbeReport> {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  const { dawn, adapters } = await listAdapters();
  const gpujs: ProbeReport['gpujs'] = [];
  for (const mode of MODES) {
    try {
      const b = await GpuBackend.open({ mode });
      gpujs.push({ mode, ok: true, actualMode: b.mode });
      b.destroy();
    } catch (err) {
      gpujs.push({ mode, ok: false, error: (err as Error).message });
    }
  }
  const hardware = adapters.find((a) => a.adapter && !a.adapter.isFallbackAdapter && a.adapter.architecture !== 'software');
  const webgpuOk = gpujs.find((g) => g.mode === 'webgpu')?.ok ?? false;
  let deviceMode = 'webasm';
  let why: string;
  if (hardware && webgpuOk) {
    deviceMode = 'webgpu';
    why = `Dawn adapter ${hardware.adapter!.vendor} ${hardware.adapter!.device} (${hardware.adapter!.description}); gpu.js ran a kernel on it`;
  } else if (!dawn.ok) {
    why = `no WebGPU: ${dawn.error}`;
  } else if (!adapters.some((a) => a.adapter)) {
    why = 'no WebGPU: Dawn loaded but requestAdapter() returned null for every request (no Vulkan driver/ICD for a device: see vulkan-loader.log)';
  } else if (!hardware) {
    why = `no WebGPU device: Dawn sees only software adapters (${[...new Set(adapters.filter((a) => a.adapter).map((a) => a.adapter!.device))].join(', ')})`;
  } else {
    why = `Dawn sees ${hardware.adapter!.device} but gpu.js cannot run a kernel on it: ${gpujs.find((g) => g.mode === 'webgpu')?.error}`;
  }
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    glibc: header?.glibcVersionRuntime ?? null,
    cpus: os.availableParallelism(),
    env: Object.fromEntries(ENV_KEYS.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!])),
    dawn,
    adapters,
    gpujs,
    deviceMode,
    why,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  probe().then(
    (r) => {
      const text = JSON.stringify(r, null, 2) + '\n';
      if (process.argv[2]) writeFileSync(process.argv[2], text);
      process.stdout.write(text);
      // dawn.node keeps the process alive while its instance is referenced
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`probe: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
