#!/usr/bin/env node
/**
 * The `infoshard` executable: everything lives in cli/; this only sets the exit code.
 * cli/bundled.js is cli/main.js, bundled by `npm run build` into one script run with a V8 code
 * cache (module loading and compiling were most of the start-up time; see scripts/bundle.mjs,
 * cli/load-bundle.ts); INFOSHARD_NO_BUNDLE=1 runs the tsc output in dist/cli instead.
 */
const { main } = process.env['INFOSHARD_NO_BUNDLE'] ? await import('../cli/main.js') : await import('../cli/bundled.js');

process.exitCode = await main(process.argv);
