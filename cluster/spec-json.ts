/**
 * The JobSpec as it crosses the wire (SubmitJob and RunShards carry it as JSON): both the
 * coordinator and the worker parse it here, so the two agree on which fields exist.
 */
import type { JobSpec } from '../shared/job/spec.js';
import { OptionError } from '../shared/errors.js';

/** Fields a JobSpec may carry over the wire (anything else is refused, naming it). */
const SPEC_FIELDS = new Set([
  'measure', 'estimator', 'k', 'x', 'y', 'z', 'normalize', 'units', 'jitter', 'millerMadow', 'seed',
  'bootstrap', 'permutation', 'ensemble', 'backend', 'options', 'screen', 'pairwise', 'teStep', 'simulate', 'test', 'trial', 'summaries',
  // The client's replicate cap (--max-replicates): not part of the job's maths, so split off
  // by `splitCap` before prepareJob on the coordinator and on every worker.
  'maxReplicates',
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

/**
 * A wire spec's replicate cap, split from the JobSpec proper. The cap travels with the spec so
 * the coordinator and every worker validate the job against the same cap as the client asked
 * for (a cluster ignoring `--max-replicates` would cap at the default 1e6).
 */
export function splitCap(wire: JobSpec): { spec: JobSpec; maxReplicates?: number } {
  const { maxReplicates, ...spec } = wire as JobSpec & { maxReplicates?: unknown };
  if (maxReplicates === undefined) return { spec };
  if (typeof maxReplicates !== 'number' || !Number.isInteger(maxReplicates) || maxReplicates < 1) {
    throw new OptionError(`maxReplicates must be a positive integer; got ${JSON.stringify(maxReplicates)}`, 'maxReplicates');
  }
  return { spec, maxReplicates };
}

/** The spec JSON a client sends: the job without data, plus its replicate cap when one was set. */
export function wireSpecJson(spec: JobSpec, maxReplicates?: number): string {
  return JSON.stringify(maxReplicates === undefined ? spec : { ...spec, maxReplicates });
}
