/** Paths for tests that run from source (tsx) or from dist/ (compiled). */
export { repoRoot, casesDir } from '../helpers/cases.js';
