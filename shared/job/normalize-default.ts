/**
 * Whether a measure's columns are divided by their sample sd when the job does not say.
 *
 * Normalising is harmless only for quantities that do not change when a column is rescaled:
 * MI and CMI are invariant under x → a·x, so dividing by the sd only puts the kNN max-norm on a
 * common scale (what scikit-learn does). Differential entropy is not (h(a·X) = h(X) + ln|a|), nor
 * are divergences or anything else with units of the data: rescaling silently changes the answer
 * (entropy of N(0, 10²) would print 1.42 nats instead of 3.72). Unknown measures default to off,
 * the choice that can never change the quantity. The catalog (shared/catalog) will carry this
 * per measure; this function is the one place that decides until then.
 */
const SCALE_INVARIANT = new Set(['mi', 'cmi']);

export function normalizeDefault(measure: string): boolean {
  return SCALE_INVARIANT.has(measure);
}
