export { stream, Domain, shuffleInPlace, permutation, partialPermutation } from './stream.js';
export type { RandomStream } from './stream.js';
export { philox4x32 } from './philox.js';
