/**
 * Writes to JetStream that must not be lost while the NATS server restarts. A request sent
 * while the client is disconnected sits in its buffer and usually times out before the server
 * is back, so every store operation goes through {@link LinkWatch.retry}: wait until the link
 * is up, try, and on a transient failure (timeout, no responders, JetStream not ready yet)
 * back off and try again, until it succeeds, the connection is closed, or `giveUpMs` passes.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { InfoshardError, UnavailableError } from '../../shared/errors.js';

export const DEFAULT_RETRY = {
  /** First backoff after a transient failure. */
  initialMs: 50,
  /** Backoff cap. */
  maxMs: 1000,
  /** Give up (UnavailableError) after this long without success. 0 = never. */
  giveUpMs: 120_000,
} as const;

const TRANSIENT_NAMES = new Set(['TimeoutError', 'RequestError', 'NoRespondersError', 'ConnectionError']);
const TRANSIENT_TEXT = /timeout|no responders|503|not ready|jetstream not enabled|temporarily unavailable|disconnect|reconnect|stale/i;

/** Whether a failed NATS/JetStream call is worth retrying (the server may just be restarting). */
export function isTransient(err: unknown): boolean {
  if (err instanceof InfoshardError) return false;
  if (!(err instanceof Error)) return false;
  if (TRANSIENT_NAMES.has(err.name)) return true;
  const code = (err as { code?: unknown }).code;
  if (code === 503 || code === '503') return true;
  return TRANSIENT_TEXT.test(err.message);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

/** Follows a connection's status: whether it is up now, and a promise for when it is. */
export class LinkWatch {
  private up = true;
  private waiters: (() => void)[] = [];
  private readonly listeners = new Set<(up: boolean) => void>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly opts: { initialMs: number; maxMs: number; giveUpMs: number } = DEFAULT_RETRY,
  ) {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect' || s.type === 'reconnecting') this.set(false);
        else if (s.type === 'reconnect') this.set(true);
        else if (s.type === 'close') break;
      }
    })()
      .catch(() => undefined)
      .finally(() => this.release());
  }

  isUp(): boolean {
    return this.up && !this.nc.isClosed();
  }

  /** Called with false when the link drops and true when it is back. Returns an unsubscribe. */
  onChange(listener: (up: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when the link is up (at once if it is), or when the connection closes. */
  whenUp(): Promise<void> {
    if (this.isUp() || this.nc.isClosed()) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  /** Run `op` until it succeeds, retrying transient failures (see module doc). */
  async retry<T>(what: string, op: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    let wait = this.opts.initialMs;
    for (let attempt = 0; ; attempt++) {
      await this.whenUp();
      if (this.nc.isClosed()) throw new UnavailableError(`NATS connection closed during ${what}`);
      try {
        return await op();
      } catch (e) {
        if (!isTransient(e)) throw e;
        if (this.opts.giveUpMs > 0 && Date.now() - t0 > this.opts.giveUpMs) {
          throw new UnavailableError(`NATS: ${what} still failing after ${Date.now() - t0} ms: ${(e as Error).message}`, { cause: e });
        }
        await sleep(wait);
        wait = Math.min(this.opts.maxMs, wait * 2);
      }
    }
  }

  private set(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    if (up) this.release();
    for (const l of [...this.listeners]) l(up);
  }

  private release(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}
