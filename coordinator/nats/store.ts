/**
 * Durable JobStore on NATS JetStream (docs/design.md, contract 4): a restarted coordinator reads
 * unfinished jobs back with their finished shards and re-sends the datasets to workers, so no
 * finished shard is computed twice.
 *
 * Layout (see subjects.ts): jobs as JSON in KV `<prefix>_jobs`; finished shards in KV
 * `<prefix>_shards` under `<jobKey>.<shardKey>`, written with `create` so the first completion
 * wins; datasets in object store `<prefix>_datasets` by hash; results (and any shard too big
 * for one message) in object store `<prefix>_blobs`. All buckets are file-backed. Every call
 * retries through a NATS restart (retry.ts).
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { DataError, NotFoundError } from '../../shared/errors.js';
import type { JobState, JobStore, StoredJob, StoredResult } from '../store.js';
import {
  bytesToF64,
  decodeShardRecord,
  encodeShardRecord,
  f64ToBytes,
  idToKey,
  keyToId,
  newNonce,
  sameBytes,
  ShardPlace,
} from '../../cluster/nats/codec.js';
import { LinkWatch } from '../../cluster/nats/retry.js';
import { names, type Names } from '../../cluster/nats/subjects.js';

export interface NatsJobStoreOptions {
  /** Subject/bucket prefix. @default 'infoshard' */
  prefix?: string;
  /** Timeout of one JetStream request before it is retried. @default 2000 */
  requestTimeoutMs?: number;
  /** Replicas of each bucket (a clustered JetStream may want 3). @default 1 */
  replicas?: number;
}

export const DEFAULT_NATS_STORE = { requestTimeoutMs: 2000, replicas: 1 } as const;

/** Room left in a message for headers and framing when deciding whether shard values fit inline. */
const MESSAGE_MARGIN = 8 * 1024;

const enc = new TextEncoder();
const dec = new TextDecoder();

export class NatsJobStore implements JobStore {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly link: LinkWatch,
    private readonly n: Names,
    private readonly jobs: KV,
    private readonly shards: KV,
    private readonly datasets: ObjectStore,
    private readonly blobs: ObjectStore,
  ) {}

  /** Open (creating when missing) the buckets on an existing connection; the caller owns `nc`. */
  static async open(nc: NatsConnection, link: LinkWatch, opts: NatsJobStoreOptions = {}): Promise<NatsJobStore> {
    const o = { ...DEFAULT_NATS_STORE, ...opts };
    const n = names(opts.prefix);
    const js: JetStreamClient = jetstream(nc, { timeout: o.requestTimeoutMs });
    const kvm = new Kvm(js);
    const objm = new Objm(js);
    const kvOpts = { history: 1, storage: 'file' as const, replicas: o.replicas };
    const [jobs, shards, datasets, blobs] = await link.retry('open JetStream buckets', async () =>
      Promise.all([
        kvm.create(n.jobsBucket, kvOpts),
        kvm.create(n.shardsBucket, kvOpts),
        objm.create(n.datasetsBucket, { storage: 'file', replicas: o.replicas }),
        objm.create(n.blobsBucket, { storage: 'file', replicas: o.replicas }),
      ]),
    );
    return new NatsJobStore(nc, link, n, jobs, shards, datasets, blobs);
  }

  async putDataset(hash: string, bytes: Uint8Array): Promise<void> {
    await this.link.retry(`store dataset ${hash}`, async () => {
      const info = await this.datasets.info(hash);
      if (info && !info.deleted && info.size === bytes.length) return; // content-addressed: same hash, same bytes
      await this.datasets.putBlob({ name: hash }, bytes);
    });
  }

  async getDataset(hash: string): Promise<Uint8Array | undefined> {
    const b = await this.link.retry(`read dataset ${hash}`, () => this.datasets.getBlob(hash));
    return b ? plain(b) : undefined;
  }

  async createJob(job: StoredJob): Promise<void> {
    const key = idToKey(job.id);
    const value = enc.encode(JSON.stringify(job));
    let tried = false;
    await this.link.retry(`create job ${job.id}`, async () => {
      try {
        await this.jobs.create(key, value);
      } catch (e) {
        // A retry after a timed-out first attempt that did land finds our own record.
        const cur = tried && isWrongLastSequence(e) ? await this.jobs.get(key) : null;
        if (!(cur && sameBytes(cur.value, value))) {
          if (isWrongLastSequence(e)) throw new DataError(`job ${job.id} already exists`, { cause: e });
          throw e;
        }
      } finally {
        tried = true;
      }
    });
  }

  async getJob(id: string): Promise<StoredJob | undefined> {
    const e = await this.link.retry(`read job ${id}`, () => this.jobs.get(idToKey(id)));
    if (!e || e.operation !== 'PUT') return undefined;
    return parseJob(e.value, id);
  }

  async updateJob(id: string, patch: Partial<Omit<StoredJob, 'id'>>): Promise<StoredJob> {
    const key = idToKey(id);
    // Compare-and-set on the entry's revision: concurrent updates (or a retry) never lose a field.
    for (;;) {
      const cur = await this.link.retry(`read job ${id}`, () => this.jobs.get(key));
      if (!cur || cur.operation !== 'PUT') throw new NotFoundError(`unknown job ${id}`);
      const next: StoredJob = { ...parseJob(cur.value, id), ...patch, id, updatedAt: Date.now() };
      const value = enc.encode(JSON.stringify(next));
      let tried = false;
      const ok = await this.link.retry(`update job ${id}`, async () => {
        try {
          await this.jobs.update(key, value, cur.revision);
          return true;
        } catch (e) {
          if (!isWrongLastSequence(e)) throw e;
          if (tried) {
            const now = await this.jobs.get(key);
            if (now && sameBytes(now.value, value)) return true; // our timed-out write landed
          }
          return false; // someone else updated first: re-read and re-apply the patch
        } finally {
          tried = true;
        }
      });
      if (ok) return next;
    }
  }

  async listJobs(states?: readonly JobState[]): Promise<StoredJob[]> {
    const keys = await this.link.retry('list jobs', async () => collect(await this.jobs.keys()));
    const out: StoredJob[] = [];
    for (const k of keys) {
      const j = await this.getJob(keyToId(k));
      if (j && (!states || states.includes(j.state))) out.push(j);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  async putShardResult(jobId: string, shardId: string, values: Float64Array): Promise<boolean> {
    const key = `${idToKey(jobId)}.${idToKey(shardId)}`;
    const nonce = newNonce();
    const maxPayload = this.nc.info?.max_payload ?? 1024 * 1024;
    const inline = values.length * 8 + MESSAGE_MARGIN <= maxPayload;
    if (!inline) {
      // Values first, then the marker: a marker never points at a blob that is not there.
      const bytes = f64ToBytes(values);
      await this.link.retry(`store shard ${jobId}/${shardId} values`, () => this.blobs.putBlob({ name: shardBlobName(key, nonce) }, bytes));
    }
    const record = encodeShardRecord(inline ? ShardPlace.Inline : ShardPlace.Blob, nonce, inline ? values : undefined);
    let tried = false;
    return this.link.retry(`store shard ${jobId}/${shardId}`, async () => {
      try {
        await this.shards.create(key, record);
        return true;
      } catch (e) {
        if (!isWrongLastSequence(e)) throw e;
        if (tried) {
          const cur = await this.shards.get(key);
          if (cur && sameBytes(decodeShardRecord(cur.value, key).nonce, nonce)) return true;
        }
        return false; // a duplicate completion: the first one stays
      } finally {
        tried = true;
      }
    });
  }

  async getShardResults(jobId: string): Promise<Map<string, Float64Array>> {
    const prefix = `${idToKey(jobId)}.`;
    const keys = await this.link.retry(`list shards of ${jobId}`, async () => collect(await this.shards.keys(`${prefix}>`)));
    const out = new Map<string, Float64Array>();
    for (const key of keys) {
      const e = await this.link.retry(`read shard ${key}`, () => this.shards.get(key));
      if (!e || e.operation !== 'PUT') continue;
      const rec = decodeShardRecord(e.value, key);
      let payload = rec.payload;
      if (rec.place === ShardPlace.Blob) {
        const b = await this.link.retry(`read shard ${key} values`, () => this.blobs.getBlob(shardBlobName(key, rec.nonce)));
        if (!b) throw new NotFoundError(`shard ${key}: values blob missing from ${this.n.blobsBucket}`);
        payload = b;
      }
      out.set(keyToId(key.slice(prefix.length)), bytesToF64(payload, `shard ${key}`));
    }
    return out;
  }

  async putResult(jobId: string, result: StoredResult): Promise<void> {
    const bytes = enc.encode(result);
    await this.link.retry(`store result of ${jobId}`, () => this.blobs.putBlob({ name: resultBlobName(jobId) }, bytes));
  }

  async getResult(jobId: string): Promise<StoredResult | undefined> {
    const b = await this.link.retry(`read result of ${jobId}`, () => this.blobs.getBlob(resultBlobName(jobId)));
    return b ? dec.decode(b) : undefined;
  }

  /** Drop a job's shard records and their value blobs (its result stays); the coordinator calls it when a job ends. */
  async pruneShards(jobId: string): Promise<number> {
    const prefix = `${idToKey(jobId)}.`;
    const keys = await this.link.retry(`list shards of ${jobId}`, async () => collect(await this.shards.keys(`${prefix}>`)));
    for (const key of keys) {
      const e = await this.link.retry(`read shard ${key}`, () => this.shards.get(key));
      if (e && e.operation === 'PUT') {
        const rec = decodeShardRecord(e.value, key);
        if (rec.place === ShardPlace.Blob) await this.link.retry(`delete ${key} values`, () => this.blobs.delete(shardBlobName(key, rec.nonce)));
      }
      await this.link.retry(`delete shard ${key}`, () => this.shards.purge(key));
    }
    return keys.length;
  }

  async deleteJob(jobId: string): Promise<void> {
    await this.pruneShards(jobId);
    await this.link.retry(`delete result of ${jobId}`, () => this.blobs.delete(resultBlobName(jobId)).then(() => undefined));
    await this.link.retry(`delete job ${jobId}`, () => this.jobs.purge(idToKey(jobId)));
  }

  async listDatasets(): Promise<{ hash: string; bytes: number }[]> {
    const infos = await this.link.retry('list datasets', () => this.datasets.list());
    return infos.filter((i) => !i.deleted).map((i) => ({ hash: i.name, bytes: i.size }));
  }

  async deleteDataset(hash: string): Promise<void> {
    await this.link.retry(`delete dataset ${hash}`, () => this.datasets.delete(hash).then(() => undefined));
  }

  /** The store shares the backends' connection; closing it is the owner's job. */
  async close(): Promise<void> {}
}

function parseJob(value: Uint8Array, id: string): StoredJob {
  try {
    return JSON.parse(dec.decode(value)) as StoredJob;
  } catch (e) {
    throw new DataError(`job ${id}: stored record is not valid JSON`, { cause: e });
  }
}

function isWrongLastSequence(e: unknown): boolean {
  return e instanceof Error && ((e as { code?: unknown }).code === 10071 || /wrong last sequence/i.test(e.message));
}

function resultBlobName(jobId: string): string {
  return `result.${idToKey(jobId)}`;
}

function shardBlobName(key: string, nonce: Uint8Array): string {
  return `shard.${key}.${Buffer.from(nonce).toString('hex')}`;
}

/** A plain Uint8Array view (the client may hand back a Buffer, which compares differently). */
function plain(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const k of it) out.push(k);
  return out;
}
