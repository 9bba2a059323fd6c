/**
 * deploy/monitoring: the ServiceMonitor and the plain Prometheus scrape config point at what the
 * coordinator really serves (the Service's `http` port, the compose coordinator's --http port),
 * and that port answers /metrics in Prometheus text format (asked of a live coordinator).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { startCoordinator } from '../../coordinator/server.js';
import { repoRoot } from '../helpers/cases.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const DEPLOY = path.join(repoRoot(), 'deploy');
const read = (p: string) => readFileSync(path.join(DEPLOY, p), 'utf8');

describe('deploy/monitoring: scrape configs for /metrics', () => {
  const k8s = parseAllDocuments(read('k8s/coordinator.yaml')).map((d) => d.toJSON() as Obj);
  const service = k8s.find((d) => d['kind'] === 'Service')!;

  const monitors = parseAllDocuments(read('monitoring/servicemonitor.yaml')).map((d) => d.toJSON() as Obj);

  it('the ServiceMonitor selects the coordinator Service and scrapes its http port at /metrics', () => {
    const sm = monitors.find((d) => d['kind'] === 'ServiceMonitor')!;
    assert.equal(sm['kind'], 'ServiceMonitor');
    for (const [k, v] of Object.entries(sm['spec']['selector']['matchLabels'] as Obj)) assert.equal(service['metadata']['labels'][k], v, `label ${k}`);
    const [ep] = sm['spec']['endpoints'] as Obj[];
    assert.equal(ep!['path'], '/metrics');
    const port = (service['spec']['ports'] as Obj[]).find((p) => p['name'] === ep!['port']);
    assert.ok(port, `Service has a port named ${ep!['port']}`);
    const deployment = k8s.find((d) => d['kind'] === 'Deployment')!;
    const args = deployment['spec']['template']['spec']['containers'][0]['args'] as string[];
    assert.ok(args.includes(`--http=0.0.0.0:${port!['port']}`), 'the coordinator serves HTTP on that port');
  });

  it('the PodMonitor selects the worker pods and scrapes the port their --metrics flag opens', () => {
    const pm = monitors.find((d) => d['kind'] === 'PodMonitor')!;
    const worker = parseAllDocuments(read('k8s/worker.yaml')).map((d) => d.toJSON() as Obj).find((d) => d['kind'] === 'Deployment')!;
    const tpl = worker['spec']['template'];
    for (const [k, v] of Object.entries(pm['spec']['selector']['matchLabels'] as Obj)) assert.equal(tpl['metadata']['labels'][k], v, `label ${k}`);
    const [ep] = pm['spec']['podMetricsEndpoints'] as Obj[];
    assert.equal(ep!['path'], '/metrics');
    const container = tpl['spec']['containers'][0];
    const port = (container['ports'] as Obj[]).find((p) => p['name'] === ep!['port']);
    assert.ok(port, `worker container has a port named ${ep!['port']}`);
    assert.ok((container['args'] as string[]).includes(`--metrics=0.0.0.0:${port!['containerPort']}`));
  });

  it('the Prometheus scrape job targets the compose coordinator --http port', () => {
    const prom = parse(read('monitoring/prometheus.yml')) as Obj;
    const job = (prom['scrape_configs'] as Obj[]).find((j) => j['job_name'] === 'infoshard-coordinator')!;
    assert.equal(job['metrics_path'], '/metrics');
    const compose = parse(read('compose.yaml')) as Obj;
    const http = (compose['services']['coordinator']['command'] as string[]).find((a) => a.startsWith('--http='))!;
    assert.deepEqual(job['static_configs'][0]['targets'], [`coordinator:${http.split(':').pop()}`]);
  });

  it('/metrics answers in Prometheus text format on the --http port', async () => {
    const c = await startCoordinator({ listen: '127.0.0.1:0', http: '127.0.0.1:0' });
    try {
      const r = await fetch(`http://127.0.0.1:${c.httpPort}/metrics`);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
      const text = await r.text();
      assert.match(text, /^# HELP infoshard_workers /m);
      assert.match(text, /^infoshard_workers 0$/m);
      assert.match(text, /^# TYPE infoshard_shard_latency_seconds histogram$/m);
    } finally {
      await c.close();
    }
  });
});
