/**
 * One place that opens NATS connections for infoshard: credentials from the URL
 * (`nats://user:pass@host:4222`, `nats://token@host:4222`) or a `.creds` file, reconnect forever
 * with backoff (so a `nats-server` restart mid-job is survived), and typed errors.
 */
import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, AuthorizationError, type NatsConnection } from '@nats-io/transport-node';
import { AuthError, NotFoundError, OptionError, UnavailableError } from '../../shared/errors.js';

export interface NatsConnectOptions {
  /** Path of a NATS `.creds` file (user JWT + NKey seed). */
  credsFile?: string;
  /** Client name shown by the server's monitoring. */
  name?: string;
  /**
   * Keep retrying the first connection too (a coordinator started before its NATS server).
   * With false, a server that is not there fails `connectNats` at once with UnavailableError.
   * @default false
   */
  waitOnFirstConnect?: boolean;
  /** Shortest wait between reconnect attempts. @default 250 */
  reconnectBaseMs?: number;
  /** Longest wait between reconnect attempts. @default 2000 */
  reconnectMaxMs?: number;
}

export const DEFAULT_NATS_CONNECT = {
  waitOnFirstConnect: false,
  reconnectBaseMs: 250,
  reconnectMaxMs: 2000,
} as const;

export interface ParsedNatsUrl {
  /** Server URLs with credentials removed. */
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
}

/**
 * Split credentials out of a (comma-separated) NATS URL list. `user:pass@` gives user/password,
 * a lone `token@` gives a token; the first URL carrying credentials wins.
 */
export function parseNatsUrl(url: string): ParsedNatsUrl {
  const parts = url
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (parts.length === 0) throw new OptionError('--nats: empty NATS URL', 'nats');
  const out: ParsedNatsUrl = { servers: [] };
  for (const part of parts) {
    const withScheme = /^[a-z]+:\/\//i.test(part) ? part : `nats://${part}`;
    let u: URL;
    try {
      u = new URL(withScheme);
    } catch {
      throw new OptionError(`--nats: cannot parse NATS URL '${part}'`, 'nats');
    }
    if (!u.hostname) throw new OptionError(`--nats: NATS URL '${part}' has no host`, 'nats');
    if (u.username && out.user === undefined && out.token === undefined) {
      const name = decodeURIComponent(u.username);
      if (u.password) {
        out.user = name;
        out.pass = decodeURIComponent(u.password);
      } else out.token = name;
    }
    out.servers.push(`${u.protocol}//${u.host}`);
  }
  return out;
}

/** Open a connection that reconnects forever with capped exponential backoff. */
export async function connectNats(url: string, opts: NatsConnectOptions = {}): Promise<NatsConnection> {
  const o = { ...DEFAULT_NATS_CONNECT, ...opts };
  const parsed = parseNatsUrl(url);
  let authenticator;
  if (opts.credsFile !== undefined) {
    let creds: Uint8Array;
    try {
      creds = readFileSync(opts.credsFile);
    } catch (e) {
      throw new NotFoundError(`--nats-creds: cannot read NATS creds file '${opts.credsFile}'`, { cause: e });
    }
    authenticator = credsAuthenticator(creds);
  }
  // Backoff from the outage's age: wait about half of the time already spent disconnected,
  // within [base, max]. Attempt spacing grows geometrically; the client calls the handler on
  // every turn of its dial loop, so a stateless rule is the one that stays correct.
  let disconnectedAt = 0;
  try {
    const nc = await connect({
      servers: parsed.servers,
      user: parsed.user,
      pass: parsed.pass,
      token: parsed.token,
      authenticator,
      name: opts.name,
      maxReconnectAttempts: -1,
      waitOnFirstConnect: o.waitOnFirstConnect,
      // Exponential backoff with a cap; the client adds no jitter of its own when a handler is set.
      reconnectDelayHandler: () => {
        const age = disconnectedAt === 0 ? 0 : Date.now() - disconnectedAt;
        return Math.min(o.reconnectMaxMs, Math.max(o.reconnectBaseMs, age / 2));
      },
      pingInterval: 5000,
      maxPingOut: 3,
    });
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') disconnectedAt = Date.now();
        else if (s.type === 'reconnect') disconnectedAt = 0;
      }
    })().catch(() => undefined);
    return nc;
  } catch (e) {
    if (e instanceof AuthorizationError || /authoriz|authentic/i.test(String(e))) {
      throw new AuthError(`NATS at ${parsed.servers.join(',')} refused the credentials: ${(e as Error).message}`, { cause: e });
    }
    throw new UnavailableError(`cannot connect to NATS at ${parsed.servers.join(',')}: ${(e as Error).message}`, { cause: e });
  }
}
