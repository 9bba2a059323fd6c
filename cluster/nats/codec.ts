/**
 * Byte forms of what the NATS store keeps. Float64 values are stored as raw little-endian bytes,
 * so they come back bit for bit (−0 and NaN payloads included), which a decimal round trip
 * would not guarantee; ids become KV-key-safe tokens.
 */
import { randomBytes } from 'node:crypto';
import { DataError } from '../../shared/errors.js';

export function f64ToBytes(a: Float64Array): Uint8Array {
  const out = new Uint8Array(a.length * 8);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) dv.setFloat64(i * 8, a[i]!, true);
  return out;
}

export function bytesToF64(b: Uint8Array, what: string): Float64Array {
  if (b.length % 8 !== 0) throw new DataError(`${what}: ${b.length} bytes is not a whole number of float64 values`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Float64Array(b.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat64(i * 8, true);
  return out;
}

/** Where a shard record keeps its values. */
export const ShardPlace = {
  /** Values follow in the KV value itself. */
  Inline: 0,
  /** Values are in the blobs object store (too big for one NATS message). */
  Blob: 1,
} as const;
export type ShardPlace = (typeof ShardPlace)[keyof typeof ShardPlace];

export const NONCE_BYTES = 16;

/**
 * A shard record in KV: [place u8][writer nonce 16 B][float64 LE values, when inline].
 * The nonce lets a writer whose first attempt timed out (but landed) recognise its own record
 * on retry, so that only a genuinely different completion counts as a duplicate.
 */
export function encodeShardRecord(place: ShardPlace, nonce: Uint8Array, values?: Float64Array): Uint8Array {
  const payload = values ? f64ToBytes(values) : new Uint8Array(0);
  const out = new Uint8Array(1 + NONCE_BYTES + payload.length);
  out[0] = place;
  out.set(nonce, 1);
  out.set(payload, 1 + NONCE_BYTES);
  return out;
}

export function decodeShardRecord(b: Uint8Array, what: string): { place: ShardPlace; nonce: Uint8Array; payload: Uint8Array } {
  if (b.length < 1 + NONCE_BYTES || (b[0] !== ShardPlace.Inline && b[0] !== ShardPlace.Blob)) {
    throw new DataError(`${what}: malformed shard record (${b.length} bytes)`);
  }
  return { place: b[0] as ShardPlace, nonce: b.subarray(1, 1 + NONCE_BYTES), payload: b.subarray(1 + NONCE_BYTES) };
}

export function newNonce(): Uint8Array {
  return new Uint8Array(randomBytes(NONCE_BYTES));
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A KV key / subject token from an arbitrary id. Keys allow only `[-/_=.a-zA-Z0-9]`, and `.`
 * separates tokens, so anything outside `[-_a-zA-Z0-9]` becomes `=XX` (UTF-8 byte in hex).
 * Reversible with {@link keyToId}.
 */
export function idToKey(id: string): string {
  if (id.length === 0) throw new DataError('an empty id cannot be a NATS key');
  let out = '';
  for (const c of new TextEncoder().encode(id)) {
    const ch = String.fromCharCode(c);
    out += /[-_a-zA-Z0-9]/.test(ch) ? ch : '=' + c.toString(16).padStart(2, '0');
  }
  return out;
}

export function keyToId(key: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < key.length; i++) {
    if (key[i] === '=') {
      bytes.push(parseInt(key.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(key.charCodeAt(i));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
