/**
 * Security (issue 4): a shared bearer token checked by both services (no/wrong token →
 * UNAUTHENTICATED), TLS with mTLS between client, coordinator and workers. Certificates come
 * from a throwaway CA made with `openssl` in a temp dir.
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { connectCluster, coordinatorStub } from '../../coordinator/client.js';
import { AuthError, OptionError } from '../../shared/errors.js';
import { PROTOCOL_VERSION } from '../../cluster/wire.js';
import { workerStub } from '../../coordinator/link.js';
import { gaussianPair, tempDir, TestCluster, workerHealth, writeToken } from '../helpers/cluster.js';
import { hasOpenssl, makeCerts } from '../helpers/certs.js';

const job = () => ({ measure: 'mi' as const, estimator: 'ksg1', x: ['x'], y: ['y'], permutation: { shuffles: 30 }, data: gaussianPair(300, 0.5, 5) });

describe('cluster: security', function () {
  this.timeout(90_000);
  const tmp = tempDir();
  let cluster: TestCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });
  after(() => tmp.cleanup());

  it('bearer token: required by coordinator and worker; the right one works', async () => {
    const tokenFile = writeToken(tmp.dir, 's3cret-token');
    cluster = await TestCluster.start({ workers: 1, coordinatorArgs: ['--token-file', tokenFile], workerArgs: ['--token-file', tokenFile] });
    // no token: refused by the coordinator ...
    const anon = await connectCluster(cluster.address);
    await assert.rejects(anon.run(job()), (e: unknown) => e instanceof AuthError && /missing bearer token/.test(e.message));
    await anon.close();
    // ... a wrong one too ...
    const wrong = await connectCluster(cluster.address, { token: 'nope' });
    await assert.rejects(wrong.run(job()), (e: unknown) => e instanceof AuthError && /invalid bearer token/.test(e.message));
    await wrong.close();
    // ... and by the worker directly
    const w = workerStub(cluster.workers[0]!.address, {});
    const code = await new Promise<number>((resolve) => w.Health({ protocol_version: PROTOCOL_VERSION }, {}, (e) => resolve(e ? e.code : 0)));
    w.close();
    assert.equal(code, grpc.status.UNAUTHENTICATED);
    // with the token: the job runs (the coordinator also presents it to the worker)
    const ok = await connectCluster(cluster.address, { tokenFile });
    try {
      const r = await ok.run(job());
      assert.equal(r.nullDistribution!.length, 30);
      assert.equal((await workerHealth(cluster.workers[0]!.address, { token: 's3cret-token' })).status, 'SERVING');
    } finally {
      await ok.close();
    }
  });

  it('TLS with client certificates (mTLS) everywhere', async function () {
    assert.ok(hasOpenssl(), "openssl is needed to make the test certificates (Debian: apt-get install -y openssl; .ci/run does)");
    const c = makeCerts(tmp.dir);
    const tls = ['--tls-cert', c.cert, '--tls-key', c.key, '--tls-ca', c.ca];
    cluster = await TestCluster.start({
      workers: 2,
      coordinatorArgs: [...tls, '--worker-ca', c.ca],
      workerArgs: [...tls, '--coordinator-ca', c.ca],
    });
    // a TLS client with a client certificate runs a job
    const engine = await connectCluster(cluster.address, { ca: c.ca, cert: c.clientCert, key: c.clientKey });
    try {
      const r = await engine.run(job());
      assert.equal(r.provenance.engine, 'cluster');
      assert.equal(r.nullDistribution!.length, 30);
    } finally {
      await engine.close();
    }
    // plaintext, and TLS without a client certificate, are refused
    await assert.rejects(callHealth(coordinatorStub(cluster.address, {})));
    await assert.rejects(callHealth(coordinatorStub(cluster.address, { ca: c.ca })));
  });
});

function callHealth(stub: ReturnType<typeof coordinatorStub>): Promise<void> {
  return new Promise((resolve, reject) =>
    stub.ListWorkers({ protocol_version: PROTOCOL_VERSION }, { deadline: Date.now() + 3000 }, (e) => {
      stub.close();
      if (e) reject(e);
      else resolve();
    }),
  );
}

describe('security: the HTTP endpoints', () => {
  it('beyond loopback, /status needs a token: a coordinator without one refuses to start (naming --http)', async () => {
    const { startCoordinator, isLoopback } = await import('../../coordinator/server.js');
    for (const h of ['127.0.0.1', '127.8.9.1', '::1', 'localhost']) assert.equal(isLoopback(h), true, h);
    for (const h of ['0.0.0.0', '::', '10.1.2.3', 'coordinator.example']) assert.equal(isLoopback(h), false, h);
    // Refused before anything is bound (nothing listens on 0.0.0.0 during the test).
    await assert.rejects(startCoordinator({ listen: '127.0.0.1:0', http: '0.0.0.0:0' }), (e: unknown) => {
      assert.ok(e instanceof OptionError);
      assert.equal(e.field, '--http');
      assert.match(e.message, /needs --token-file/);
      return true;
    });
  });

  it('the bearer check accepts exactly the token', async () => {
    const { checkBearer } = await import('../../cluster/security.js');
    assert.doesNotThrow(() => checkBearer('s3cret', 'Bearer s3cret'));
    for (const h of [undefined, '', 's3cret', 'Bearer ', 'Bearer s3cre', 'Bearer s3cret ', 'Basic s3cret']) {
      assert.throws(() => checkBearer('s3cret', h), AuthError, String(h));
    }
  });
});
