import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { columnsToMatrix, loadDataset, selectColumns, type Dataset, type Matrix } from '../../shared/data/index.js';
import { gaussianMultiInfo } from '../../shared/estimators/gaussian-multi.js';
import { gcmiMi } from '../../shared/estimators/gcmi.js';
import { klDivergence } from '../../shared/estimators/kl-divergence.js';
import { ksgMultiInfo } from '../../shared/estimators/multi-info.js';
import { transferEntropy, type TransferEntropyOptions } from '../../shared/estimators/transfer-entropy.js';
import { cases2Dir, type RefCase } from '../helpers/cases.js';
import { relErr } from './helpers.js';


const DIR = cases2Dir();
const CASES = (JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as { cases: RefCase[] }).cases;

/** The CLI's TE flags → transferEntropy's options. */
const TE_OPTION: Record<string, keyof TransferEntropyOptions> = {
  'target-history': 'targetHistory',
  'target-delay': 'targetDelay',
  'source-history': 'sourceHistory',
  'source-delay': 'sourceDelay',
  delay: 'delay',
};

function teOptions(c: RefCase): TransferEntropyOptions {
  const o: TransferEntropyOptions = { k: c.k };
  for (const [flag, v] of Object.entries(c.options ?? {})) {
    const key = TE_OPTION[flag];
    if (!key) throw new Error(`case option '${flag}' has no transferEntropy equivalent`);
    o[key] = v;
  }
  return o;
}

/** The estimate of one case through the library functions, raw columns (normalize off). */
function estimateCase(c: RefCase, load: (f: string) => Dataset): number {
  const ds = load(c.file);
  const block = (names: string[], label: string, from: Dataset = ds): Matrix => columnsToMatrix(selectColumns(from, names, label).columns);
  const x = block(c.x, '--x');
  const key = `${c.measure}/${c.estimator}`;
  switch (key) {
    case 'te/ksg':
      return transferEntropy(x, block(c.y!, '--y'), teOptions(c));
    case 'divergence/kl':
      return klDivergence(x, block(c.x, '--x', load(c.file_q!)), { k: c.k });
    case 'tc/ksg':
    case 'dtc/ksg':
    case 'oinfo/ksg':
      return ksgMultiInfo(x, c.k!)[c.measure as 'tc' | 'dtc' | 'oinfo'];
    case 'tc/gaussian':
    case 'dtc/gaussian':
    case 'oinfo/gaussian':
      return gaussianMultiInfo(x)[c.measure as 'tc' | 'dtc' | 'oinfo'];
    case 'mi/gcmi':
      return gcmiMi(x, block(c.y!, '--y'));
    default:
      throw new Error(`no library estimator for case ${key}`);
  }
}

describe(`estimators: reference cases 2 (${DIR}/expected.json, normalize off)`, () => {
  const tables = new Map<string, Dataset>();
  before(async () => {
    for (const c of CASES) for (const f of [c.file, c.file_q]) if (f && !tables.has(f)) tables.set(f, await loadDataset(join(DIR, f)));
  });

  it('lists at least the measures of issue 9', () => {
    const kinds = new Set(CASES.map((c) => `${c.measure}/${c.estimator}`));
    for (const k of ['te/ksg', 'divergence/kl', 'tc/ksg', 'dtc/ksg', 'oinfo/ksg', 'tc/gaussian', 'oinfo/gaussian', 'mi/gcmi']) assert.ok(kinds.has(k), k);
  });

  for (const c of CASES) {
    const opts = Object.entries(c.options ?? {}).map(([f, v]) => `--${f} ${v}`).join(' ');
    const name = `${c.measure}/${c.estimator} on ${c.file}${c.file_q ? ` vs ${c.file_q}` : ''} x=${c.x} y=${c.y ?? '-'} k=${c.k ?? '-'} ${opts}`;
    it(`${name} = ${c.expected} within 1e-9 relative`, () => {
      const got = estimateCase(c, (f) => tables.get(f)!);
      assert.ok(relErr(got, c.expected) < 1e-9, `got ${got}, expected ${c.expected} (rel err ${relErr(got, c.expected)})`);
    });
  }
});
