/**
 * User-supplied surrogate orderings for permutation tests: JSON (an array of arrays) or text
 * with one ordering per line (integers separated by commas or blanks; '#' starts a comment).
 * Each ordering must be a permutation of 0..N−1.
 */
import { readFile } from 'node:fs/promises';
import { DataError, NotFoundError } from '../shared/errors.js';

function checkPermutation(p: readonly unknown[], n: number, where: string): number[] {
  if (p.length !== n) throw new DataError(`${where} has ${p.length} entries, the data has ${n} rows`);
  const seen = new Uint8Array(n);
  return p.map((v) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= n) {
      throw new DataError(`${where} holds ${JSON.stringify(v)}, not a row index in 0..${n - 1}`);
    }
    if (seen[v]) throw new DataError(`${where} is not a permutation: row ${v} appears twice`);
    seen[v] = 1;
    return v;
  });
}

/** Parse surrogate text for data with `n` rows. */
export function parseSurrogates(text: string, n: number, name = 'surrogates'): number[][] {
  const trimmed = text.trim();
  let rows: { values: unknown[]; where: string }[];
  if (trimmed.startsWith('[')) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch (err) {
      throw new DataError(`${name}: malformed JSON: ${(err as Error).message}`, { cause: err });
    }
    if (!Array.isArray(doc) || !doc.every(Array.isArray)) throw new DataError(`${name}: expected a JSON array of arrays`);
    rows = (doc as unknown[][]).map((values, i) => ({ values, where: `${name}: ordering ${i + 1}` }));
  } else {
    rows = [];
    text.split(/\r?\n/).forEach((line, i) => {
      const body = line.replace(/#.*/, '').trim();
      if (body === '') return;
      const values = body.split(/[\s,]+/).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      rows.push({ values, where: `${name}: line ${i + 1}` });
    });
  }
  if (rows.length === 0) throw new DataError(`${name}: no orderings found`);
  return rows.map((r) => checkPermutation(r.values, n, r.where));
}

export async function loadSurrogates(path: string, n: number): Promise<number[][]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`surrogates file not found: ${path}`, { cause: err });
    throw new DataError(`cannot read surrogates file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseSurrogates(text, n, path);
}
