/** Flags → JobSpec and job documents → JobSpec, in process (no child processes). */
import assert from 'node:assert/strict';
import { buildSpec, type EstimateFlags } from '../../cli/spec-builder.js';
import { jobFromDocument } from '../../cli/job-file.js';
import { buildSimulateSpec } from '../../cli/simulate.js';
import { LimitError, OptionError } from '../../shared/errors.js';

const base: EstimateFlags = { data: 'd.csv', x: 'a,b', y: '2', normalize: true };

function optionError(fn: () => unknown, field: string, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof OptionError && e.field === field && re.test(e.message));
}

describe('estimate flags → JobSpec', () => {
  it('maps a full command line', () => {
    const spec = buildSpec('mi', {
      ...base, estimator: 'ksg2', k: '5', normalize: false, units: 'bits', jitter: '1e-10', seed: '7', backend: 'cpu',
      bootstrap: '500', ci: 'bca', level: '0.9', scheme: 'subsample', subsampleM: '100', jackknifeGroups: '20',
      permutations: '300', permutationKind: 'shuffle', bagging: '10', baggingFraction: '0.6', kValues: '3,5,7',
    });
    assert.deepEqual(spec, {
      measure: 'mi', estimator: 'ksg2', k: 5, x: ['a', 'b'], y: ['2'], normalize: false, units: 'bits', seed: 7,
      jitter: 1e-10, backend: 'cpu',
      bootstrap: { replicates: 500, method: 'bca', level: 0.9, scheme: 'subsample', m: 100, jackknifeGroups: 20 },
      permutation: { shuffles: 300, kind: 'shuffle' },
      ensemble: { bagging: { replicates: 10, fraction: 0.6 }, kValues: [3, 5, 7] },
    });
  });
  it('applies defaults and the per-measure default estimator', () => {
    assert.deepEqual(buildSpec('entropy', { data: 'd', x: 'a', normalize: true }), {
      measure: 'entropy', estimator: 'kl', k: 3, x: ['a'], normalize: true, units: 'nats', seed: 0,
    });
    assert.equal(buildSpec('cmi', { ...base, z: 'c' }).estimator, 'ksg_cmi');
  });
  it('names the flag in every error', () => {
    optionError(() => buildSpec('mi', { ...base, k: 'three' }), '--k', /--k must be an integer >= 1, got 'three'/);
    optionError(() => buildSpec('mi', { ...base, seed: '-1' }), '--seed', /--seed must be an integer >= 0/);
    optionError(() => buildSpec('mi', { ...base, jitter: '-0.1' }), '--jitter', /--jitter must be a number >= 0/);
    optionError(() => buildSpec('mi', { ...base, ci: 'bca' }), '--ci', /--ci requires --bootstrap/);
    optionError(() => buildSpec('mi', { ...base, permutationKind: 'local' }), '--permutation-kind', /requires --permutations or --surrogates/);
    optionError(() => buildSpec('mi', { ...base, bootstrap: '10', scheme: 'iid', subsampleM: '5' }), '--subsample-m', /applies to --scheme subsample/);
    optionError(() => buildSpec('mi', { ...base, kValues: '3,,5' }), '--k-values', /comma-separated list/);
    optionError(() => buildSpec('entropy', { ...base }), '--y', /measure 'entropy' takes no --y/);
    optionError(() => buildSpec('cmi', base), '--z', /measure 'cmi' needs --z/);
    optionError(() => buildSpec('mi', { ...base, z: 'c' }), '--z', /takes no --z/);
    optionError(() => buildSpec('entropy', { data: 'd', x: 'a', normalize: true, permutations: '5' }), '--permutations', /entropy has no permutation test/);
    optionError(() => buildSpec('kld', base), 'measure', /unknown measure 'kld'/);
    assert.throws(() => buildSpec('mi', { ...base, bagging: '11', maxReplicates: '10' }), (e: unknown) => e instanceof LimitError && /--bagging 11 exceeds the cap of 10/.test(e.message));
  });
});

describe('job file document → JobSpec', () => {
  it('accepts lists or comma strings, fills defaults and resolves paths against the file', () => {
    const j = jobFromDocument({ data: 'in/d.csv', measure: 'mi', x: 'a, b', y: [0], bootstrap: { replicates: 10 }, permutation: { surrogates: 's.txt' } }, '/jobs');
    assert.equal(j.dataPath, '/jobs/in/d.csv');
    assert.equal(j.surrogatesPath, '/jobs/s.txt');
    assert.equal(j.maxReplicates, undefined);
    assert.deepEqual(j.spec, {
      measure: 'mi', estimator: 'ksg1', k: 3, x: ['a', 'b'], y: [0], units: 'nats', seed: 0,
      bootstrap: { replicates: 10, level: 0.95 }, permutation: { shuffles: 0 }, // method: the estimator's recipe (prepare.ts)
    });
    // normalize is left to the measure's default (normalizeDefault) unless the file says
    assert.equal(jobFromDocument({ data: 'd.csv', measure: 'entropy', x: 'a', normalize: true }, '/').spec.normalize, true);
  });
  it('names the invalid or unknown field', () => {
    const doc = { data: 'd.csv', measure: 'mi', x: ['a'], y: ['b'] };
    optionError(() => jobFromDocument({ ...doc, colour: 1 }, '/'), 'colour', /unknown field 'colour'/);
    optionError(() => jobFromDocument({ ...doc, ensemble: { bagging: { replicates: 3, frac: 1 } } }, '/'), 'ensemble.bagging.frac', /unknown field 'ensemble.bagging.frac'/);
    optionError(() => jobFromDocument({ ...doc, k: 0 }, '/'), 'k', /field 'k' must be >= 1/);
    optionError(() => jobFromDocument({ ...doc, units: 'bytes' }, '/'), 'units', /field 'units' must be one of nats, bits/);
    optionError(() => jobFromDocument({ ...doc, x: [] }, '/'), 'x', /field 'x' must be a column list/);
    optionError(() => jobFromDocument({ measure: 'mi', x: 'a', y: 'b' }, '/'), 'data', /missing required field 'data'/);
    optionError(() => jobFromDocument({ ...doc, bootstrap: { method: 'bca' } }, '/'), 'bootstrap.replicates', /missing required field 'bootstrap.replicates'/);
    optionError(() => jobFromDocument({ ...doc, permutation: {} }, '/'), 'permutation.shuffles', /needs 'shuffles' or 'surrogates'/);
    optionError(() => jobFromDocument({ data: 'd', measure: 'cmi', x: 'a', y: 'b' }, '/'), 'z', /measure 'cmi' needs z/);
    assert.throws(() => jobFromDocument({ ...doc, maxReplicates: 5, bootstrap: { replicates: 6 } }, '/'), (e: unknown) => e instanceof LimitError && /bootstrap.replicates 6 exceeds the cap of 5/.test(e.message));
    optionError(() => jobFromDocument([1, 2], '/'), '(top level)', /must be object/);
  });
});

describe('simulate flags → SimulateSpec', () => {
  it('maps generators and the per-dataset job', () => {
    assert.deepEqual(buildSimulateSpec({ generator: 'student', rho: '0.3', nu: '5', n: '200', datasets: '7', bootstrap: '50', ci: 'basic', permutations: '40', seed: '9', normalize: true }), {
      generator: { kind: 'student-t', rho: 0.3, nu: 5 }, n: 200, datasets: 7, seed: 9, maxReplicates: 1_000_000_000,
      job: { estimator: 'ksg1', k: 3, normalize: true, units: 'nats', bootstrap: { replicates: 50, method: 'basic', level: 0.95 }, permutation: { shuffles: 40 } },
    });
    assert.deepEqual(buildSimulateSpec({ generator: 'mixture', m: '3', normalize: false }).generator, { kind: 'mixture', m: 3 });
    optionError(() => buildSimulateSpec({ n: '1', normalize: true }), '--n', /--n must be an integer >= 2/);
  });
});
