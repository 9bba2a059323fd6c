/**
 * The installed packages a set of top-level packages needs at run time: the transitive closure
 * of `dependencies` and installed `optionalDependencies` and `peerDependencies`, resolved the way Node resolves them
 * (node_modules of the requiring package, then of each folder above, up to the root). The
 * device pack (pack.sh) copies exactly these folders: the project's production dependencies
 * plus mocha for the parity tests, no other devDependencies.
 *
 *   node dist/bench/device/modules.js ROOT [extra-package ...]   → one relative folder per line
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function manifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** The folder Node would load `name` from when required by code in `from` (null: not installed). */
function resolvePackage(root: string, from: string, name: string): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const cand = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(cand, 'package.json'))) return cand;
    if (dir === root || path.dirname(dir) === dir) return null;
  }
}

/**
 * @param root the project folder (holds package.json and node_modules)
 * @param extra packages wanted besides the project's `dependencies` (e.g. 'mocha')
 * @returns folders relative to root, sorted; throws when a required dependency is missing
 */
export function moduleClosure(root: string, extra: string[] = []): string[] {
  const top = manifest(root);
  const seen = new Set<string>();
  const queue: { from: string; name: string; optional: boolean }[] = [
    ...Object.keys(top.dependencies ?? {}).map((name) => ({ from: root, name, optional: false })),
    ...extra.map((name) => ({ from: root, name, optional: false })),
  ];
  while (queue.length > 0) {
    const { from, name, optional } = queue.pop()!;
    const dir = resolvePackage(root, from, name);
    if (!dir) {
      if (optional) continue; // an optional dependency that did not install (e.g. gl)
      throw new Error(`${name} (needed by ${path.relative(root, from) || 'the project'}) is not installed: run npm ci`);
    }
    if (seen.has(dir)) continue;
    seen.add(dir);
    const m = manifest(dir);
    for (const dep of Object.keys(m.dependencies ?? {})) queue.push({ from: dir, name: dep, optional: false });
    for (const dep of Object.keys(m.optionalDependencies ?? {})) queue.push({ from: dir, name: dep, optional: true });
    // peers (optional ones too, e.g. node-fetch's `encoding`) are loaded when present: npm installs them
    for (const dep of Object.keys(m.peerDependencies ?? {})) queue.push({ from: dir, name: dep, optional: true });
  }
  return [...seen].map((d) => path.relative(root, d)).sort();
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [root, ...extra] = process.argv.slice(2);
  if (!root) {
    process.stderr.write('usage: modules.js ROOT [package ...]\n');
    process.exit(2);
  }
  process.stdout.write(moduleClosure(path.resolve(root), extra).join('\n') + '\n');
}
