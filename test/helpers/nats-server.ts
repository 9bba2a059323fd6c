/**
 * Test harness: a real `nats-server` with JetStream on a free loopback port, in a temp store
 * directory. It can be stopped and restarted on the same port and store (the restart-survival
 * tests need both), and every server started here is killed when the test process exits, even
 * when a test fails, so no orphan process or port is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface NatsServerOptions {
  /** Require this user/password (clients then put them in the URL). */
  user?: string;
  pass?: string;
  /** @default true */
  jetstream?: boolean;
  /** How long to wait for the server to accept connections. @default 10000 */
  startTimeoutMs?: number;
}

export interface NatsServerHandle {
  /** `nats://127.0.0.1:PORT` (no credentials). */
  readonly url: string;
  /** URL carrying the user/password when the server requires them. */
  readonly authUrl: string;
  readonly port: number;
  readonly storeDir: string;
  /** Whether the process is running now. */
  running(): boolean;
  /** Graceful stop (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** Hard kill (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Start again on the same port and store directory (after stop/kill). */
  restart(): Promise<void>;
  /** Stop and remove the store directory. */
  cleanup(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL whatever is still running.
  process.on('exit', () => {
    for (const p of live) {
      try {
        p.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

/** Path of the nats-server binary, or undefined when not installed. */
export function findNatsServer(): string | undefined {
  const candidates = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir) candidates.push(join(dir, 'nats-server'));
  return candidates.find((c) => existsSync(c));
}

/**
 * Skip a NATS test only when the developer asked for it (INFOSHARD_SKIP_NATS=1); otherwise a
 * missing nats-server is a failure, so CI can never pass by silently skipping these tests.
 */
export function requireNatsServer(ctx: Mocha.Context): void {
  if (findNatsServer()) return;
  if (process.env.INFOSHARD_SKIP_NATS === '1') {
    console.warn('    nats-server not installed and INFOSHARD_SKIP_NATS=1: skipping');
    ctx.skip();
  }
  throw new Error('nats-server not found: install it (Debian: apt-get install -y nats-server; .ci/run does) or set INFOSHARD_SKIP_NATS=1 to skip NATS tests locally');
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once the server sends its INFO line on a fresh TCP connection. */
async function waitForAccept(port: number, timeoutMs: number, proc: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`nats-server exited early (code ${proc.exitCode}, signal ${proc.signalCode}):\n${log()}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const sock = tcpConnect({ host: '127.0.0.1', port });
      const done = (v: boolean) => {
        sock.destroy();
        resolve(v);
      };
      sock.setTimeout(500, () => done(false));
      sock.once('data', (b) => done(b.toString('utf8').startsWith('INFO')));
      sock.once('error', () => done(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nats-server did not accept connections on port ${port} within ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function waitExit(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => p.once('exit', () => resolve()));
}

/** Start a nats-server (JetStream on) on a free loopback port in a fresh temp store dir. */
export async function startNatsServer(opts: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const bin = findNatsServer();
  if (!bin) throw new Error('nats-server not found (install Debian package nats-server)');
  installExitHook();
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'infoshard-nats-'));
  const args = ['-a', '127.0.0.1', '-p', String(port)];
  if (opts.jetstream ?? true) args.push('-js', '-sd', storeDir);
  if (opts.user !== undefined) args.push('--user', opts.user, '--pass', opts.pass ?? '');
  const timeoutMs = opts.startTimeoutMs ?? 10_000;

  let proc: ChildProcess | undefined;
  let output = '';
  const launch = async (): Promise<void> => {
    output = '';
    const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(p);
    p.on('exit', () => live.delete(p));
    const keep = (b: Buffer) => {
      output = (output + b.toString('utf8')).slice(-8000);
    };
    p.stdout?.on('data', keep);
    p.stderr?.on('data', keep);
    proc = p;
    try {
      await waitForAccept(port, timeoutMs, p, () => output);
    } catch (e) {
      p.kill('SIGKILL');
      throw e;
    }
  };
  const terminate = async (signal: NodeJS.Signals): Promise<void> => {
    const p = proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    p.kill(signal);
    const timer = setTimeout(() => p.kill('SIGKILL'), 5000);
    await waitExit(p);
    clearTimeout(timer);
  };

  await launch();
  const cred = opts.user !== undefined ? `${encodeURIComponent(opts.user)}:${encodeURIComponent(opts.pass ?? '')}@` : '';
  return {
    url: `nats://127.0.0.1:${port}`,
    authUrl: `nats://${cred}127.0.0.1:${port}`,
    port,
    storeDir,
    running: () => !!proc && proc.exitCode === null && proc.signalCode === null,
    stop: () => terminate('SIGTERM'),
    kill: () => terminate('SIGKILL'),
    restart: async () => {
      await terminate('SIGTERM');
      await launch();
    },
    cleanup: async () => {
      await terminate('SIGTERM');
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
