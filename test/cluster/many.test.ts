/**
 * Screen and pairwise jobs on a real cluster (coordinator + 2 worker processes over gRPC, shard
 * size 5): the same bytes as the embedded engine with 2 threads and another shard size —
 * shards return (r1 − r0) × items values and the merge places them by replicate index.
 */
import assert from 'node:assert/strict';
import type { Dataset } from '../../shared/data/matrix.js';
import type { Job, JobResult } from '../../shared/job/spec.js';
import { stream } from '../../shared/rng/index.js';
import { comparable } from '../helpers/cluster.js';
import { sameBytesOnTwoWorkers } from '../helpers/same-bytes.js';

function table(n: number, seed: number): Dataset {
  const r = stream(seed, 0, 93);
  const cols = Array.from({ length: 6 }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (const c of cols) c[i] = r.nextGaussian();
    cols[0]![i] = cols[1]![i]! + 0.5 * cols[2]![i]! ** 2 + 0.5 * cols[5]![i]! + 0.5 * r.nextGaussian();
  }
  return { names: ['y', 'a', 'b', 'c', 'd', 'w'], columns: cols, n };
}

const data = table(160, 4);
const jobs: Record<string, Job> = {
  screen: { measure: 'mi', estimator: 'ksg1', k: 3, x: ['y'], seed: 9, permutation: { shuffles: 23 }, screen: { features: 'all', correction: 'maxstat' }, data },
  screenCmi: { measure: 'cmi', estimator: 'ksg_cmi', k: 3, x: ['y'], z: ['w'], seed: 2, permutation: { shuffles: 12 }, screen: { features: ['a', 'b', 'c'] }, data },
  pairwise: { measure: 'mi', estimator: 'ksg1', k: 3, x: ['y', 'a', 'b', 'c'], seed: 6, permutation: { shuffles: 17 }, pairwise: { correction: 'holm' }, data },
};

const key = (r: JobResult) => comparable(r) + JSON.stringify({ s: r.screen, p: r.pairwise });

describe('cluster: screen and pairwise equal the embedded engine', function () {
  this.timeout(180_000);
  const embedded = sameBytesOnTwoWorkers(jobs, key);

  it('embedded screen selects the strong feature a and no noise feature (c, d)', () => {
    const s = embedded['screen']!.screen!;
    assert.ok(s.selected.includes('a'), s.selected.join());
    assert.ok(!s.selected.includes('c') && !s.selected.includes('d'), s.selected.join());
  });
});
