/**
 * Dependencies point one way (issue 9):
 *
 *     shared ← cluster ← {worker, coordinator} ← engine ← cli ← bin
 *
 * This walks every import of every .ts file of the product (not tests or benchmarks, which may
 * reach anything) and fails on an arrow that points the wrong way. `LAYERS` maps a path to its
 * layer (first match wins) and `ALLOWED` says which layers each may import: when a folder moves
 * edit the two tables, nothing else.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { repoRoot } from '../helpers/cases.js';

type Layer = 'shared' | 'cluster' | 'worker' | 'coordinator' | 'engine' | 'cli' | 'bin' | 'api' | 'free' | 'report';

/** Path prefix (relative to the repo root, '/' separated) → layer. First match wins. */
export const LAYERS: readonly [prefix: string, layer: Layer][] = [
  ['bin/', 'bin'],
  ['cli/', 'cli'],
  ['engine/', 'engine'],
  ['coordinator/', 'coordinator'],
  ['worker/', 'worker'],
  ['cluster/', 'cluster'],
  ['shared/', 'shared'],
  // AssemblyScript sources of shared/'s WebAssembly kernels (imports nothing)
  ['wasm/', 'shared'],
  // reports and plots: pure functions of a result (shared types) plus the renderers
  ['report/', 'report'],
  ['index.ts', 'api'],
  // Tests, benchmarks and samples may import anything.
  ['test/', 'free'],
  ['bench/', 'free'],
  ['samples/', 'free'],
];

/** Which layers each layer may import (itself included). */
export const ALLOWED: Record<Layer, readonly Layer[]> = {
  shared: ['shared'],
  report: ['shared', 'report'],
  cluster: ['shared', 'cluster'],
  worker: ['shared', 'cluster', 'worker'],
  coordinator: ['shared', 'cluster', 'coordinator', 'report'],
  engine: ['shared', 'cluster', 'worker', 'coordinator', 'engine'],
  cli: ['shared', 'cluster', 'worker', 'coordinator', 'engine', 'cli', 'report'],
  bin: ['cli'],
  // The library entry point: everything but the CLI.
  api: ['shared', 'cluster', 'worker', 'coordinator', 'engine', 'api'],
  free: ['shared', 'cluster', 'worker', 'coordinator', 'engine', 'cli', 'bin', 'api', 'free', 'report'],
};

export function layerOf(file: string): Layer | undefined {
  for (const [prefix, layer] of LAYERS) if (file === prefix || (prefix.endsWith('/') && file.startsWith(prefix))) return layer;
  return undefined;
}

/** Relative import specifiers of a source text: static, re-exports, side-effect and dynamic imports. */
export function importsOf(src: string): { specs: string[]; opaque: number } {
  const specs: string[] = [];
  // Comments could hold example imports; drop them first (strings containing '//' are not an issue for import lines).
  const code = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  for (const m of code.matchAll(/\b(?:from|import)\s*\(?\s*(['"])([^'"]+)\1/g)) specs.push(m[2]!);
  // A dynamic import of a computed specifier hides an arrow from this test: count it as a violation.
  const opaque = [...code.matchAll(/\bimport\s*\(\s*(?!['"])/g)].length;
  return { specs, opaque };
}

/** Every wrong-way arrow among `files` (repo-relative path → source). */
export function violations(files: Map<string, string>): string[] {
  const bad: string[] = [];
  for (const [file, src] of files) {
    const from = layerOf(file);
    if (!from) {
      bad.push(`${file}: in no layer (add its folder to LAYERS in test/architecture/imports.test.ts)`);
      continue;
    }
    const { specs, opaque } = importsOf(src);
    if (opaque > 0 && from !== 'free') bad.push(`${file}: dynamic import of a computed specifier (write the path as a string literal)`);
    for (const spec of specs) {
      if (!spec.startsWith('.')) continue; // a package or node: builtin
      const target = normalize(join(dirname(file), spec)).split(sep).join('/').replace(/\.js$/, '.ts');
      if (target.startsWith('..')) {
        bad.push(`${file} → ${spec}: outside the repository`);
        continue;
      }
      const to = layerOf(target);
      if (!to) bad.push(`${file} → ${target}: target in no layer`);
      else if (!ALLOWED[from].includes(to)) bad.push(`${file} (${from}) → ${target} (${to})`);
    }
  }
  return bad;
}

function sourceFiles(root: string, dir = root, out = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) sourceFiles(root, p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.set(relative(root, p).split(sep).join('/'), readFileSync(p, 'utf8'));
  }
  return out;
}

describe('architecture: imports point one way', () => {
  const root = repoRoot();

  it('finds the layers it guards (so an empty walk cannot pass)', () => {
    const files = sourceFiles(root);
    for (const layer of ['shared', 'cluster', 'worker', 'coordinator', 'cli', 'bin'] as const) {
      assert.ok([...files.keys()].some((f) => layerOf(f) === layer), `no source file in layer ${layer}`);
    }
  });

  it('no import points the wrong way, and every relative import resolves', () => {
    const files = sourceFiles(root);
    const bad = violations(files);
    for (const [file, src] of files) {
      if (layerOf(file) === 'free') continue; // tests hold import-like strings (see below); tsc checks their imports
      for (const spec of importsOf(src).specs) {
        if (!spec.startsWith('.')) continue;
        const target = join(root, dirname(file), spec).replace(/\.js$/, '.ts');
        const json = join(root, dirname(file), spec);
        if (!existsSync(target) && !existsSync(json)) bad.push(`${file} → ${spec}: no such file`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('the checker itself catches each kind of wrong arrow', () => {
    const files = new Map<string, string>([
      ['shared/a.ts', "import { x } from '../cluster/wire.js';"],
      ['cluster/b.ts', "export { y } from '../worker/server.js';"],
      ['worker/c.ts', "import type { Z } from '../coordinator/scheduler.js';"],
      ['coordinator/d.ts', "const m = await import('../worker/pool.js');"],
      ['coordinator/e.ts', "import { main } from '../cli/main.js';"],
      ['worker/f.ts', "const spec = '../coordinator/nats/index.js'; await import(spec);"],
      ['worker/ok.ts', "import { a } from '../cluster/wire.js';\n// import { b } from '../coordinator/x.js';\nimport { c } from '../shared/errors.js';"],
      ['bin/ok.ts', "import { main } from '../cli/main.js';"],
    ]);
    const bad = violations(files);
    assert.equal(bad.length, 6, bad.join('\n'));
    for (const f of ['shared/a.ts', 'cluster/b.ts', 'worker/c.ts', 'coordinator/d.ts', 'coordinator/e.ts', 'worker/f.ts']) {
      assert.ok(bad.some((b) => b.startsWith(f)), `${f} not reported`);
    }
  });
});
