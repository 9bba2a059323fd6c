#!/usr/bin/env node
/**
 * The `infoshard` executable: everything lives in cli/; this only sets the exit code.
 * cli/bundled.js is cli/main.js, bundled by `npm run build` (a command then loads a couple of
 * dozen files instead of ~130, most of the start-up time; see scripts/bundle.mjs);
 * INFOSHARD_NO_BUNDLE=1 runs the tsc output in dist/cli instead.
 */
const { main } = process.env['INFOSHARD_NO_BUNDLE'] ? await import('../cli/main.js') : await import('../cli/bundled.js');

process.exitCode = await main(process.argv);
