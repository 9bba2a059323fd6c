/**
 * The JobSpec as it crosses the wire (SubmitJob and RunShards carry it as JSON): both the
 * coordinator and the worker parse it here, so the two agree on which fields exist.
 */
import type { JobSpec } from '../shared/job/spec.js';
import { OptionError } from '../shared/errors.js';

/** Fields a JobSpec may carry over the wire (anything else is refused, naming it). */
const SPEC_FIELDS = new Set([
  'measure', 'estimator', 'k', 'x', 'y', 'z', 'normalize', 'units', 'jitter', 'millerMadow', 'seed',
  'bootstrap', 'permutation', 'ensemble', 'backend',
]);

/** A JobSpec parsed from the wire: a JSON object with known fields only. */
export function parseSpec(json: string): JobSpec {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch (e) {
    throw new OptionError(`spec_json: malformed JSON (${(e as Error).message})`, 'spec_json');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new OptionError('spec_json: must be a JSON object (a JobSpec)', 'spec_json');
  for (const k of Object.keys(v)) {
    if (!SPEC_FIELDS.has(k)) throw new OptionError(`spec_json: unknown field '${k}'`, k);
  }
  return v as JobSpec;
}
