/**
 * Every subject and JetStream bucket name infoshard uses on NATS, derived from one prefix
 * (default `infoshard`) so that tests, or two clusters sharing a server, stay apart.
 *
 *   <prefix>.workers.<workerId>           worker announce / heartbeat / leave (JSON)
 *   <prefix>.discovery.ping               coordinator asks every worker to announce now
 *   <prefix>.jobs.<jobId>.progress        progress events (JSON JobEvent)
 *   <prefix>.jobs.<jobId>.state           state changes (JSON JobEvent)
 *   KV  <prefix>_jobs                     StoredJob JSON by job id
 *   KV  <prefix>_shards                   finished shard values by <jobId>.<shardId>
 *   OBJ <prefix>_datasets                 canonical dataset bytes by SHA-256
 *   OBJ <prefix>_blobs                    job results, and shard values too big for a KV value
 */
import { OptionError } from '../../shared/errors.js';
import { idToKey } from './codec.js';

export const DEFAULT_PREFIX = 'infoshard';

export interface Names {
  prefix: string;
  workerSubject(workerId: string): string;
  workersWildcard: string;
  ping: string;
  jobWildcard(jobId: string): string;
  jobSubject(jobId: string, kind: 'progress' | 'state' | 'training'): string;
  jobsBucket: string;
  shardsBucket: string;
  datasetsBucket: string;
  blobsBucket: string;
}

export function names(prefix: string = DEFAULT_PREFIX): Names {
  // Bucket names allow [A-Za-z0-9_-]; subjects must not contain '.', '*', '>' or spaces in a token.
  if (!/^[A-Za-z0-9_-]+$/.test(prefix)) {
    throw new OptionError(`prefix '${prefix}' must match [A-Za-z0-9_-]+ (it names NATS subjects and buckets)`, 'prefix');
  }
  return {
    prefix,
    workerSubject: (id) => `${prefix}.workers.${idToKey(id)}`,
    workersWildcard: `${prefix}.workers.*`,
    ping: `${prefix}.discovery.ping`,
    jobWildcard: (id) => `${prefix}.jobs.${idToKey(id)}.*`,
    jobSubject: (id, kind) => `${prefix}.jobs.${idToKey(id)}.${kind}`,
    jobsBucket: `${prefix}_jobs`,
    shardsBucket: `${prefix}_shards`,
    datasetsBucket: `${prefix}_datasets`,
    blobsBucket: `${prefix}_blobs`,
  };
}
