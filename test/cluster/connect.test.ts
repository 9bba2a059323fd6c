/**
 * How a CLI client meets its coordinator (issue 13): one that is down (wait up to --wait with a
 * notice, then exit 3 naming the cause), one that starts late (the client waits, then runs), one
 * restarted without a durable store (the job is gone: said, exit 3), a refused token (exit 4)
 * and a TLS mismatch (exit 4 at once, one line, instead of looking like an unreachable host).
 */
import assert from 'node:assert/strict';
import { connectCluster } from '../../coordinator/client.js';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/server.js';
import { AuthError } from '../../shared/errors.js';
import { gaussianPair, spawnInfoshard, tempDir, writeToken } from '../helpers/cluster.js';
import { errorLine, runClient, startClient, writeCsv } from '../helpers/cli-client.js';
import { freePort } from '../helpers/nats-server.js';
import { hasOpenssl, makeCerts } from '../helpers/certs.js';

describe('cluster: a client and its coordinator (down, late, restarted, token, TLS)', function () {
  this.timeout(120_000);
  const tmp = tempDir();
  let small: string;
  before(() => {
    small = writeCsv(tmp.dir, 'small.csv', gaussianPair(300, 0.5, 3));
  });
  after(() => tmp.cleanup());

  it('a coordinator that is down: the client waits --wait seconds with a notice, then exits 3 naming the cause', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const r = await runClient(['estimate', 'mi', '--data', small, '--x', 'x', '--y', 'y', '--coordinator', `127.0.0.1:${port}`, '--wait', '2']);
    const ms = Date.now() - t0;
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`^infoshard: coordinator 127\\.0\\.0\\.1:${port} is not reachable \\(connection refused\\); waiting up to \\d s for it \\(--wait\\)$`, 'm'));
    assert.match(errorLine(r.stderr), new RegExp(`coordinator 127\\.0\\.0\\.1:${port} is not reachable \\(connection refused\\) after waiting 2 s \\(--wait\\)`));
    assert.ok(ms >= 2000, `waited ${ms} ms`);
  });

  it('a client started before its coordinator waits for it and runs the job', async () => {
    const port = await freePort();
    const client = startClient(['estimate', 'mi', '--data', small, '--x', 'x', '--y', 'y', '--coordinator', `127.0.0.1:${port}`, '--wait', '60', '--json']);
    const end = Date.now() + 30_000;
    while (!client.stderr().includes('is not reachable') && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    const late = await spawnInfoshard(['coordinator', '--listen', `127.0.0.1:${port}`]);
    const w = await spawnInfoshard(['worker', '--coordinator', `127.0.0.1:${port}`, '--listen', '127.0.0.1:0', '--threads', '1']);
    try {
      assert.equal(await client.exit, 0, client.stderr());
      assert.match(client.stderr(), /is back/);
      assert.equal((JSON.parse(client.stdout()) as { n: number }).n, 300);
    } finally {
      await Promise.all([w.stop(), late.stop()]);
    }
  });

  it('a coordinator without a durable store restarted under a waiting client: the client says the job is gone (exit 3)', async () => {
    const port = await freePort();
    let c = await spawnInfoshard(['coordinator', '--listen', `127.0.0.1:${port}`]);
    // permutations: shards, which wait for a worker (a bare point estimate could finish before the kill)
    const client = startClient(['estimate', 'mi', '--data', small, '--x', 'x', '--y', 'y', '--permutations', '20', '--coordinator', `127.0.0.1:${port}`, '--wait', '60']);
    try {
      const id = await client.jobId();
      await c.kill(); // no worker: the job was waiting; in memory it dies with the coordinator
      c = await spawnInfoshard(['coordinator', '--listen', `127.0.0.1:${port}`]);
      assert.equal(await client.exit, 3, client.stderr());
      assert.match(errorLine(client.stderr()), new RegExp(`job ${id} is gone: coordinator 127\\.0\\.0\\.1:${port} restarted without a durable store \\(run it with --nats`));
    } finally {
      await c.stop();
    }
  });

  it('--detach and --wait without --coordinator are usage errors', async () => {
    for (const flag of [['--detach'], ['--wait', '5']]) {
      const r = await runClient(['estimate', 'mi', '--data', small, '--x', 'x', '--y', 'y', ...flag]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(errorLine(r.stderr), new RegExp(`${flag[0]} needs --coordinator`));
    }
  });

  it('a refused token: exit 4, one line', async () => {
    const c = await startCoordinator({ listen: '127.0.0.1:0', tokenFile: writeToken(tmp.dir, 's3cret') });
    try {
      const wrong = writeToken(tempDir().dir, 'wrong');
      const r = await runClient(['jobs', '--coordinator', `127.0.0.1:${c.port}`, '--token-file', wrong]);
      assert.equal(r.code, 4, r.stderr);
      assert.match(errorLine(r.stderr), /invalid bearer token/);
    } finally {
      await c.close();
    }
  });

  describe('TLS mismatch: said at once, in one line, exit 4', () => {
    let certs: ReturnType<typeof makeCerts>;
    let tls: RunningCoordinator;
    let plain: RunningCoordinator;
    before(async () => {
      assert.ok(hasOpenssl(), 'openssl is needed to make the test certificates (Debian: apt-get install -y openssl; .ci/run does)');
      certs = makeCerts(tmp.dir);
      tls = await startCoordinator({ listen: '127.0.0.1:0', tlsCert: certs.cert, tlsKey: certs.key });
      plain = await startCoordinator({ listen: '127.0.0.1:0' });
    });
    after(async () => {
      await tls?.close();
      await plain?.close();
    });

    /** connectCluster's AuthError (exit code 4), well before the 60 s it would wait for a host that is down. */
    const authError = async (address: string, o: Parameters<typeof connectCluster>[1], re: RegExp) => {
      const t0 = Date.now();
      await assert.rejects(connectCluster(address, { ...o, waitMs: 60_000 }), (e: unknown) => e instanceof AuthError && e.exitCode === 4 && re.test(e.message));
      assert.ok(Date.now() - t0 < 20_000, `took ${Date.now() - t0} ms`);
    };

    it('a TLS client against a plaintext coordinator', async () => {
      await authError(`127.0.0.1:${plain.port}`, { ca: certs.ca }, /does not complete a TLS handshake.*plaintext server/);
    });

    it('a plaintext client against a TLS coordinator (the CLI: exit 4, one line)', async () => {
      const r = await runClient(['jobs', '--coordinator', `127.0.0.1:${tls.port}`, '--wait', '60']);
      assert.equal(r.code, 4, r.stderr);
      assert.match(errorLine(r.stderr), /speaks TLS and this client does not: pass --coordinator-ca/);
    });

    it('a wrong CA', async () => {
      const other = makeCerts(tempDir().dir);
      await authError(`127.0.0.1:${tls.port}`, { ca: other.ca }, /TLS handshake with 127\.0\.0\.1:\d+ failed: .*(certificate|signature)/);
    });

    it('the right CA connects', async () => {
      const e = await connectCluster(`127.0.0.1:${tls.port}`, { ca: certs.ca, waitMs: 0 });
      try {
        assert.deepEqual(await e.listJobs(), []);
      } finally {
        await e.close();
      }
    });
  });
});
