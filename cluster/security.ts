/**
 * TLS credentials and the shared bearer token, for both gRPC services and their clients
 * (docs/design.md, contract 6). The token travels as `authorization: Bearer <token>` metadata; over a
 * plaintext channel it is only as secret as the network, so use TLS wherever it leaves loopback.
 */
import { readFileSync } from 'node:fs';
import { timingSafeEqual, createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { AuthError, OptionError } from '../shared/errors.js';

export interface ServerSecurityOptions {
  /** PEM certificate chain file of this server (TLS on when set, with tlsKey). */
  tlsCert?: string;
  tlsKey?: string;
  /** PEM CA file: clients must present a certificate it signed (mTLS). */
  tlsCa?: string;
  /** File whose trimmed content is the shared bearer token. */
  tokenFile?: string;
}

export interface ClientSecurityOptions {
  /** Shared bearer token (or read from tokenFile). */
  token?: string;
  tokenFile?: string;
  /** PEM CA file to verify the server with (TLS on when set). */
  ca?: string;
  /** Client certificate and key files for mTLS. */
  cert?: string;
  key?: string;
  /** Expected server name in the certificate when it differs from the dialled host. */
  serverName?: string;
}

function readPem(file: string, field: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new OptionError(`${field}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, field);
  }
}

/** The token in a token file (trimmed); an empty file is an error. */
export function readTokenFile(file: string, field = '--token-file'): string {
  const t = readPem(file, field).toString('utf8').trim();
  if (!t) throw new OptionError(`${field}: ${file} is empty`, field);
  return t;
}

export function serverCredentials(o: ServerSecurityOptions): grpc.ServerCredentials {
  if (!o.tlsCert && !o.tlsKey) {
    if (o.tlsCa) throw new OptionError('--tls-ca needs --tls-cert and --tls-key', '--tls-ca');
    return grpc.ServerCredentials.createInsecure();
  }
  if (!o.tlsCert || !o.tlsKey) throw new OptionError('--tls-cert and --tls-key go together', o.tlsCert ? '--tls-key' : '--tls-cert');
  const ca = o.tlsCa ? readPem(o.tlsCa, '--tls-ca') : null;
  return grpc.ServerCredentials.createSsl(
    ca,
    [{ cert_chain: readPem(o.tlsCert, '--tls-cert'), private_key: readPem(o.tlsKey, '--tls-key') }],
    ca !== null,
  );
}

export function channelCredentials(o: ClientSecurityOptions): grpc.ChannelCredentials {
  if (!o.ca && !o.cert) return grpc.credentials.createInsecure();
  const ca = o.ca ? readPem(o.ca, '--tls-ca') : null;
  if (!!o.cert !== !!o.key) throw new OptionError('--tls-cert and --tls-key go together', o.cert ? '--tls-key' : '--tls-cert');
  return grpc.credentials.createSsl(ca, o.key ? readPem(o.key, '--tls-key') : null, o.cert ? readPem(o.cert, '--tls-cert') : null);
}

export function clientToken(o: ClientSecurityOptions): string | undefined {
  return o.token ?? (o.tokenFile ? readTokenFile(o.tokenFile) : undefined);
}

/** Client options: credentials, message limits, keepalive, and an interceptor adding the token. */
export function clientOptions(o: ClientSecurityOptions, maxMessageBytes: number): grpc.ClientOptions {
  const token = clientToken(o);
  const opts: grpc.ClientOptions = {
    'grpc.max_send_message_length': maxMessageBytes,
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.keepalive_time_ms': 10_000,
    'grpc.keepalive_timeout_ms': 5_000,
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 1000,
  };
  if (o.serverName) opts['grpc.ssl_target_name_override'] = o.serverName;
  if (token) {
    const bearer = `Bearer ${token}`;
    opts.interceptors = [
      (options, next) =>
        new grpc.InterceptingCall(next(options), {
          start(metadata, listener, nextStart) {
            metadata.set('authorization', bearer);
            nextStart(metadata, listener);
          },
        }),
    ];
  }
  return opts;
}

/** Server side: throws AuthError unless the call carries the expected token (no-op without one). */
export function checkToken(expected: string | undefined, md: grpc.Metadata): void {
  if (expected === undefined) return;
  checkBearer(expected, md.get('authorization')[0]);
}

/** Throws AuthError unless `header` is `Bearer <expected>` (gRPC metadata or an HTTP Authorization header). */
export function checkBearer(expected: string, header: unknown): void {
  const got = header;
  if (typeof got !== 'string' || !got.startsWith('Bearer ')) throw new AuthError('missing bearer token (authorization metadata)');
  // Compare digests so timing reveals neither content nor length.
  const a = createHash('sha256').update(got.slice(7)).digest();
  const b = createHash('sha256').update(expected).digest();
  if (!timingSafeEqual(a, b)) throw new AuthError('invalid bearer token');
}
