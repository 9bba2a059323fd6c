// `npm run build` step 2 (after tsc): bundle the compiled CLI with esbuild (module loading and
// compiling were most of the CLI's start-up, issue 12). The CLI becomes one CommonJS script,
// cli/main.js with all it imports but npm packages, that cli/load-bundle.ts runs with a V8 code
// cache (Node 20 has none for ES modules): ~25 ms less start-up than ~25 ES module chunks. Its
// lazy `import()`s stay lazy (the modules behind them initialise on first use); the npm packages
// behind them (gRPC, NATS, Arrow, the report's vega) still load only when used. commander
// (every command) and hyparquet (ESM only, so not require()d) are inlined.
// The pools' thread modules stay ES modules with shared chunks.
//
// Output, under OUTDIR (default dist/):
//   cli/bundled.js        loads bundle/cli-HASH.cjs through cli/load-bundle.ts; it replaces tsc's
//                         cli/bundled.js (a plain re-export of cli/main.js), so whichever of tsc
//                         and this script ran last is what bin/infoshard.js runs: a later `tsc`
//                         alone never leaves stale code
//   bundle/cli-HASH.cjs   the CLI script (HASH: of its text, so no old code cache matches it),
//                         and its code cache .cache, made by one estimate on samples/gauss.csv
//   bundle/*.js           the thread modules task.js and job-thread.js (the pools) with their
//                         chunks, which worker/pool.ts and coordinator/jobcore.ts look for next
//                         to themselves (the CLI script's import.meta.url is its own file's)
// Usage: node scripts/bundle.mjs [OUTDIR]
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };

await esbuild.build({
  ...common,
  entryPoints: {
    'bundle/task': path.join(dist, 'worker/task.js'),
    'bundle/job-thread': path.join(dist, 'coordinator/job-thread.js'),
  },
  outdir,
  chunkNames: 'bundle/[name]-[hash]',
  splitting: true,
  format: 'esm',
  packages: 'external',
});

const INLINE = new Set(['commander', 'hyparquet']);
/**
 * Every npm package and Node built-in stays a require() or import() of its own, but those in
 * INLINE. commander's node:child_process (only for executable subcommands, which infoshard has
 * none of; with net and dgram ~1.4 ms of every command) loads on first use.
 */
const externals = {
  name: 'externals',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (a) => (a.namespace === 'file' && /[\\/]node_modules[\\/]commander[\\/]/.test(a.importer) ? { path: a.path, namespace: 'lazy' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, (a) => ({ contents: `module.exports = new Proxy({}, { get: (_, key) => require(${JSON.stringify(a.path)})[key] });`, loader: 'js' }));
    build.onResolve({ filter: /^[^./]/ }, (a) => (a.kind === 'entry-point' || INLINE.has(a.path) ? undefined : { path: a.path, external: true }));
  },
};
const cli = await esbuild.build({
  ...common,
  entryPoints: [path.join(dist, 'cli/main.js')],
  outfile: path.join(outdir, 'bundle/cli.cjs'),
  format: 'cjs',
  define: { 'import.meta.url': '__bundleUrl' }, // __bundleUrl, __import: parameters of cli/load-bundle.ts's wrapper
  plugins: [externals],
  metafile: true,
  write: false,
});
// a vm.Script's import() fails in its functions compiled after it came from a code cache (Node 20):
// the npm packages behind import() load through the loader module's import()s (__import)
const dynamic = new Set(Object.values(cli.metafile.outputs)[0].imports.filter((i) => i.kind === 'dynamic-import' && i.external).map((i) => i.path));
let text = cli.outputFiles[0].text.replace(/\bimport\(("[^"]+")\)/g, (call, spec) => {
  if (!dynamic.has(JSON.parse(spec))) throw new Error(`scripts/bundle.mjs: ${call} in the CLI script is not one of its external dynamic imports`);
  return `__import(${spec})`;
});
if (/\bimport\(\s*[^"'\s]/.test(text)) throw new Error('scripts/bundle.mjs: an import() with a computed specifier in the CLI script');
if (text.includes('import.meta')) throw new Error('scripts/bundle.mjs: the CLI script uses import.meta beyond import.meta.url');
// ASCII only, so that cli/load-bundle.ts reads it as latin1 (~0.2 ms, not ~3 ms of UTF-8 decoding):
// esbuild escapes strings but leaves comments and regular expressions, where \uXXXX means the same
if (/[\ud800-\udfff]|\\[^\x00-\x7f]/.test(text)) throw new Error('scripts/bundle.mjs: a character outside the BMP, or an escaped non-ASCII one, in the CLI script');
text = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const script = path.join(outdir, 'bundle', `cli-${createHash('sha256').update(text).digest('hex').slice(0, 12)}.cjs`);
mkdirSync(path.dirname(script), { recursive: true });
writeFileSync(script, text);

await esbuild.build({
  ...common,
  stdin: {
    contents: `import { loadBundle } from './cli/load-bundle.js';
export const { main } = loadBundle(new URL(${JSON.stringify(`../bundle/${path.basename(script)}`)}, import.meta.url), {
${[...dynamic].map((p) => `  ${JSON.stringify(p)}: () => import(${JSON.stringify(p)}),`).join('\n')}
});
`,
    resolveDir: dist,
    sourcefile: 'bundled-entry.js',
  },
  outfile: path.join(outdir, 'cli/bundled.js'),
  format: 'esm',
  packages: 'external',
});

// the code cache: one small estimate compiles what a typical command runs (without it, the first
// command writes one)
const warm = `const { main } = await import(${JSON.stringify(pathToFileURL(path.join(outdir, 'cli/bundled.js')).href)});
process.exitCode = await main([process.argv[0], 'infoshard', 'estimate', 'mi', '--data', ${JSON.stringify(path.join(root, 'samples/gauss.csv'))}, '--x', 'x', '--y', 'y', '--estimator', 'ksg1', '--k', '3', '--json']);`;
const r = spawnSync(process.execPath, ['--input-type=module', '-e', warm], { cwd: root, encoding: 'utf8' });
if (r.status !== 0) process.stderr.write(`scripts/bundle.mjs: no code cache yet (the first command writes one): ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}\n`);
