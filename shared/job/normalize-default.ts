/**
 * Whether a measure's columns are divided by their sample sd when the job does not say: only
 * for scale-invariant quantities (MI, CMI, TE: rescaling a column leaves them unchanged), never
 * for entropy or divergences (h(aX) = h(X) + ln|a|: entropy of N(0, 10²) would print 1.42 nats
 * instead of 3.72). The catalog's `scaleInvariant` decides (prepare.ts reads it directly); this
 * is the same rule for callers that have only a measure's name. Unknown names: off, the
 * choice that can never change the quantity.
 */
import { findMeasure } from '../catalog/index.js';

export function normalizeDefault(measure: string): boolean {
  return findMeasure(measure)?.scaleInvariant ?? false;
}
