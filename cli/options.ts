/** Parsing of numeric and enumerated CLI flag values; every error names the flag. */
import { LimitError, OptionError } from '../shared/errors.js';

/** An integer ≥ min given as a flag value: digits, or an integer in exponent form (1e8, 2.5e6). */
export function intFlag(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const s = value.trim();
  const v = /^[+-]?\d+$/.test(s) || /^\+?\d+(\.\d+)?[eE]\+?\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(v) || v < min) {
    throw new OptionError(`${flag} must be an integer >= ${min}, got '${value}'`, flag);
  }
  return v;
}

/** A finite number given as a flag value, checked by `ok` (described by `what`). */
export function numberFlag(value: string | undefined, flag: string, ok: (v: number) => boolean, what: string): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(v) || !ok(v)) throw new OptionError(`${flag} must be ${what}, got '${value}'`, flag);
  return v;
}

/** One of `allowed`. */
export function enumFlag<T extends string>(value: string | undefined, flag: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new OptionError(`${flag} must be one of ${allowed.join(', ')}, got '${value}'`, flag);
  }
  return value as T;
}

/** Comma-separated positive integers, e.g. --k-values 3,5,7. */
export function intListFlag(value: string | undefined, flag: string, min: number): number[] | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((s) => s === '')) throw new OptionError(`${flag} must be a comma-separated list of integers, got '${value}'`, flag);
  return parts.map((s) => intFlag(s, flag, min)!);
}

/** Reject a replicate count above the cap (B, P or bagging). */
export function checkCap(count: number | undefined, flag: string, cap: number): void {
  if (count !== undefined && count > cap) {
    throw new LimitError(`${flag} ${count} exceeds the cap of ${cap} replicates (raise it with --max-replicates)`);
  }
}
