/**
 * No container engine in CI, so the deployment files are checked structurally: the Dockerfile's
 * stages and entrypoint, and that compose and the Kubernetes manifests start `infoshard` with
 * subcommands and flags the CLI really has, wire ports/hosts/secrets consistently, and probe
 * endpoints the coordinator really serves (asked of a live coordinator).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { parse, parseAllDocuments } from 'yaml';
import { createProgram } from '../../cli/program.js';
import { startCoordinator } from '../../coordinator/server.js';
import { startWorker } from '../../worker/process.js';

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test file');
    dir = up;
  }
  return dir;
}
const ROOT = repoRoot();
const DEPLOY = path.join(ROOT, 'deploy');
const read = (p: string) => readFileSync(path.join(DEPLOY, p), 'utf8');

type Obj = Record<string, unknown>;
const obj = (v: unknown, what: string): Obj => {
  assert.ok(v !== null && typeof v === 'object' && !Array.isArray(v), `${what} must be a mapping`);
  return v as Obj;
};
const arr = (v: unknown, what: string): unknown[] => {
  assert.ok(Array.isArray(v), `${what} must be a list`);
  return v;
};
const str = (v: unknown, what: string): string => {
  assert.equal(typeof v, 'string', `${what} must be a string`);
  return v as string;
};

/** The subcommand and --flags of an infoshard argv, with `--flag=value` and `--flag value` forms. */
function parseArgv(argv: string[]): { sub: string; flags: Map<string, string> } {
  const [sub, ...rest] = argv;
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    assert.ok(a.startsWith('--'), `unexpected positional argument '${a}' after '${sub}'`);
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(0, eq), a.slice(eq + 1));
    else if (i + 1 < rest.length && !rest[i + 1]!.startsWith('--')) flags.set(a, rest[++i]!);
    else flags.set(a, '');
  }
  return { sub: sub!, flags };
}

/** Every long flag a CLI subcommand accepts, and the env vars its options read. */
function cliCommand(name: string): { flags: Set<string>; envVars: Set<string> } {
  const program: Command = createProgram();
  const cmd = program.commands.find((c) => c.name() === name);
  assert.ok(cmd, `the CLI has no '${name}' command (deploy files start 'infoshard ${name}')`);
  const flags = new Set<string>(['--help']);
  const envVars = new Set<string>();
  for (const o of cmd.options) {
    if (o.long) flags.add(o.long);
    if (o.long?.startsWith('--no-')) flags.add(`--${o.long.slice(5)}`);
    if (o.envVar) envVars.add(o.envVar);
  }
  return { flags, envVars };
}

function assertFlagsExist(where: string, argv: string[]): Map<string, string> {
  const { sub, flags } = parseArgv(argv);
  const cli = cliCommand(sub);
  for (const f of flags.keys()) assert.ok(cli.flags.has(f), `${where}: 'infoshard ${sub}' has no flag ${f} (it has ${[...cli.flags].join(' ')})`);
  return flags;
}

const portOf = (hostPort: string) => Number(/:(\d+)$/.exec(hostPort)?.[1]);
const hostOf = (hostPort: string) => hostPort.replace(/:\d+$/, '');
/** host:port out of a nats:// URL (credentials and $(VAR)/${VAR} references allowed). */
const natsHostPort = (url: string) => {
  const m = /^nats:\/\/(?:[^@]*@)?(.+)$/.exec(url);
  assert.ok(m, `'${url}' is not a nats:// URL`);
  return m[1]!;
};

describe('deploy/Dockerfile', () => {
  const text = read('Dockerfile');
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages = lines.filter((l) => /^FROM /i.test(l)).map((l) => /\bAS\s+(\S+)/i.exec(l)?.[1]);

  it('builds TypeScript in a build stage and runs from a slim runtime stage', () => {
    assert.deepEqual(stages, ['build', 'runtime']);
    assert.match(lines.find((l) => /^FROM .* AS runtime$/i.test(l))!, /^FROM node:20[-\w.]*slim/i);
    const buildPart = text.slice(text.indexOf('AS build'), text.indexOf('AS runtime'));
    assert.match(buildPart, /npm ci/);
    assert.match(buildPart, /tsc -p tsconfig\.json/);
    assert.match(buildPart, /node scripts\/bundle\.mjs/, 'the image runs the bundled CLI, as `npm run build` does');
    assert.match(buildPart, /npm prune --omit=dev/);
  });

  it('copies only paths that exist, including every tsconfig input', () => {
    const copies = lines.filter((l) => /^COPY /i.test(l) && !/--from=/.test(l));
    const sources = copies.flatMap((l) => l.split(/\s+/).slice(1, -1));
    for (const s of sources) assert.ok(existsSync(path.join(ROOT, s)), `COPY source ${s} does not exist`);
    const tsconfig = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] };
    for (const inc of tsconfig.include) {
      if (existsSync(path.join(ROOT, inc))) assert.ok(sources.includes(inc), `tsconfig includes '${inc}' but the build stage does not copy it`);
    }
  });

  it('runs the package bin as its entrypoint, with the .proto files beside it', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const entry = lines.find((l) => /^ENTRYPOINT /i.test(l));
    assert.ok(entry, 'no ENTRYPOINT');
    const argv = JSON.parse(entry.replace(/^ENTRYPOINT\s+/i, '')) as string[];
    assert.deepEqual(argv, ['node', `/app/${pkg.bin['infoshard']!.replace(/^\.\//, '')}`]);
    const runtime = text.slice(text.indexOf('AS runtime'));
    for (const p of ['/app/dist', '/app/proto', '/app/node_modules', '/app/package.json']) {
      assert.ok(runtime.includes(`--from=build ${p}`), `runtime stage does not copy ${p}`);
    }
    assert.match(runtime, /^USER node$/m);
  });
});

describe('deploy/compose.yaml', () => {
  const doc = obj(parse(read('compose.yaml'), { merge: true }), 'compose');
  const services = obj(doc['services'], 'services');
  const svc = (name: string) => obj(services[name], `service ${name}`);
  /** The infoshard argv of a service (its entrypoint wrapper, if any, forwards "$@"). */
  const argvOf = (name: string): string[] => {
    const s = svc(name);
    const cmd = arr(s['command'], `${name}.command`).map((x) => str(x, `${name}.command[]`));
    if (s['entrypoint'] === undefined) return cmd;
    const ep = arr(s['entrypoint'], `${name}.entrypoint`).map((x) => str(x, 'entrypoint[]'));
    const script = ep[2]!;
    const m = /infoshard\.js (\w+) \\?"\$\$@\\?"((?: --[\w-]+=\S+)*)/.exec(script);
    assert.ok(m, `${name}.entrypoint must exec infoshard.js <command> "$$@": ${script}`);
    return [m[1]!, ...cmd, ...m[2]!.trim().split(/\s+/).filter(Boolean)];
  };

  it('has nats with JetStream on a volume, a coordinator and scaled workers', () => {
    for (const s of ['nats', 'coordinator', 'worker']) assert.ok(services[s], `service ${s} missing`);
    const nats = arr(svc('nats')['command'], 'nats.command').join(' ');
    assert.match(nats, /--jetstream/);
    const storeDir = /--store_dir=(\S+)/.exec(nats)?.[1];
    assert.ok(storeDir && arr(svc('nats')['volumes'], 'nats.volumes').some((v) => String(v).endsWith(`:${storeDir}`)), 'JetStream store dir must be on a volume');
    assert.ok(Number(obj(svc('worker')['deploy'], 'worker.deploy')['replicas']) >= 1);
  });

  it('starts infoshard with commands and flags the CLI has, wired to each other', () => {
    const coord = assertFlagsExist('compose coordinator', argvOf('coordinator'));
    const worker = assertFlagsExist('compose worker', argvOf('worker'));
    assert.equal(argvOf('coordinator')[0], 'coordinator');
    assert.equal(argvOf('worker')[0], 'worker');
    const coordPort = portOf(coord.get('--listen')!);
    assert.equal(worker.get('--coordinator'), `coordinator:${coordPort}`);
    for (const f of [coord, worker]) assert.equal(natsHostPort(f.get('--nats')!), 'nats:4222');
    const published = arr(svc('coordinator')['ports'], 'coordinator.ports').map(String);
    assert.ok(published.some((p) => p.endsWith(`:${coordPort}`)), 'coordinator gRPC port not published');
    assert.ok(published.every((p) => p.startsWith('127.0.0.1:')), 'published ports bind loopback only');
    // Every secret mounted is declared, and --token-file points at one.
    const secrets = Object.keys(obj(doc['secrets'], 'secrets'));
    for (const [name, flags] of [['coordinator', coord], ['worker', worker]] as const) {
      const mounted = arr(svc(name)['secrets'], `${name}.secrets`).map(String);
      for (const m of mounted) assert.ok(secrets.includes(m), `${name} mounts undeclared secret ${m}`);
      assert.ok(mounted.some((m) => flags.get('--token-file') === `/run/secrets/${m}`), `${name} --token-file is not a mounted secret`);
    }
  });

  it('health-checks the endpoints the processes serve, in dependency order', () => {
    const coord = parseArgv(argvOf('coordinator')).flags;
    const worker = parseArgv(argvOf('worker')).flags;
    const coordCheck = arr(obj(svc('coordinator')['healthcheck'], 'hc')['test'], 'test').join(' ');
    const url = /http:\/\/127\.0\.0\.1:(\d+)(\/\w+)/.exec(coordCheck);
    assert.ok(url, `coordinator healthcheck has no local URL: ${coordCheck}`);
    assert.equal(Number(url[1]), portOf(coord.get('--http')!));
    // /healthz, not /readyz: the workers wait for this check, and /readyz waits for workers
    assert.equal(url[2], '/healthz');
    const workerCheck = arr(obj(svc('worker')['healthcheck'], 'hc')['test'], 'test').join(' ');
    assert.match(workerCheck, new RegExp(`connect\\(${portOf(worker.get('--listen')!)},`));
    assert.match(arr(obj(svc('nats')['healthcheck'], 'hc')['test'], 'test').join(' '), /:8222\/healthz/);
    assert.deepEqual(obj(svc('coordinator')['depends_on'], 'depends_on'), { nats: { condition: 'service_healthy' } });
    assert.equal(obj(obj(svc('worker')['depends_on'], 'depends_on')['coordinator'], 'dep')['condition'], 'service_healthy');
  });
});

describe('deploy/k8s', () => {
  const files = readdirSync(path.join(DEPLOY, 'k8s')).filter((f) => f.endsWith('.yaml'));
  const docs: Obj[] = files.flatMap((f) =>
    parseAllDocuments(read(`k8s/${f}`)).map((d) => {
      assert.deepEqual(d.errors, [], `${f} does not parse`);
      return obj(d.toJSON(), f);
    }),
  );
  const find = (kind: string, name: string) => {
    const d = docs.find((x) => x['kind'] === kind && obj(x['metadata'], 'metadata')['name'] === name);
    assert.ok(d, `${kind}/${name} missing`);
    return d;
  };
  const podSpec = (d: Obj) => obj(obj(obj(d['spec'], 'spec')['template'], 'template')['spec'], 'pod spec');
  const container = (d: Obj) => obj(arr(podSpec(d)['containers'], 'containers')[0], 'container');
  const configData = obj(find('ConfigMap', 'infoshard-config')['data'], 'configmap data');
  // The Secret is made by create-secrets.sh, never shipped: its keys are the ones the script sets.
  const script = read('k8s/create-secrets.sh');
  const secretData: Obj = Object.fromEntries([...script.matchAll(/--from-literal=([\w-]+)=/g)].map((m) => [m[1]!, true]));

  it('ships no secret values: no Secret manifest, every secret value generated by create-secrets.sh', () => {
    for (const d of docs) assert.notEqual(d['kind'], 'Secret', `a Secret is shipped in deploy/k8s (${JSON.stringify(d['metadata'])}): applying it would overwrite real secrets`);
    for (const f of files) assert.doesNotMatch(read(`k8s/${f}`), /\b(stringData|change-me)\b/, `${f} holds secret values`);
    assert.deepEqual(Object.keys(secretData).sort(), ['nats-password', 'nats-user', 'token']);
    // token and password come from openssl at creation time, not from the repository
    assert.match(script, /--from-literal=token="\$\(openssl rand -hex 32\)"/);
    assert.match(script, /--from-literal=nats-password="\$\(openssl rand -hex \d+\)"/);
    assert.match(script, /already exists[^\n]*left unchanged/);
  });

  it('kustomization lists every manifest', () => {
    const k = obj(parse(read('k8s/kustomization.yaml')), 'kustomization');
    assert.deepEqual(new Set(arr(k['resources'], 'resources')), new Set(files.filter((f) => f !== 'kustomization.yaml')));
  });

  it('has NATS (StatefulSet + Service), coordinator and worker Deployments and Services', () => {
    const nats = find('StatefulSet', 'nats');
    assert.match(arr(container(nats)['args'], 'args').join(' '), /--jetstream/);
    find('Deployment', 'coordinator');
    assert.equal(obj(obj(find('Deployment', 'coordinator')['spec'], 'spec')['strategy'], 'strategy')['type'], 'Recreate');
    assert.ok(Number(obj(find('Deployment', 'worker')['spec'], 'spec')['replicas']) >= 1);
    for (const [svcName, workload] of [['nats', find('StatefulSet', 'nats')], ['coordinator', find('Deployment', 'coordinator')]] as const) {
      const svc = find('Service', svcName);
      const labels = obj(obj(obj(obj(workload['spec'], 'spec')['template'], 't')['metadata'], 'm')['labels'], 'labels');
      const selector = obj(obj(svc['spec'], 'spec')['selector'], 'selector');
      for (const [k, v] of Object.entries(selector)) assert.equal(labels[k], v, `Service ${svcName} selector ${k} does not match its pods`);
      const names = arr(container(workload)['ports'], 'ports').map((p) => obj(p, 'port')['name']);
      for (const p of arr(obj(svc['spec'], 'spec')['ports'], 'svc ports')) {
        assert.ok(names.includes(obj(p, 'port')['targetPort']), `Service ${svcName} targets a port its container does not name`);
      }
    }
  });

  it('starts infoshard with real flags; every $(VAR) and env source is defined', () => {
    for (const name of ['coordinator', 'worker']) {
      const c = container(find('Deployment', name));
      const args = arr(c['args'], 'args').map((a) => str(a, 'arg'));
      assert.equal(args[0], name);
      const flags = assertFlagsExist(`k8s ${name}`, args);
      const env = arr(c['env'], 'env').map((e) => obj(e, 'env'));
      const defined = new Set(env.map((e) => str(e['name'], 'env name')));
      const used = new Set([...args.join(' ').matchAll(/\$\((\w+)\)/g)].map((m) => m[1]!));
      for (const v of used) assert.ok(defined.has(v), `${name}: args use $(${v}) but env does not define it`);
      const cliEnv = cliCommand(name).envVars;
      for (const v of defined) assert.ok(used.has(v) || cliEnv.has(v), `${name}: env ${v} is neither used in args nor read by the CLI`);
      for (const e of env) {
        const from = e['valueFrom'] as Obj | undefined;
        const cm = from?.['configMapKeyRef'] as Obj | undefined;
        const sk = from?.['secretKeyRef'] as Obj | undefined;
        if (cm) assert.ok(String(cm['key']) in configData, `${name}: ConfigMap key ${cm['key']} missing`);
        if (sk) assert.ok(String(sk['key']) in secretData, `${name}: Secret key ${sk['key']} missing`);
      }
      assert.equal(natsHostPort(flags.get('--nats')!), '$(NATS_HOSTPORT)');
      assert.equal(configData['NATS_HOSTPORT'], `nats:${obj(arr(obj(find('Service', 'nats')['spec'], 's')['ports'], 'p')[0], 'p')['port']}`);
      // --token-file lives in a mounted Secret volume that holds the token key.
      const tokenFile = flags.get('--token-file')!;
      const mount = arr(c['volumeMounts'], 'mounts').map((m) => obj(m, 'mount')).find((m) => tokenFile.startsWith(`${m['mountPath']}/`));
      assert.ok(mount, `${name}: --token-file ${tokenFile} is not under a volume mount`);
      const vol = arr(podSpec(find('Deployment', name))['volumes'], 'volumes').map((v) => obj(v, 'vol')).find((v) => v['name'] === mount['name']);
      const items = arr(obj(vol?.['secret'], 'secret volume')['items'], 'items').map((i) => obj(i, 'item'));
      assert.ok(items.some((i) => `${mount['mountPath']}/${i['path']}` === tokenFile && String(i['key']) in secretData));
    }
    const workerFlags = parseArgv(arr(container(find('Deployment', 'worker'))['args'], 'a').map(String)).flags;
    const coordFlags = parseArgv(arr(container(find('Deployment', 'coordinator'))['args'], 'a').map(String)).flags;
    assert.equal(workerFlags.get('--coordinator'), `coordinator:${portOf(coordFlags.get('--listen')!)}`);
    assert.equal(hostOf(workerFlags.get('--advertise') ?? ''), '$(POD_IP)');
    assert.equal(portOf(workerFlags.get('--advertise')!), portOf(workerFlags.get('--listen')!));
  });

  it('probes point at the ports the processes listen on', () => {
    const coord = container(find('Deployment', 'coordinator'));
    const httpPort = portOf(parseArgv(arr(coord['args'], 'a').map(String)).flags.get('--http')!);
    const named = new Map(arr(coord['ports'], 'ports').map((p) => [obj(p, 'p')['name'], Number(obj(p, 'p')['containerPort'])]));
    for (const [probe, pathWanted] of [['livenessProbe', '/healthz'], ['readinessProbe', '/readyz']] as const) {
      const g = obj(obj(coord[probe], probe)['httpGet'], 'httpGet');
      assert.equal(g['path'], pathWanted);
      assert.equal(named.get(g['port']), httpPort, `coordinator ${probe} port is not the --http port`);
    }
    const worker = container(find('Deployment', 'worker'));
    const listen = portOf(parseArgv(arr(worker['args'], 'a').map(String)).flags.get('--listen')!);
    for (const probe of ['livenessProbe', 'readinessProbe']) {
      assert.equal(Number(obj(obj(worker[probe], probe)['grpc'], 'grpc')['port']), listen, `worker ${probe} must use grpc.health.v1 on --listen`);
    }
    const nats = container(find('StatefulSet', 'nats'));
    assert.match(String(obj(obj(nats['readinessProbe'], 'r')['httpGet'], 'g')['path']), /^\/healthz/);
  });
});

describe('probe endpoints on a live coordinator', () => {
  it('/healthz answers 200; /readyz 503 "waiting for workers" until a worker is live, then 200', async () => {
    const c = await startCoordinator({ listen: '127.0.0.1:0', http: '127.0.0.1:0' });
    const get = async (p: string) => {
      const r = await fetch(`http://127.0.0.1:${c.httpPort}${p}`);
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    let w: Awaited<ReturnType<typeof startWorker>> | undefined;
    try {
      assert.equal((await get('/healthz')).status, 200);
      const before = await get('/readyz');
      assert.equal(before.status, 503);
      assert.match(String(before.body['reason']), /waiting for workers/);
      w = await startWorker({ listen: '127.0.0.1:0', coordinator: `127.0.0.1:${c.port}`, threads: 1, log: () => undefined });
      const end = Date.now() + 10_000;
      let after = await get('/readyz');
      while (after.status !== 200 && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 50));
        after = await get('/readyz');
      }
      assert.equal(after.status, 200);
      assert.equal(after.body['workers'], 1);
    } finally {
      await w?.close();
      await c.close();
    }
  });
});
