/**
 * Server-side call wrappers shared by the Worker and Coordinator services: every call is
 * checked for the bearer token and protocol_version before its handler runs, and any thrown
 * error leaves as a gRPC status (typed errors keep their code). A handler never crashes the server.
 */
import * as grpc from '@grpc/grpc-js';
import { checkToken } from './security.js';
import { DataError, LimitError } from '../shared/errors.js';
import { checkVersion, sha256Hex, toServiceError, WIRE_DEFAULTS, type DatasetChunk } from './wire.js';

export interface CallGuard {
  /** Expected bearer token; undefined = no token required. */
  token?: string;
}

export function unary<Req extends { protocol_version?: number }, Res>(
  guard: CallGuard,
  fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
): grpc.handleUnaryCall<Req, Res> {
  return (call, cb) => {
    (async () => {
      checkToken(guard.token, call.metadata);
      checkVersion(call.request);
      return fn(call.request, call);
    })().then(
      (res) => cb(null, res),
      (err: unknown) => cb(toServiceError(err)),
    );
  };
}

export function serverStream<Req extends { protocol_version?: number }, Res>(
  guard: CallGuard,
  fn: (req: Req, call: grpc.ServerWritableStream<Req, Res>) => Promise<void>,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    (async () => {
      checkToken(guard.token, call.metadata);
      checkVersion(call.request);
      await fn(call.request, call);
    })().then(
      () => call.end(),
      // 'error' makes grpc-js send this status and end the call; destroy() would drop it and
      // leave the client waiting forever
      (err: unknown) => call.emit('error', toServiceError(err)),
    );
  };
}

/**
 * PutDataset: collect chunks, enforce the size bound as they arrive, and check SHA-256 against
 * the claimed hash (INVALID_ARGUMENT when it differs). `store` gets verified bytes.
 */
export function datasetUpload(
  guard: CallGuard,
  maxDatasetBytes: number,
  store: (hash: string, bytes: Buffer) => Promise<void> | void,
): grpc.handleClientStreamingCall<DatasetChunk, { hash: string; size: number }> {
  return (call, cb) => {
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      cb(toServiceError(err));
    };
    try {
      checkToken(guard.token, call.metadata);
    } catch (e) {
      fail(e);
      return;
    }
    const parts: Buffer[] = [];
    let hash = '';
    let total = 0;
    let got = 0;
    let first = true;
    call.on('data', (c: DatasetChunk) => {
      if (failed) return;
      try {
        checkVersion(c);
        if (first) {
          first = false;
          hash = c.hash;
          total = c.total_size;
          if (!/^[0-9a-f]{64}$/.test(hash)) throw new DataError(`PutDataset: hash must be 64 lowercase hex digits (SHA-256), got '${hash.slice(0, 80)}'`);
          if (total > maxDatasetBytes) throw new LimitError(`PutDataset: total_size ${total} is over the dataset limit of ${maxDatasetBytes} bytes`);
        }
        got += c.chunk.length;
        if (got > total) throw new DataError(`PutDataset: received ${got} bytes, more than the announced total_size ${total}`);
        parts.push(c.chunk);
      } catch (e) {
        fail(e);
      }
    });
    call.on('error', () => {
      failed = true;
    });
    call.on('end', () => {
      if (failed) return;
      (async () => {
        if (got !== total) throw new DataError(`PutDataset: received ${got} bytes, announced total_size ${total}`);
        const bytes = Buffer.concat(parts, got);
        const actual = sha256Hex(bytes);
        if (actual !== hash) throw new DataError(`PutDataset: SHA-256 of the received bytes is ${actual}, not the claimed hash ${hash}`);
        await store(hash, bytes);
        return { hash, size: got };
      })().then(
        (res) => cb(null, res),
        (err: unknown) => fail(err),
      );
    });
  };
}

export const SERVER_OPTIONS: grpc.ServerOptions = {
  'grpc.max_receive_message_length': WIRE_DEFAULTS.maxMessageBytes,
  'grpc.max_send_message_length': WIRE_DEFAULTS.maxMessageBytes,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
};

/** Bind, returning the actual port (port 0 → an ephemeral one). */
export function bindServer(server: grpc.Server, address: string, creds: grpc.ServerCredentials): Promise<number> {
  // grpc-js logs a failed bind itself ("E No address added ..."); the caller reports it as one line
  grpc.setLogVerbosity(grpc.logVerbosity.NONE);
  return new Promise<number>((resolve, reject) => server.bindAsync(address, creds, (err, port) => (err ? reject(err) : resolve(port)))).finally(() =>
    grpc.setLogVerbosity(configuredVerbosity()),
  );
}

/** grpc-js's log level as GRPC_VERBOSITY sets it (its default: ERROR). */
function configuredVerbosity(): grpc.logVerbosity {
  const v = process.env['GRPC_VERBOSITY']?.toUpperCase();
  return v === 'DEBUG' ? grpc.logVerbosity.DEBUG : v === 'INFO' ? grpc.logVerbosity.INFO : v === 'NONE' ? grpc.logVerbosity.NONE : grpc.logVerbosity.ERROR;
}

/** Graceful shutdown, forced after `graceMs`. */
export function shutdownServer(server: grpc.Server, graceMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(t);
      resolve();
    });
  });
}
