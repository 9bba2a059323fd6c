/** Wire helpers: canonical dataset bytes, float64 packing, result codec, LRU cache. */
import assert from 'node:assert/strict';
import { datasetHash } from '../../shared/data/hash.js';
import { DataError, deserializeError, EstimatorError, LimitError, OptionError, serializeError } from '../../shared/errors.js';
import type { JobResult } from '../../shared/job/spec.js';
import { DatasetCache } from '../../cluster/cache.js';
import { decodeDataset, decodeResult, encodeDataset, encodeResult, fromServiceError, packF64, sha256Hex, toServiceError, unpackF64 } from '../../cluster/wire.js';

describe('cluster wire: datasets, values, results', () => {
  const ds = { names: ['a}"{\\', 'b'], columns: [Float64Array.of(1.5, -0, NaN, 1e308), Float64Array.of(0.1, 2, 3, -Infinity)], n: 4 };

  it('SHA-256 of the canonical bytes is the dataset content hash; decoding gives the same bits', () => {
    const bytes = encodeDataset(ds);
    assert.equal(sha256Hex(bytes), datasetHash(ds));
    const back = decodeDataset(bytes);
    assert.deepEqual(back.names, ds.names);
    assert.equal(back.n, 4);
    for (let j = 0; j < 2; j++) assert.deepEqual(Buffer.from(back.columns[j]!.buffer, back.columns[j]!.byteOffset, 32), Buffer.from(ds.columns[j]!.buffer));
    assert.ok(back.columns[0]!.buffer instanceof SharedArrayBuffer);
  });

  it('truncated or malformed dataset bytes are DataErrors', () => {
    const bytes = encodeDataset(ds);
    assert.throws(() => decodeDataset(bytes.subarray(0, bytes.length - 3)), (e: unknown) => e instanceof DataError && /expected 64 bytes/.test((e as Error).message));
    assert.throws(() => decodeDataset(Buffer.from('{"v":1')), DataError);
    assert.throws(() => decodeDataset(Buffer.from('{"v":2,"n":0,"names":[]}')), DataError);
  });

  it('float64 packing and the result codec keep every bit (NaN, ±Infinity, typed arrays)', () => {
    const a = Float64Array.of(Math.PI, -0, NaN, Infinity, -Infinity, 5e-324);
    assert.deepEqual(Buffer.from(unpackF64(packF64(a)).buffer), Buffer.from(a.buffer));
    const r = {
      measure: 'mi', estimator: 'ksg1', k: 3, n: 10, estimate: 0.25, units: 'nats', normalize: true, seed: 1, replicates: { permutation: 6 },
      pValue: NaN, nullDistribution: a, warnings: [], timings: { estimateMs: 1, totalMs: 2 },
      provenance: { version: '0', dataHash: 'h', engine: 'cluster' },
    } as unknown as JobResult;
    const back = decodeResult(encodeResult(r));
    assert.ok(back.nullDistribution instanceof Float64Array);
    assert.deepEqual(Buffer.from(back.nullDistribution.buffer), Buffer.from(a.buffer));
    assert.ok(Number.isNaN(back.pValue));
    assert.equal(back.estimate, 0.25);
  });

  it('dataset cache: bounded bytes, least recently used evicted first', () => {
    const c = new DatasetCache(100);
    c.put('a', ds, 40);
    c.put('b', ds, 40);
    assert.ok(c.get('a')); // a is now most recent
    c.put('c', ds, 40); // evicts b
    assert.deepEqual(c.keys().sort(), ['a', 'c']);
    assert.equal(c.get('b'), undefined);
    assert.deepEqual(c.stats(), { count: 2, bytes: 80, hits: 1, misses: 1 });
    assert.throws(() => c.put('huge', ds, 101), LimitError);
  });

  it('an OptionError keeps its field and cause chain across a thread (structured clone) and across the wire', () => {
    const root = new RangeError('shard size 0 ≤ 0');
    const inner = new EstimatorError('inner estimator failure', { cause: root });
    const err = new OptionError('--bagging-fraction: must be in (0, 1); got 1', '--bagging-fraction', { cause: inner });
    const check = (back: Error) => {
      assert.ok(back instanceof OptionError);
      assert.equal(back.message, err.message);
      assert.equal(back.field, '--bagging-fraction');
      const c1 = back.cause as Error;
      assert.ok(c1 instanceof EstimatorError);
      assert.equal(c1.message, 'inner estimator failure');
      const c2 = c1.cause as Error;
      assert.equal(c2.name, 'RangeError');
      assert.equal(c2.message, 'shard size 0 ≤ 0');
    };
    check(deserializeError(structuredClone(serializeError(err))));
    check(fromServiceError(toServiceError(err)));
    // A cycle of causes is cut, not followed forever.
    const a = new OptionError('a', 'fa');
    (a as { cause?: unknown }).cause = a;
    assert.ok(JSON.stringify(serializeError(a)).length < 1000);
  });
});
