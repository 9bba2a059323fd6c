/**
 * `infoshard screen` and `infoshard pairwise` (docs/screening.md): flags → a JobSpec with
 * `screen` / `pairwise`, run through the same executeJob as `estimate`, printed as a feature
 * table / pair list (`--json`: one object) and optionally written as CSV (`--out`).
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DataError, OptionError } from '../shared/errors.js';
import { parseColumnList } from '../shared/data/select.js';
import { defaultEstimator } from '../shared/catalog/index.js';
import { CORRECTIONS } from '../shared/resampling/multiple-testing.js';
import { DEFAULTS, type JobResult, type JobSpec } from '../shared/job/spec.js';
import { checkCap, enumFlag, intFlag, numberFlag } from './options.js';
import { SUMMARY_THRESHOLD } from '../shared/job/summary.js';
import { MANY_SUMMARY_VALUES } from '../shared/job/many-summary.js';
import { UNITS } from './spec-builder.js';

export interface ManyFlags {
  data: string;
  target?: string;
  features?: string;
  vars?: string;
  measure?: string;
  z?: string;
  estimator?: string;
  k?: string;
  normalize?: boolean;
  units?: string;
  seed?: string;
  permutations?: string;
  permutationKind?: string;
  correction?: string;
  alpha?: string;
  out?: string;
  maxReplicates?: string;
  summaries?: boolean;
}

function list(v: string, flag: string): string[] {
  const l = parseColumnList(v);
  if (l.length === 0) throw new OptionError(`${flag} needs at least one column`, flag);
  return l;
}

/** The spec of a screen (`kind` 'screen') or pairwise job from its flags; errors name the flag. */
export function buildManySpec(kind: 'screen' | 'pairwise', f: ManyFlags): JobSpec {
  const measure = enumFlag(f.measure, '--measure', ['mi', 'cmi'] as const) ?? (f.z !== undefined ? 'cmi' : 'mi');
  const z = f.z !== undefined ? list(f.z, '--z') : undefined;
  if (measure === 'cmi' && !z) throw new OptionError('--measure cmi needs --z (the conditioning columns)', '--z');
  if (measure === 'mi' && z) throw new OptionError('--z conditions the measure: use --measure cmi (the default when --z is given)', '--z');
  const cap = intFlag(f.maxReplicates, '--max-replicates', 1) ?? DEFAULTS.maxReplicates;
  const P = intFlag(f.permutations, '--permutations', 1) ?? 1000;
  checkCap(P, '--permutations', cap);
  const correction = enumFlag(f.correction, '--correction', CORRECTIONS) ?? DEFAULTS.correction;
  const alpha = numberFlag(f.alpha, '--alpha', (v) => v > 0 && v < 1, 'in (0, 1)') ?? DEFAULTS.alpha;
  const kindFlag = enumFlag(f.permutationKind, '--permutation-kind', ['shuffle', 'local'] as const);
  const spec: JobSpec = {
    measure,
    estimator: f.estimator ?? defaultEstimator(measure),
    k: intFlag(f.k, '--k', 1) ?? DEFAULTS.k,
    x: [],
    ...(z ? { z } : {}),
    ...(f.normalize !== undefined ? { normalize: f.normalize } : {}),
    units: enumFlag(f.units, '--units', UNITS) ?? DEFAULTS.units,
    seed: intFlag(f.seed, '--seed', 0) ?? DEFAULTS.seed,
    permutation: { shuffles: P, ...(kindFlag ? { kind: kindFlag } : {}) },
    ...(f.summaries ? { summaries: true } : {}),
  };
  if (kind === 'screen') {
    spec.x = list(f.target!, '--target');
    const features = f.features === undefined || f.features.trim() === 'all' ? 'all' : list(f.features, '--features');
    if (features !== 'all') {
      for (const c of features) {
        if (spec.x.includes(c)) throw new OptionError(`--features: column '${c}' is the target (--target)`, '--features');
        if (z?.includes(c)) throw new OptionError(`--features: column '${c}' is in --z`, '--features');
      }
    }
    spec.screen = { features, correction, alpha };
  } else {
    spec.x = list(f.vars!, '--vars');
    if (spec.x.length < 2) throw new OptionError('--vars needs at least 2 columns', '--vars');
    spec.pairwise = { correction, alpha };
  }
  return spec;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

/** The printed JSON of a many-variable result: the items first, then the job's context. */
export function manyJson(r: JobResult): Record<string, unknown> {
  const common = {
    measure: r.measure, estimator: r.estimator, k: r.k, n: r.n, units: r.units, normalize: r.normalize, seed: r.seed,
    permutations: r.replicates.permutation,
    // the max-statistic test of "no item is dependent" (θ̂ = the largest item estimate)
    globalPValue: r.pValue,
    warnings: r.warnings, timings: r.timings, provenance: r.provenance,
    // which path made each number (present on the summary path only)
    ...(r.summaries ? { summaries: r.summaries } : {}),
  };
  return r.screen ? { ...r.screen, ...common } : { ...r.pairwise!, ...common };
}

export function manyHuman(r: JobResult, dataPath: string): string {
  const lines: string[] = [];
  const k = r.k !== null ? `, k=${r.k}` : '';
  const P = r.replicates.permutation;
  if (r.screen) {
    const s = r.screen;
    lines.push(`screen ${r.measure} (${r.estimator}${k}) of ${s.features.length} features against ${s.target.join(',')}${s.z ? ` given ${s.z.join(',')}` : ''} on ${dataPath}: N=${r.n}, ${P} permutations`);
    lines.push(`  ${s.correction} at alpha ${s.alpha}: ${s.selected.length} selected${s.selected.length ? `: ${s.selected.slice(0, 20).join(', ')}${s.selected.length > 20 ? ', …' : ''}` : ''}`);
    lines.push(`  ${'feature'.padEnd(16)} ${'estimate'.padStart(10)} ${'p'.padStart(8)} ${'p_adj'.padStart(8)}`);
    for (const f of s.features.slice(0, 25)) lines.push(`  ${f.name.padEnd(16)} ${fmt(f.estimate).padStart(10)} ${fmt(f.pValue).padStart(8)} ${fmt(f.pAdjusted).padStart(8)}${f.selected ? ' *' : ''}`);
    if (s.features.length > 25) lines.push(`  … ${s.features.length - 25} more (--json or --out for all)`);
  } else {
    const p = r.pairwise!;
    const sel = p.pairs.filter((q) => q.selected);
    lines.push(`pairwise ${r.measure} (${r.estimator}${k}) of ${p.variables.length} variables (${p.pairs.length} pairs)${p.z ? ` given ${p.z.join(',')}` : ''} on ${dataPath}: N=${r.n}, ${P} permutations`);
    lines.push(`  ${p.correction} at alpha ${p.alpha}: ${sel.length} pairs selected`);
    for (const q of [...p.pairs].sort((a, b) => b.estimate - a.estimate).slice(0, 25)) {
      lines.push(`  ${`${q.a} – ${q.b}`.padEnd(24)} ${fmt(q.estimate).padStart(10)} p ${fmt(q.pValue).padStart(8)} p_adj ${fmt(q.pAdjusted).padStart(8)}${q.selected ? ' *' : ''}`);
    }
  }
  if (r.summaries) lines.push('  summaries (permutation): p and p_adj from exact exceedance counts (the same as from the null matrix); item null means from per-block means');
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}

function csvName(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `--out`: one row per feature (screen) or pair (pairwise), full precision. */
export async function writeManyCsv(path: string, r: JobResult): Promise<void> {
  const rows: string[] = [];
  const tail = (q: { estimate: number; pValue: number; pAdjusted: number; selected: boolean; nullMean: number }) => `${q.estimate},${q.pValue},${q.pAdjusted},${q.selected},${q.nullMean}`;
  if (r.screen) {
    rows.push('feature,estimate,p_value,p_adjusted,selected,null_mean');
    for (const f of r.screen.features) rows.push(`${csvName(f.name)},${tail(f)}`);
  } else {
    rows.push('a,b,estimate,p_value,p_adjusted,selected,null_mean');
    for (const q of r.pairwise!.pairs) rows.push(`${csvName(q.a)},${csvName(q.b)},${tail(q)}`);
  }
  try {
    await writeFile(path, rows.join('\n') + '\n');
  } catch (err) {
    throw new DataError(`cannot write --out ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** Add `screen` and `pairwise` to the program (common engine/output flags added by `common`). */
export function registerManyCommands(program: Command, common: (c: Command) => Command, run: (spec: JobSpec, flags: ManyFlags & Record<string, unknown>) => Promise<void>): void {
  const shared = (c: Command) =>
    c
      .requiredOption('--data <file>', 'data file (.csv, .tsv, .json, .npy, .arrow)')
      .option('--measure <m>', 'mi or cmi (default: cmi with --z, else mi)')
      .option('--z <cols>', 'conditioning columns (cmi)')
      .option('--estimator <name>', 'mi: ksg1 (default), ksg2, mixed_ksg, plugin, gaussian; cmi: ksg_cmi')
      .option('--k <n>', 'neighbours (default 3)')
      .option('--no-normalize', 'do not divide columns by their sample sd')
      .option('--units <units>', 'nats or bits')
      .option('--seed <S>', 'random seed (default 0)')
      .option('--permutations <P>', 'permutations of the target (screen) / of every variable (pairwise), shared by all items (default 1000)')
      .option('--correction <c>', `${CORRECTIONS.join('|')} (default fdr_bh)`)
      .option('--alpha <A>', 'selection level for adjusted p-values (default 0.05)')
      .option('--out <file.csv>', 'write one CSV row per feature / pair')
      .option('--summaries', `merge per-item exceedance counts instead of the permutations × items null matrix (the same p-values; automatic above ${SUMMARY_THRESHOLD} permutations or ${MANY_SUMMARY_VALUES} null values)`);
  const screen = program
    .command('screen')
    .description('every feature against a target: MI (or CMI given --z) with permutation p-values and multiple-testing control')
    .requiredOption('--target <cols>', 'target column(s)')
    .option('--features <cols|all>', "feature columns, or 'all' (every column not in --target or --z; the default)")
    .option('--permutation-kind <kind>', 'cmi: local (default) or shuffle');
  common(shared(screen)).action(async (flags: ManyFlags & Record<string, unknown>) => run(buildManySpec('screen', flags), flags));
  const pairwise = program
    .command('pairwise')
    .description('MI (or CMI given --z) of every pair of --vars: symmetric matrix, permutation p-values, multiple-testing control')
    .requiredOption('--vars <cols>', 'the variables (at least 2)');
  common(shared(pairwise)).action(async (flags: ManyFlags & Record<string, unknown>) => run(buildManySpec('pairwise', flags), flags));
}
