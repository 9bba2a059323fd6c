/**
 * Piscina task module: runs `executeShard` in a worker thread. Prepared jobs are cached per
 * job id inside the thread (a few at a time, least recently used dropped), so after the first
 * task of a job a thread receives only {jobId, shard}. The batch backend (`spec.backend`) is
 * created once per thread and kind: gpu.js kernels compile once and auto's calibration is kept.
 */
import { executeShard } from '../shared/job/execute.js';
import type { PreparedJob } from '../shared/job/prepare.js';
import { serializeError } from '../shared/errors.js';
import { TRAINING_END, type PrepareMessage, type TaskMessage, type TaskReply } from './messages.js';
import { throttleTraining } from '../shared/job/progress.js';
import { prepareJob } from '../shared/job/prepare.js';
import { sharePreparedJob } from './shared-job.js';
import { shardBackend } from './backend.js';

const MAX_CACHED_JOBS = 4;
const jobs = new Map<string, PreparedJob>();

function lookup(msg: TaskMessage): PreparedJob | undefined {
  if (msg.job) {
    jobs.delete(msg.jobId);
    jobs.set(msg.jobId, msg.job);
    while (jobs.size > MAX_CACHED_JOBS) jobs.delete(jobs.keys().next().value!);
    return msg.job;
  }
  const p = jobs.get(msg.jobId);
  if (p) {
    // refresh recency
    jobs.delete(msg.jobId);
    jobs.set(msg.jobId, p);
  }
  return p;
}

export default function runTask(msg: TaskMessage | PrepareMessage): TaskReply {
  if ('prepare' in msg) {
    try {
      const { job, maxReplicates } = msg.prepare;
      return { kind: 'prepared', job: sharePreparedJob(prepareJob(job, maxReplicates !== undefined ? { maxReplicates } : {})) };
    } catch (err) {
      return { kind: 'error', ...serializeError(err) };
    }
  }
  const p = lookup(msg);
  if (!p) {
    msg.progress?.postMessage(TRAINING_END);
    msg.progress?.close();
    return { kind: 'need-job', jobId: msg.jobId };
  }
  try {
    const backend = shardBackend(p.backend);
    const stop = msg.stop;
    const shouldStop = stop ? () => Atomics.load(stop, 0) !== 0 : undefined;
    const port = msg.progress;
    const onTraining = port ? throttleTraining((t) => port.postMessage(t)) : undefined;
    return { kind: 'ok', partial: executeShard(p, msg.shard, { ...(backend ? { backend } : {}), ...(shouldStop ? { shouldStop } : {}), ...(onTraining ? { onTraining } : {}) }) };
  } catch (err) {
    return { kind: 'error', ...serializeError(err) };
  } finally {
    if (msg.progress) {
      msg.progress.postMessage(TRAINING_END);
      msg.progress.close();
    }
  }
}
