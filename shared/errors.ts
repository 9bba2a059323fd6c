/**
 * One error class per failure kind. Each carries a stable `code`, the CLI exit code and the
 * gRPC status it maps to, so callers (CLI, gRPC server, tests) never regex-match messages.
 */

/** gRPC status codes we map to (numeric values from grpc's status.proto; no transport import here). */
export const GrpcStatus = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  FAILED_PRECONDITION: 9,
  RESOURCE_EXHAUSTED: 8,
  CANCELLED: 1,
  UNAUTHENTICATED: 16,
  UNAVAILABLE: 14,
  INTERNAL: 13,
} as const;

export type ErrorCode =
  | 'E_INPUT' // bad data: NaN, ragged rows, empty, unknown column
  | 'E_OPTION' // bad option / job spec field
  | 'E_ESTIMATOR' // estimator cannot handle this data (e.g. duplicates for KL entropy)
  | 'E_NOT_FOUND' // missing file, unknown job/dataset
  | 'E_LIMIT' // size/count over a configured cap
  | 'E_CANCELLED'
  | 'E_TIMEOUT'
  | 'E_AUTH'
  | 'E_UNAVAILABLE' // worker/coordinator/NATS unreachable
  | 'E_INTERNAL';

export class InfoshardError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly grpcStatus: number;
  constructor(message: string, code: ErrorCode, exitCode: number, grpcStatus: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.grpcStatus = grpcStatus;
  }
}

/** Bad input data (file contents, shapes, non-finite cells). CLI exit 2. */
export class DataError extends InfoshardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'E_INPUT', 2, GrpcStatus.INVALID_ARGUMENT, options);
  }
}

/** A bad option or job-spec field; the message names the field. CLI exit 2. */
export class OptionError extends InfoshardError {
  readonly field: string | undefined;
  constructor(message: string, field?: string, options?: { cause?: unknown }) {
    super(message, 'E_OPTION', 2, GrpcStatus.INVALID_ARGUMENT, options);
    this.field = field;
  }
}

/** The estimator does not fit the data (duplicates for KL entropy, too few rows for k). CLI exit 2. */
export class EstimatorError extends InfoshardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'E_ESTIMATOR', 2, GrpcStatus.FAILED_PRECONDITION, options);
  }
}

/** Missing file, unknown job id, unknown dataset hash. CLI exit 2. */
export class NotFoundError extends InfoshardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'E_NOT_FOUND', 2, GrpcStatus.NOT_FOUND, options);
  }
}

/** A size or count over a configured cap (replicates, message size, dataset size). CLI exit 2. */
export class LimitError extends InfoshardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'E_LIMIT', 2, GrpcStatus.RESOURCE_EXHAUSTED, options);
  }
}

export class CancelledError extends InfoshardError {
  constructor(message = 'job cancelled', options?: { cause?: unknown }) {
    super(message, 'E_CANCELLED', 130, GrpcStatus.CANCELLED, options);
  }
}

export class TimeoutError extends InfoshardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'E_TIMEOUT', 3, GrpcStatus.DEADLINE_EXCEEDED, options);
  }
}

/** A missing or wrong token, or a TLS/certificate mismatch. CLI exit 4 (its own: retrying will not help). */
export class AuthError extends InfoshardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'E_AUTH', 4, GrpcStatus.UNAUTHENTICATED, options);
  }
}

/** A worker, coordinator or NATS server that cannot be reached. CLI exit 3. */
export class UnavailableError extends InfoshardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'E_UNAVAILABLE', 3, GrpcStatus.UNAVAILABLE, options);
  }
}

export class InternalError extends InfoshardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'E_INTERNAL', 1, GrpcStatus.INTERNAL, options);
  }
}

const BY_CODE: Record<ErrorCode, new (m: string) => InfoshardError> = {
  E_INPUT: DataError,
  E_OPTION: OptionError,
  E_ESTIMATOR: EstimatorError,
  E_NOT_FOUND: NotFoundError,
  E_LIMIT: LimitError,
  E_CANCELLED: CancelledError,
  E_TIMEOUT: TimeoutError,
  E_AUTH: AuthError,
  E_UNAVAILABLE: UnavailableError,
  E_INTERNAL: InternalError,
};

/**
 * Plain-object form of an error for structured-clone / JSON transport: code and message, the
 * field an OptionError names, and the cause chain (each link in this same form; at most
 * `MAX_CAUSE_DEPTH` deep) so that nothing the CLI reports is lost crossing a thread or the wire.
 */
export interface SerializedError {
  code: ErrorCode;
  message: string;
  field?: string;
  cause?: SerializedError | { name: string; message: string };
}

const MAX_CAUSE_DEPTH = 4;

function serializeCause(c: unknown, depth: number): SerializedError['cause'] | undefined {
  if (c === undefined || depth >= MAX_CAUSE_DEPTH) return undefined;
  if (c instanceof InfoshardError) return serializeAt(c, depth);
  if (c instanceof Error) return { name: c.name, message: c.message };
  return { name: typeof c, message: String(c) };
}

function serializeAt(err: unknown, depth: number): SerializedError {
  const out: SerializedError =
    err instanceof InfoshardError
      ? { code: err.code, message: err.message }
      : { code: 'E_INTERNAL', message: err instanceof Error ? err.message : String(err) };
  if (err instanceof OptionError && err.field !== undefined) out.field = err.field;
  const cause = err instanceof Error ? serializeCause(err.cause, depth + 1) : undefined;
  if (cause) out.cause = cause;
  return out;
}

/** Rebuild a typed error from its code and message (after crossing a thread or the wire), with its field and cause when given. */
export function errorFromCode(code: string, message: string, extra: { field?: string; cause?: SerializedError['cause'] } = {}): InfoshardError {
  const cause = extra.cause === undefined ? undefined : deserializeCause(extra.cause);
  const options = cause === undefined ? undefined : { cause };
  if (code === 'E_OPTION') return new OptionError(message, extra.field, options);
  const C = (BY_CODE[code as ErrorCode] ?? InternalError) as new (m: string, o?: { cause?: unknown }) => InfoshardError;
  return new C(message, options);
}

function deserializeCause(c: NonNullable<SerializedError['cause']>): Error {
  if ('code' in c) return deserializeError(c);
  const e = new Error(c.message);
  e.name = c.name;
  return e;
}

/** The inverse of `serializeError`. */
export function deserializeError(s: SerializedError): InfoshardError {
  return errorFromCode(s.code, s.message, { ...(s.field !== undefined ? { field: s.field } : {}), ...(s.cause ? { cause: s.cause } : {}) });
}

/** Plain-object form of an error for structured-clone / JSON transport (see SerializedError). */
export function serializeError(err: unknown): SerializedError {
  return serializeAt(err, 0);
}
