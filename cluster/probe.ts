/**
 * Why a gRPC channel does not connect. grpc-js only says "failed to connect before the deadline",
 * the same for a host that is down and for a certificate that does not verify; a client that
 * waits for a restarting coordinator must tell the two apart (wait for the first, fail at once on
 * the second, issue 13). So on a failed connect we dial the address ourselves: TCP first, then the
 * TLS handshake the channel would do (or, for a plaintext client, one that shows the server wants TLS).
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { ClientSecurityOptions } from './security.js';

export type ProbeResult =
  /** Nothing accepts TCP connections there (down, restarting, wrong port). */
  | { kind: 'down'; detail: string }
  /** TCP connects but TLS does not agree (CA, server name, client certificate, TLS vs plaintext). */
  | { kind: 'tls'; detail: string }
  /** TCP (and TLS, when used) are fine: the trouble is elsewhere (gRPC itself, a proxy). */
  | { kind: 'ok'; detail: string };

const PROBE_MS = 2000;

function hostPort(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  return m ? { host: m[1] || '127.0.0.1', port: Number(m[2]) } : { host: address, port: 443 };
}

function tcp(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (v: string | undefined) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(PROBE_MS, () => done(`no answer from ${host}:${port} within ${PROBE_MS} ms`));
    s.once('connect', () => done(undefined));
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED' ? 'connection refused' : e.code ?? e.message));
  });
}

/** An OpenSSL error as its reason alone ("…:SSL routines:ssl3_get_record:wrong version number:…\n" → "wrong version number"). */
function reason(e: NodeJS.ErrnoException): string {
  const msg = e.message || e.code || String(e);
  return /SSL routines:[^:]*:([^:\n]+)/.exec(msg)?.[1] ?? msg.split('\n')[0]!;
}

/** Handshake as the channel would: whether the server answered TLS at all, and the TLS error if any. */
function handshake(host: string, port: number, o: ClientSecurityOptions, verify: boolean): Promise<{ secured: boolean; error?: string }> {
  return new Promise((resolve) => {
    const name = o.serverName ?? host;
    let settled = false;
    const s = tls.connect({
      host, port, ALPNProtocols: ['h2'], rejectUnauthorized: verify,
      ...(net.isIP(name) ? {} : { servername: name }),
      ...(o.ca ? { ca: readFileSync(o.ca) } : {}),
      ...(o.cert && o.key ? { cert: readFileSync(o.cert), key: readFileSync(o.key) } : {}),
      ...(verify ? { checkServerIdentity: (_h: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(name, cert) } : {}),
    });
    let secured = false;
    const done = (error: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(t);
      s.destroy();
      resolve({ secured, ...(error !== undefined ? { error } : {}) });
    };
    const t = setTimeout(() => done(undefined), PROBE_MS);
    // TLS 1.3: a server that rejects our client certificate says so just after the handshake
    s.once('secureConnect', () => {
      secured = true;
      setTimeout(() => done(undefined), 300);
    });
    s.once('error', (e: NodeJS.ErrnoException) => done(reason(e)));
    s.once('close', () => done(settled ? undefined : 'the server closed the connection during the TLS handshake'));
  });
}

/** Diagnose a connection to `address` with the client's security options. Never throws. */
export async function probeConnection(address: string, o: ClientSecurityOptions): Promise<ProbeResult> {
  const { host, port } = hostPort(address);
  try {
    const down = await tcp(host, port);
    if (down) return { kind: 'down', detail: down };
    if (o.ca || o.cert) {
      const { error: err } = await handshake(host, port, o, true);
      if (err === undefined) return { kind: 'ok', detail: 'TCP and TLS connect' };
      if (/wrong version number|packet length too long|unknown protocol|closed the connection/i.test(err)) {
        return { kind: 'tls', detail: `${address} does not complete a TLS handshake (${err}): is it a plaintext server? (drop --coordinator-ca)` };
      }
      return { kind: 'tls', detail: `TLS handshake with ${address} failed: ${err} (check --coordinator-ca, --coordinator-server-name, --tls-cert/--tls-key)` };
    }
    // a plaintext client: does the server want TLS?
    const { secured, error } = await handshake(host, port, o, false);
    if (secured || (error !== undefined && /certificate required|alert/i.test(error))) return { kind: 'tls', detail: `${address} speaks TLS and this client does not: pass --coordinator-ca` };
    return { kind: 'ok', detail: 'TCP connects' };
  } catch (e) {
    return { kind: 'ok', detail: (e as Error).message };
  }
}
