/**
 * The coordinator's read-only HTTP side (`--http HOST:PORT`): health probes, the `/status` JSON,
 * `/metrics` for Prometheus, and the dashboard (`/`) with a page per job (`/jobs/<id>`: the
 * HTML report of a finished job, the same page `--report` writes) and its JSON (`/jobs/<id>/result`).
 * Only GET/HEAD; nothing here changes state. Like the probes before it, it has no auth of its
 * own: bind it to loopback or a private network (see docs/cluster.md).
 */
import type http from 'node:http';
import type { JobResult } from '../shared/job/spec.js';
import { jobReportHtml } from '../report/index.js';
import { escapeHtml } from '../report/html.js';
import { decodeResult } from '../cluster/wire.js';
import { DASHBOARD_HTML } from './dashboard.js';
import { checkBearer } from '../cluster/security.js';
import type { CoordinatorMetrics } from './metrics.js';
import type { Scheduler } from './scheduler.js';
import type { JobStore } from './store.js';

export interface HttpDeps {
  scheduler: Scheduler;
  store: JobStore;
  metrics: CoordinatorMetrics;
  version: string;
  /** Bearer token every endpoint but the probes requires (set when bound beyond loopback). */
  token?: string;
  /** True while the coordinator resumes unfinished jobs from its store: not ready yet. */
  resuming?: () => boolean;
}

/** Rendered job pages, newest last; a finished result never changes, so they are kept. */
const PAGE_CACHE = 32;

export function createHttpHandler(d: HttpDeps): http.RequestListener {
  const pages = new Map<string, string>();

  const jobPage = async (id: string, result: JobResult): Promise<string> => {
    const hit = pages.get(id);
    if (hit) return hit;
    const html = await jobReportHtml(result, { source: `job ${id} (data ${result.provenance.dataHash.slice(0, 12)}…)`, version: d.version, back: { href: '../', text: '← dashboard' } });
    pages.set(id, html);
    if (pages.size > PAGE_CACHE) pages.delete(pages.keys().next().value!);
    return html;
  };

  const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const send = (code: number, type: string, body: string) => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const json = (code: number, body: unknown) => send(code, 'application/json', JSON.stringify(body));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return json(405, { error: `${req.method} not allowed; the HTTP endpoints are read-only` });
    }
    const url = (req.url ?? '/').split('?')[0]!;
    if (url === '/healthz') return json(200, { status: 'ok' });
    if (url === '/readyz') {
      // ready = a job submitted now would run: not while resuming (job calls wait), nor with no live worker
      const workers = d.scheduler.listWorkers().length;
      if (d.resuming?.()) return json(503, { status: 'not ready', reason: 'resuming unfinished jobs', workers });
      return workers > 0 ? json(200, { status: 'ready', workers }) : json(503, { status: 'not ready', reason: 'waiting for workers: none is live', workers });
    }
    if (d.token !== undefined) {
      try {
        checkBearer(d.token, req.headers.authorization);
      } catch (e) {
        res.setHeader('www-authenticate', 'Bearer');
        return json(401, { error: (e as Error).message });
      }
    }
    if (url === '/status') {
      const s = d.scheduler;
      return json(200, { now: Date.now(), workers: s.listWorkers(), jobs: s.listJobs(), counters: s.counters, recoveries: s.recoveryLog() });
    }
    if (url === '/metrics') return send(200, d.metrics.contentType, await d.metrics.text());
    if (url === '/' || url === '/dashboard') return send(200, 'text/html; charset=utf-8', DASHBOARD_HTML);
    const m = /^\/jobs\/([A-Za-z0-9-]+)(\/result)?$/.exec(url);
    if (m) {
      const id = m[1]!;
      const job = await d.store.getJob(id);
      if (!job) return json(404, { error: `unknown job ${id}` });
      if (job.state !== 'done') {
        if (m[2]) return json(409, { error: `job ${id} is ${job.state}; its result exists once it is done`, state: job.state });
        const live = job.state === 'running';
        // no script: a refresh header brings the report once the job is done
        if (live) res.setHeader('refresh', '2');
        return send(200, 'text/html; charset=utf-8', `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>job ${id}</title></head><body style="font-family:sans-serif">`
          + `<h1>job ${id}</h1><p>state: <strong>${job.state}</strong>${job.error ? ` — ${escapeHtml(`${job.error.code}: ${job.error.message}`)}` : ''}</p>`
          + `${live ? '<p>The report appears here when the job is done (this page reloads every 2 s).</p>' : ''}<p><a href="../">dashboard</a></p></body></html>`);
      }
      const stored = await d.store.getResult(id);
      if (!stored) return json(500, { error: `job ${id} is done but its result is missing` });
      const result = decodeResult(stored);
      if (m[2]) return json(200, Object.fromEntries(Object.entries(result).filter(([, v]) => !ArrayBuffer.isView(v))));
      return send(200, 'text/html; charset=utf-8', await jobPage(id, result));
    }
    json(404, { error: `no such endpoint ${url}; try /, /status, /metrics, /healthz, /readyz, /jobs/<id>` });
  };

  return (req, res) => {
    route(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: (e as Error).message ?? String(e) }));
    });
  };
}
