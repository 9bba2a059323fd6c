/**
 * Jobs on a coordinator, by id (issue 13): `infoshard jobs` lists them, `status` shows one,
 * `watch` follows its progress to the end, `result` prints its result (the same bytes the
 * submitting run printed, or would have: text and --json), `cancel` stops it. Each waits for an
 * unreachable coordinator up to --wait, and `watch`/`result` ride out a coordinator restart
 * like a submitting client. Interrupting `watch` or `result` stops following; only `cancel`
 * (or interrupting the run that submitted it) cancels the job.
 */
import type { Command } from 'commander';
import { CancelledError, errorFromCode } from '../shared/errors.js';
import type { JobInfoMsg } from '../cluster/wire.js';
import type { ClusterEngine } from '../coordinator/client.js';
import { intFlag } from './options.js';
import { connectionChoice, openCluster, withCoordinatorAuth, type ConnectionFlags } from './engine.js';

/** Default of --wait, seconds. */
export const CLIENT_WAIT_S = 60;

interface ConnectFlags extends ConnectionFlags {
  coordinator: string;
  wait?: string;
  json?: boolean;
}

function withConnection(cmd: Command): Command {
  return withCoordinatorAuth(
    cmd
      .requiredOption('--coordinator <host:port>', 'the coordinator'),
  )
    .option('--wait <seconds>', `how long to wait for an unreachable coordinator (default ${CLIENT_WAIT_S})`)
    .option('--json', 'print JSON on stdout');
}

async function connect(f: ConnectFlags): Promise<ClusterEngine> {
  return openCluster({
    ...connectionChoice(f),
    coordinator: f.coordinator,
    wait: intFlag(f.wait, '--wait', 0) ?? CLIENT_WAIT_S,
  });
}

async function withEngine<T>(f: ConnectFlags, fn: (e: ClusterEngine) => Promise<T>): Promise<T> {
  const e = await connect(f);
  try {
    return await fn(e);
  } finally {
    await e.close();
  }
}

function when(ms: number): string {
  return ms > 0 ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z' : '-';
}

function progressOf(j: JobInfoMsg): string {
  if (!j.progress_known) return '-';
  const pct = j.total_shards > 0 ? Math.floor((100 * j.shards_done) / j.total_shards) : 100;
  return `${j.shards_done}/${j.total_shards} shards (${pct}%)`;
}

function sourceOf(j: JobInfoMsg): string | undefined {
  try {
    const m = JSON.parse(j.client_json) as { source?: unknown };
    return typeof m.source === 'string' ? m.source : undefined;
  } catch {
    return undefined;
  }
}

function describe(j: JobInfoMsg): string {
  return `${j.measure} (${j.estimator})${j.workload ? `, ${j.workload}` : ''}`;
}

/** The JSON of one job (`jobs --json`, `status --json`). */
export function jobJson(j: JobInfoMsg): Record<string, unknown> {
  const source = sourceOf(j);
  return {
    jobId: j.job_id, state: j.state, waitingForWorkers: j.waiting_for_workers,
    shardsDone: j.progress_known ? j.shards_done : null, totalShards: j.total_shards,
    submitted: new Date(j.created_ms).toISOString(), updated: new Date(j.updated_ms).toISOString(),
    measure: j.measure, estimator: j.estimator, workload: j.workload, priority: j.priority, ...(source !== undefined ? { source } : {}),
    ...(j.error_code ? { error: { code: j.error_code, message: j.error_message } } : {}),
  };
}

/** A table with a header, columns padded to their widest cell. */
function table(rows: string[][]): string {
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(w[c]!))).join('  ')).join('\n') + '\n';
}

function statusText(j: JobInfoMsg): string {
  const source = sourceOf(j);
  const lines = [
    `job ${j.job_id}: ${j.state}${j.waiting_for_workers ? ' (waiting for workers: the coordinator has no live worker)' : ''}`,
    `  progress: ${progressOf(j)}`,
    `  submitted: ${when(j.created_ms)}, last change: ${when(j.updated_ms)}`,
    `  job: ${describe(j)}${source !== undefined ? ` on ${source}` : ''}${j.priority > 1 ? `, priority ${j.priority}` : ''}`,
  ];
  if (j.error_code) lines.push(`  error: ${j.error_code}: ${j.error_message}`);
  return lines.join('\n') + '\n';
}

/** The error a finished job ended with, as the CLI exits on it (a done job: none). */
function endError(j: JobInfoMsg): Error | undefined {
  if (j.state === 'cancelled') return new CancelledError(j.error_message || `job ${j.job_id} cancelled`);
  if (j.state === 'failed') return errorFromCode(j.error_code || 'E_INTERNAL', j.error_message || `job ${j.job_id} failed`);
  return undefined;
}

export function registerJobCommands(program: Command): void {
  withConnection(
    program
      .command('jobs')
      .description('list the jobs a coordinator knows, newest first: id, state, progress, submitted, workload')
      .option('--state <list>', 'only these states, comma-separated (running, done, failed, cancelled)')
      .option('--limit <N>', 'at most N jobs (default 100)'),
  ).action(async (f: ConnectFlags & { state?: string; limit?: string }) => {
    const limit = intFlag(f.limit, '--limit', 1) ?? 0;
    const states = f.state ? f.state.split(',').map((x) => x.trim()) : [];
    const jobs = await withEngine(f, (e) => e.listJobs(states, limit));
    if (f.json) {
      process.stdout.write(JSON.stringify(jobs.map(jobJson)) + '\n');
      return;
    }
    const rows = [['ID', 'STATE', 'PROGRESS', 'SUBMITTED', 'JOB']];
    for (const j of jobs) rows.push([j.job_id, j.waiting_for_workers ? 'running (waiting for workers)' : j.state, progressOf(j), when(j.created_ms), describe(j)]);
    process.stdout.write(jobs.length ? table(rows) : 'no jobs\n');
  });

  withConnection(program.command('status').description('one job: state, progress, times, what it computes, its error').argument('<jobId>'))
    .action(async (id: string, f: ConnectFlags) => {
      const j = await withEngine(f, (e) => e.getJob(id));
      process.stdout.write(f.json ? JSON.stringify(jobJson(j)) + '\n' : statusText(j));
    });

  withConnection(
    program.command('watch').description('follow a job\'s progress until it ends (exit code: 0 done, as the job\'s error otherwise)').argument('<jobId>'),
  ).action(async (id: string, f: ConnectFlags) => {
    const { createProgress } = await import('./progress.js');
    await withEngine(f, async (e) => {
      const progress = createProgress(true);
      const a = e.attach(id, { onProgress: (p) => p.total > 0 && progress.update(p) });
      try {
        await a.done;
      } catch {
        /* the final state below says how it ended */
      } finally {
        progress.stop();
      }
      const j = await e.getJob(id);
      process.stdout.write(f.json ? JSON.stringify(jobJson(j)) + '\n' : `job ${id} ${j.state}${j.error_code ? `: ${j.error_code}: ${j.error_message}` : ''}\n`);
      const err = endError(j);
      if (err) throw err;
    });
  });

  withConnection(
    program
      .command('result')
      .description('print a job\'s result: the same output as the run that submitted it (waits while it runs)')
      .argument('<jobId>')
      .option('--progress', 'show a progress bar on stderr while the job runs')
      .option('--replicates-out <file>', 'write raw replicate values (.csv or .json)')
      .option('--report <file>', 'write a self-contained HTML report with plots')
      .option('--plot <file>', 'write the main figure alone (.svg or .png)')
      .option('--out <file>', 'screen / pairwise: CSV of the items'),
  ).action(async (id: string, f: ConnectFlags & { progress?: boolean; replicatesOut?: string; report?: string; plot?: string; out?: string }) => {
    const [{ createProgress, wantProgress }, { emitResult, finalResult, parseClientMeta }, { checkReportTargets }] = await Promise.all([
      import('./progress.js'), import('./execute.js'), import('../report/index.js'),
    ]);
    const out = {
      ...(f.json ? { json: true } : {}), ...(f.replicatesOut ? { replicatesOut: f.replicatesOut } : {}), ...(f.report ? { report: f.report } : {}),
      ...(f.plot ? { plot: f.plot } : {}), ...(f.out ? { out: f.out } : {}),
    };
    checkReportTargets(out);
    await withEngine(f, async (e) => {
      const progress = createProgress(wantProgress(f));
      let done;
      try {
        done = await e.attach(id, { onProgress: (p) => p.total > 0 && progress.update(p) }).done;
      } finally {
        progress.stop();
      }
      const meta = parseClientMeta(done.clientJson, id);
      await emitResult(finalResult(done.result, meta, meta.loadMs + done.result.timings.totalMs), meta.source, out, id);
    });
  });

  withConnection(program.command('cancel').description('cancel a running job (its shards stop on every worker)').argument('<jobId>'))
    .action(async (id: string, f: ConnectFlags) => {
      await withEngine(f, async (e) => {
        const was = await e.cancelJob(id);
        const j = await e.getJob(id);
        if (f.json) process.stdout.write(JSON.stringify({ jobId: id, cancelled: was, state: j.state }) + '\n');
        else process.stdout.write(was ? `job ${id} cancelled\n` : `job ${id} was not running (${j.state}); nothing to cancel\n`);
      });
    });
}
