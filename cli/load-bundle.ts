/**
 * Runs the CLI bundle that scripts/bundle.mjs makes (cli/main.js and everything it imports as one
 * CommonJS script) with a V8 code cache beside it, FILE.cache: compiling the ~1 MB of code a
 * command runs was most of the start-up left after bundling (issue 12), and Node 20 has no code
 * cache for ES modules. V8 rejects a cache from another V8 version or flags; a missing or
 * rejected one is written after the command (best effort: a read-only install runs without).
 * The bundle's name holds a hash of its text, so a rebuilt bundle never meets an old cache.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

type Main = (argv: readonly string[]) => Promise<number>;

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCache(script: vm.Script, file: string): void {
  const tmp = `${file}.${process.pid}.tmp`; // renamed into place: a concurrent run reads a whole file or none
  try {
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/**
 * The bundle at `url` (its `main`), compiled from its code cache when V8 accepts it. `imports`:
 * the npm packages it import()s, each imported by the caller (scripts/bundle.mjs writes them).
 */
export function loadBundle(url: URL, imports: Readonly<Record<string, () => Promise<unknown>>>): { main: Main } {
  const file = fileURLToPath(url);
  const cacheFile = `${file}.cache`;
  const cachedData = readCache(cacheFile);
  // CommonJS's wrapper, strict like the ES modules it was built from; the bundle's import.meta.url
  // is __bundleUrl, its import() of an npm package is __import; its text is ASCII (scripts/bundle.mjs)
  const source = `(function (exports, require, module, __filename, __dirname, __bundleUrl, __import) {"use strict";${readFileSync(file, 'latin1')}\n})`;
  const script = new vm.Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as { main?: Main } };
  const load = (specifier: string): Promise<unknown> => imports[specifier]!();
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file), url.href, load);
  const run = module.exports.main!;
  const stale = !cachedData || script.cachedDataRejected === true;
  return {
    main: async (argv) => {
      const code = await run(argv);
      if (stale) writeCache(script, cacheFile); // after the command: the functions it compiled are in the cache too
      return code;
    },
  };
}
