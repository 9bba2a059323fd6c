/**
 * Auto-embedding by the maximum bias-corrected active information storage (JIDT's
 * AUTO_EMBED_METHOD_MAX_CORR_AIS; Garland, James, Bradley, PRE 93 (2016) 022221): for a series,
 * the history length k ≤ maxHistory and delay τ ≤ maxDelay that maximise AIS(k, τ) − b(k, τ),
 * b the estimator's bias: the χ² null mean df/(2N) for gaussian and plugin (analytic.ts), none
 * for ksg (its ψ terms already compensate the bias; JIDT uses the raw KSG value). Ties go to the
 * smaller k, then the smaller τ; k = 1 is tried with τ = 1 only (τ does not matter there).
 * te chooses its target's history (targetHistory, targetDelay) on the target series and its
 * source's (sourceHistory, sourceDelay) on the source series, each by the same criterion.
 */
import { computeFn, estimatorOf } from '../catalog/index.js';
import { EstimatorError, OptionError } from '../errors.js';
import type { Matrix } from '../data/matrix.js';
import type { EstimatorInput, EstimatorParams } from '../estimators/types.js';
import { embedNextAndPast } from '../estimators/info-dynamics.js';

/** Turns one series into AIS blocks (trial-aware: see trials.ts). */
export type AisEmbed = (series: Matrix, history: { targetHistory: number; targetDelay: number }) => EstimatorInput;

/** The plain embedding (no trials). */
export const plainEmbed: AisEmbed = (series, h) => embedNextAndPast(series, h);

/** The (k, τ) maximising the bias-corrected AIS of `series`. */
export function maxCorrectedAis(series: Matrix, estimator: string, params: EstimatorParams, maxHistory: number, maxDelay: number, embed: AisEmbed): { k: number; tau: number; ais: number } {
  const ais = computeFn('ais', estimator);
  const df = estimatorOf('ais', estimator).chi2?.['ais'];
  // the raw estimate: the criterion applies its own bias term
  const raw: EstimatorParams = { k: params.k };
  let best: { k: number; tau: number; ais: number } | undefined;
  for (let k = 1; k <= maxHistory; k++) {
    for (let tau = 1; tau <= (k === 1 ? 1 : maxDelay); tau++) {
      let input: EstimatorInput;
      try {
        input = embed(series, { targetHistory: k, targetDelay: tau });
      } catch (e) {
        if (e instanceof EstimatorError) continue; // too short for this (k, τ)
        throw e;
      }
      if (input.x.n <= params.k) continue;
      const v = ais(input, raw) - (df ? df(input) / (2 * input.x.n) : 0);
      if (best === undefined || v > best.ais) best = { k, tau, ais: v };
    }
  }
  if (!best) throw new EstimatorError(`auto-embedding: the series is too short for any history up to k = ${maxHistory}`);
  return best;
}

const CHOSEN: Readonly<Record<string, readonly string[]>> = {
  ais: ['targetHistory', 'targetDelay'],
  te: ['targetHistory', 'targetDelay', 'sourceHistory', 'sourceDelay'],
};

/**
 * The options with the chosen history lengths and delays filled in (when `autoEmbed` is 1).
 * @throws OptionError when the job also sets one of the values the search chooses.
 */
export function autoEmbedOptions(measure: string, estimator: string, input: EstimatorInput, options: Record<string, number>, given: Readonly<Record<string, unknown>> | undefined, params: EstimatorParams, embed: AisEmbed): Record<string, number> {
  if ((options['autoEmbed'] ?? 0) !== 1) return options;
  const chosen = CHOSEN[measure]!;
  for (const name of chosen) {
    if (given?.[name] !== undefined) throw new OptionError(`options.${name} is chosen by options.autoEmbed; give one or the other`, `options.${name}`);
  }
  const out: Record<string, number> = { maxHistory: 5, maxDelay: 1, ...options };
  const maxHistory = out['maxHistory']!, maxDelay = out['maxDelay']!;
  const t = maxCorrectedAis(input.x, estimator, params, maxHistory, maxDelay, embed);
  out['targetHistory'] = t.k;
  out['targetDelay'] = t.tau;
  if (measure === 'te') {
    const s = maxCorrectedAis(input.y as Matrix, estimator, params, maxHistory, maxDelay, embed);
    out['sourceHistory'] = s.k;
    out['sourceDelay'] = s.tau;
  }
  return out;
}
