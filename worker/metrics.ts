/**
 * A worker's own `/metrics` (Prometheus text via prom-client; `infoshard worker --metrics
 * HOST:PORT`): pool size, busy share and queue, shards and replicates computed (rate() of the
 * replicate counter is the throughput), the backend last used, and the dataset cache. Values
 * are read from the service when scraped; one Registry per worker, never the global one.
 */
import http from 'node:http';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { WorkerService } from './server.js';

export interface WorkerMetricsServer {
  port: number;
  close(): Promise<void>;
}

export function createWorkerRegistry(service: WorkerService): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const { runner, cache } = service.o;
  new Gauge({
    name: 'infoshard_worker_pool_threads', help: 'Threads of the piscina pool.', registers: [registry],
    collect() {
      this.set(runner.threads);
    },
  });
  new Gauge({
    name: 'infoshard_worker_pool_active_tasks', help: 'Shards running or queued in the pool now.', registers: [registry],
    collect() {
      this.set(runner.activeTasks());
    },
  });
  new Gauge({
    name: 'infoshard_worker_pool_utilization', help: 'Share of time the pool threads were busy since start (piscina), 0..1.', registers: [registry],
    collect() {
      this.set(runner.utilization?.() ?? 0);
    },
  });
  let shardsSeen = 0;
  new Counter({
    name: 'infoshard_worker_shards_total', help: 'Shards computed and answered.', registers: [registry],
    collect() {
      if (service.shardsDone > shardsSeen) this.inc(service.shardsDone - shardsSeen);
      shardsSeen = service.shardsDone;
    },
  });
  const seen = new Map<string, number>();
  new Counter({
    name: 'infoshard_worker_replicates_total', help: 'Replicates computed, by workload (rate() = throughput).', labelNames: ['workload'], registers: [registry],
    collect() {
      for (const [workload, n] of service.replicatesDone) {
        const before = seen.get(workload) ?? 0;
        if (n > before) this.inc({ workload }, n - before);
        seen.set(workload, n);
      }
    },
  });
  new Gauge({
    name: 'infoshard_worker_backend_info', help: 'The kNN backend of the last answered shards (label), value 1.', labelNames: ['backend'], registers: [registry],
    collect() {
      this.reset();
      if (service.lastBackend) this.set({ backend: service.lastBackend }, 1);
    },
  });
  new Gauge({
    name: 'infoshard_worker_dataset_cache_bytes', help: 'Bytes of datasets cached.', registers: [registry],
    collect() {
      this.set(cache.stats().bytes);
    },
  });
  new Gauge({
    name: 'infoshard_worker_dataset_cache_entries', help: 'Datasets cached.', registers: [registry],
    collect() {
      this.set(cache.stats().count);
    },
  });
  return registry;
}

/** Serve GET /metrics (and /healthz) on `host:port`; port 0 picks a free one. */
export async function serveWorkerMetrics(service: WorkerService, host: string, port: number): Promise<WorkerMetricsServer> {
  const registry = createWorkerRegistry(service);
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('read-only\n');
      return;
    }
    if (url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no such endpoint ${url}; try /metrics\n`);
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String((e as Error).message ?? e)),
    );
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as { port: number }).port));
  });
  return {
    port: bound,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      registry.clear();
    },
  };
}
