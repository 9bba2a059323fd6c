/**
 * Delimited text reader (CSV, TSV, semicolon, whitespace-separated `.txt`/`.dat`, as written by
 * spreadsheets, R and `np.savetxt`). Numbers go straight into Float64Arrays; only the columns a
 * job selects are parsed and validated, so an ID or label column (or a blank in it) never aborts
 * a run. Quoted fields (RFC 4180: `"a,b"`, `""` for a quote, newlines inside quotes) are
 * handled by a small scanner; files without quotes take a plain line split, the fast path.
 */
import { DataError } from '../errors.js';
import type { Dataset } from './matrix.js';
import { checkNames, makeDataset, parseTextCell } from './cells.js';

/** A delimiter character, or 'whitespace' (runs of blanks/tabs, as `np.loadtxt` splits). */
export type Delimiter = ',' | ';' | '\t' | 'whitespace';

export interface CsvOptions {
  /** Field delimiter. @default auto: the first of tab, ';', ',', whitespace that splits the first lines evenly */
  delimiter?: string;
  /**
   * Whether the first line holds column names. @default auto: a first line whose fields are all
   * numbers is data (`np.savetxt` writes no header), and columns are named 0, 1, ...
   */
  header?: boolean;
  /** Column indices to parse, given the names (header or 0..d-1); others are left out. @default all */
  select?: (names: readonly string[]) => readonly number[];
  /** Receives one line per choice made for the user (no header found, delimiter detected). */
  notes?: string[];
}

/** Accepted spellings of --delimiter. */
export function parseDelimiter(s: string): Delimiter {
  switch (s) {
    case ',': case 'comma': return ',';
    case ';': case 'semicolon': return ';';
    case '\t': case '\\t': case 'tab': return '\t';
    case ' ': case 'space': case 'whitespace': return 'whitespace';
    default: throw new DataError(`unknown delimiter ${JSON.stringify(s)} (use ',', ';', tab or whitespace)`);
  }
}

const NUMERIC_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:nan|inf|infinity)$/i;

function splitPlain(line: string, delim: Delimiter): string[] {
  return delim === 'whitespace' ? line.trim().split(/[ \t]+/) : line.split(delim);
}

/** Records of a text with quotes: fields may be quoted, with "" inside and newlines. */
function scanQuoted(text: string, delim: Delimiter): string[][] {
  const records: string[][] = [];
  let rec: string[] = [];
  let field = '';
  let i = 0, line = 1, quotedAt = 0;
  const isDelim = (c: string) => (delim === 'whitespace' ? c === ' ' || c === '\t' : c === delim);
  const endRecord = () => {
    rec.push(field);
    field = '';
    if (!(rec.length === 1 && rec[0]!.trim() === '')) records.push(rec);
    rec = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field.trim() === '') {
      quotedAt = line;
      field = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new DataError(`malformed CSV: quote opened on line ${quotedAt} is never closed`);
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      while (i < text.length && (text[i] === ' ' || text[i] === '\r') && !isDelim(text[i]!)) i++;
      if (i < text.length && !isDelim(text[i]!) && text[i] !== '\n') {
        throw new DataError(`malformed CSV: unexpected ${JSON.stringify(text[i])} after the closing quote on line ${line}`);
      }
      continue;
    }
    if (c === '\n') { if (field.endsWith('\r')) field = field.slice(0, -1); endRecord(); line++; i++; continue; }
    if (isDelim(c)) {
      if (delim === 'whitespace') {
        while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
        if (field !== '' || rec.length > 0) { rec.push(field); field = ''; }
        continue;
      }
      rec.push(field);
      field = '';
      i++;
      continue;
    }
    field += c;
    i++;
  }
  if (field !== '' || rec.length > 0) endRecord();
  return records;
}

/** Up to `max` non-blank lines from the start (for delimiter detection). */
function firstLines(text: string, max: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (out.length < max && start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const l = text.slice(start, end).replace(/\r$/, '');
    if (l.trim() !== '') out.push(l);
    start = end + 1;
  }
  return out;
}

/** The delimiter that splits the first lines into the same number (> 1) of fields. */
export function detectDelimiter(text: string): Delimiter {
  const lines = firstLines(text, 20);
  for (const d of ['\t', ';', ','] as const) {
    const counts = lines.map((l) => l.split(d).length);
    if (counts.length > 0 && counts[0]! > 1 && counts.every((c) => c === counts[0])) return d;
  }
  const ws = lines.map((l) => splitPlain(l, 'whitespace').length);
  if (ws.length > 0 && ws[0]! > 1 && ws.every((c) => c === ws[0])) return 'whitespace';
  return ','; // one column (or irregular lines, reported as ragged rows below)
}

/**
 * Parse delimited text into a Dataset.
 * @throws DataError for an empty file, duplicate or empty header names, ragged rows (1-based
 *   data row), and empty, non-numeric or non-finite cells of a selected column (row and name).
 */
export function parseCsv(input: string | Uint8Array, opts: CsvOptions = {}): Dataset {
  let text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const delim = opts.delimiter !== undefined ? parseDelimiter(opts.delimiter) : detectDelimiter(text);
  let records: string[][];
  if (text.includes('"')) {
    records = scanQuoted(text, delim);
  } else {
    records = [];
    for (const raw of text.split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() !== '') records.push(splitPlain(line, delim));
    }
  }
  if (records.length === 0) throw new DataError('empty data: no header row');
  const first = records[0]!;
  const header = opts.header ?? !first.every((f) => NUMERIC_RE.test(f.trim()));
  let names: string[];
  if (header) {
    names = first.map((s) => s.trim());
    checkNames(names);
  } else {
    names = first.map((_, j) => String(j));
    if (opts.header === undefined) {
      opts.notes?.push(`no header row: the first line is all numbers, so it is read as data and the ${names.length} columns are named 0..${names.length - 1} (--header reads it as names)`);
    }
  }
  const d = names.length;
  const skip = header ? 1 : 0;
  const n = records.length - skip;
  const use = opts.select ? [...new Set(opts.select(names))] : names.map((_, j) => j);
  const columns = use.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const rec = records[i + skip]!;
    const row = i + 1;
    if (rec.length !== d) {
      throw new DataError(`ragged row ${row}: ${rec.length} fields, ${header ? 'the header has' : 'the first row has'} ${d}`);
    }
    for (let u = 0; u < use.length; u++) {
      const j = use[u]!;
      columns[u]![i] = parseTextCell(rec[j]!, row, names[j]!);
    }
  }
  return makeDataset(use.map((j) => names[j]!), columns);
}
