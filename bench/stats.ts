/** Small summaries of repeated timings and value differences. */

export interface Timing {
  runsMs: number[];
  medianMs: number;
  minMs: number;
}

export function timing(runsMs: number[]): Timing {
  const s = [...runsMs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const medianMs = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { runsMs: runsMs.map(round3), medianMs: round3(medianMs), minMs: round3(s[0]!) };
}

/** max_i |a_i − b_i| (NaN when lengths differ or either is empty). */
export function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) return NaN;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export const round3 = (v: number) => Math.round(v * 1000) / 1000;
/** Ratio to 2 significant decimals. */
export const ratio = (num: number, den: number) => Math.round((num / den) * 100) / 100;
