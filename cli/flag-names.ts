/**
 * Job-spec field → the flag a user typed (issue 12: an error must name `--subsample-m`, not
 * `bootstrap.m`, when the job came from flags). Used only for jobs built from flags; job files
 * keep their field names.
 */
import { OptionError } from '../shared/errors.js';
import { allOptions } from '../shared/catalog/index.js';

const FLAGS: [RegExp, string][] = [
  [/\bbootstrap\.replicates\b/g, '--bootstrap'],
  [/\bbootstrap\.method\b/g, '--ci'],
  [/\bbootstrap\.level\b/g, '--level'],
  [/\bbootstrap\.scheme\b/g, '--scheme'],
  [/\bbootstrap\.m\b/g, '--subsample-m'],
  [/\bbootstrap\.jackknifeGroups\b/g, '--jackknife-groups'],
  [/\bbootstrap\.target\b/g, '--ci-target'],
  [/\bpermutation\.shuffles\b/g, '--permutations'],
  [/\bpermutation\.kind\b/g, '--permutation-kind'],
  [/\bpermutation\.localK\b/g, '--local-k'],
  [/\bensemble\.bagging\.replicates\b/g, '--bagging'],
  [/\bensemble\.bagging\.fraction\b/g, '--bagging-fraction'],
  [/\bensemble\.kValues\[(\d+)\]/g, '--k-values[$1]'],
  [/\bensemble\.kValues\b/g, '--k-values'],
  [/\bensemble\.critics\b/g, '--ensemble'],
  [/\bmaxReplicates\b/g, '--max-replicates'],
  [/\bmillerMadow\b/g, '--miller-madow'],
  [/\bsummaries\b/g, '--summaries'],
  // catalog options: options.targetHistory → --target-history
  ...allOptions().map((o): [RegExp, string] => [new RegExp(`\\boptions\\.${o.name}\\b`, 'g'), `--${o.flag}`]),
];

/** The flag for a job-spec field ('bootstrap.m' → '--subsample-m'; 'k' → '--k'). */
export function flagFor(field: string): string {
  for (const [re, flag] of FLAGS) {
    re.lastIndex = 0;
    if (re.test(field)) {
      re.lastIndex = 0;
      return field.replace(re, flag);
    }
  }
  return /^[a-z]+$/i.test(field) ? `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : field;
}

/** An OptionError with its field (and the field in its message) renamed to the flag. */
export function withFlagNames(err: unknown): unknown {
  if (!(err instanceof OptionError) || err.field === undefined || err.field.startsWith('--')) return err;
  const flag = flagFor(err.field);
  let message = err.message;
  for (const [re, f] of FLAGS) message = message.replace(re, f);
  // a plain top-level field leading the message: "k must be ...", "jitter must be ..."
  if (/^[a-z]+$/i.test(err.field)) message = message.replace(new RegExp(`^${err.field}\\b`), flag);
  return new OptionError(message, flag, { cause: err });
}
