/**
 * What bin/infoshard.ts runs. As compiled by tsc, plain cli/main.ts; `npm run build` then
 * replaces the compiled file with one that runs the esbuild bundle of cli/ through
 * cli/load-bundle.ts (scripts/bundle.mjs), so whichever ran last is what runs (a later `tsc`
 * alone never leaves a stale bundle in use).
 */
export { main } from './main.js';
