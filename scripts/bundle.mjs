// `npm run build` step 2 (after tsc): bundle the compiled CLI with esbuild, so that a command
// loads a couple of dozen files instead of ~130 (module resolution and loading were most of the
// CLI's start-up, issue 12). Code splitting keeps every lazy `import()` lazy (gRPC, NATS, Arrow,
// the report, the coordinator load only when used); npm packages stay external.
//
// Output, under OUTDIR (default dist/):
//   cli/bundled.js   the bundled cli/main.js; it replaces tsc's cli/bundled.js (a plain
//                    re-export of cli/main.js), so whichever of tsc and this script ran last is
//                    what bin/infoshard.js runs: a later `tsc` alone never leaves stale code
//   bundle/*.js      the chunks, and the pools' thread modules task.js and job-thread.js,
//                    which worker/pool.ts and coordinator/jobcore.ts look for next to themselves
// Usage: node scripts/bundle.mjs [OUTDIR]
import { rmSync } from 'node:fs';
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
const result = await esbuild.build({
  entryPoints: {
    'cli/bundled': path.join(dist, 'cli/main.js'),
    'bundle/task': path.join(dist, 'worker/task.js'),
    'bundle/job-thread': path.join(dist, 'coordinator/job-thread.js'),
  },
  outdir,
  chunkNames: 'bundle/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  metafile: true,
  logLevel: 'warning',
});
// the modules that find a thread module next to themselves must sit in bundle/, beside it
for (const [out, meta] of Object.entries(result.metafile.outputs)) {
  const inputs = Object.keys(meta.inputs).map((p) => path.resolve(p));
  for (const m of ['worker/pool.js', 'coordinator/jobcore.js']) {
    if (inputs.includes(path.join(dist, m)) && path.dirname(path.resolve(out)) !== path.join(outdir, 'bundle')) {
      throw new Error(`scripts/bundle.mjs: ${m} landed in ${out}, not next to its thread module in bundle/`);
    }
  }
}
