// `npm run build` step 2 (after tsc): bundle the compiled CLI with esbuild, so that a command
// loads a couple of dozen files instead of ~130 (module resolution and loading were most of the
// CLI's start-up, issue 12). Code splitting keeps every lazy `import()` lazy (gRPC, NATS, Arrow,
// the report, the coordinator load only when used); npm packages stay external except commander,
// which every command loads (through Node's ESM wrapper of a CommonJS package it took ~13 ms).
//
// Output, under OUTDIR (default dist/):
//   cli/bundled.js   the bundled cli/main.js; it replaces tsc's cli/bundled.js (a plain
//                    re-export of cli/main.js), so whichever of tsc and this script ran last is
//                    what bin/infoshard.js runs: a later `tsc` alone never leaves stale code
//   bundle/*.js      the chunks, and the thread modules task.js, job-thread.js (the pools) and
//                    ksg1-thread.js (engine/ksg1-split.ts),
//                    which worker/pool.ts, coordinator/jobcore.ts and engine/ksg1-split.ts look
//                    for next to themselves (or in bundle/)
// Usage: node scripts/bundle.mjs [OUTDIR]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const outdir = path.resolve(process.argv[2] ?? dist);
let esbuild;
try {
  esbuild = await import('esbuild');
  esbuild.transformSync(''); // its native binary starts (a platform package may be missing)
} catch (err) {
  // an optimisation only: without esbuild the CLI runs the tsc output
  process.stderr.write(`scripts/bundle.mjs: esbuild is not usable here (${String(err?.message ?? err).split('\n')[0]}); the CLI runs unbundled (dist/cli)\n`);
  process.exit(0);
}
rmSync(path.join(outdir, 'bundle'), { recursive: true, force: true });
const INLINE = new Set(['commander']);
/** Every npm package and Node built-in stays an import of its own, but those in INLINE. */
const externals = {
  name: 'externals',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (a) => (a.kind === 'entry-point' || INLINE.has(a.path) ? undefined : { path: a.path, external: true }));
  },
};
// esbuild's ESM output has no `require` for the built-ins a bundled CommonJS package requires
// (node:events, …): its __require shim looks one up in the chunk's scope, so give it one there
const REQUIRE_SHIM = 'Dynamic require of "';
const REQUIRE_DECL = 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);\n';
const result = await esbuild.build({
  entryPoints: {
    'cli/bundled': path.join(dist, 'cli/main.js'),
    'bundle/task': path.join(dist, 'worker/task.js'),
    'bundle/job-thread': path.join(dist, 'coordinator/job-thread.js'),
    'bundle/ksg1-thread': path.join(dist, 'engine/ksg1-thread.js'),
  },
  outdir,
  chunkNames: 'bundle/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [externals],
  metafile: true,
  write: false,
  logLevel: 'warning',
});
for (const f of result.outputFiles) {
  let text = f.text;
  if (text.includes(REQUIRE_SHIM)) {
    if (/^(?:var|let|const|function) require\b/m.test(text)) throw new Error(`scripts/bundle.mjs: ${f.path} declares its own require`);
    text = REQUIRE_DECL + text;
  }
  mkdirSync(path.dirname(f.path), { recursive: true });
  writeFileSync(f.path, text);
}
// the modules that find a thread module next to themselves must sit in bundle/, beside it
for (const [out, meta] of Object.entries(result.metafile.outputs)) {
  const inputs = Object.keys(meta.inputs).map((p) => path.resolve(p));
  for (const m of ['worker/pool.js', 'coordinator/jobcore.js']) {
    if (inputs.includes(path.join(dist, m)) && path.dirname(path.resolve(out)) !== path.join(outdir, 'bundle')) {
      throw new Error(`scripts/bundle.mjs: ${m} landed in ${out}, not next to its thread module in bundle/`);
    }
  }
}
