/** Gaussian data with known MI for the neural tests, and the tiny critic settings they use. */
import assert from 'node:assert/strict';
import type { Dataset } from '../../shared/data/matrix.js';
import type { JobResult, TrainingProgress } from '../../shared/job/spec.js';
import { stream } from '../../shared/rng/index.js';

/** X, Y standard normal with Corr(X, Y) = ρ (I = −½ ln(1 − ρ²)); W independent of both. */
export function gaussian(n: number, rho: number, seed: number): Dataset {
  const r = stream(seed, 0, 90);
  const x = new Float64Array(n), y = new Float64Array(n), w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = r.nextGaussian();
    y[i] = rho * x[i]! + Math.sqrt(1 - rho * rho) * r.nextGaussian();
    w[i] = r.nextGaussian();
  }
  return { names: ['x', 'y', 'w'], columns: [x, y, w], n };
}

/** A small critic that still learns a 2-D Gaussian in a few hundred steps. */
export const SMALL = { hidden: 16, embed: 8, batch: 64, steps: 300, evalEvery: 25, patience: 4, heldOutBootstrap: 100 };
/** The smallest settings that exercise everything (determinism tests; accuracy not asked). */
export const TINY = { hidden: 8, embed: 4, batch: 32, steps: 40, evalEvery: 10, patience: 2, heldOutBootstrap: 20 };

/**
 * Checks a job's training progress events against its result: every critic (each part for cmi)
 * reports, steps only go up, exactly the last event of each says how training ended (and says it
 * truly: 'finished' at --steps, 'early-stopped' at --patience), and for mi that last event equals
 * what the result says the critic did (steps, kept step, best validation value).
 */
export function checkTraining(events: readonly TrainingProgress[], result: JobResult, measure: 'mi' | 'cmi' = 'mi'): void {
  const perCritic = result.ensemble!.neural!.perCritic;
  const parts: TrainingProgress['part'][] = measure === 'mi' ? ['mi'] : ['joint', 'conditioning'];
  for (let r = 0; r < perCritic.length; r++) {
    for (const part of parts) {
      const ev = events.filter((e) => e.critic === r && e.part === part);
      assert.ok(ev.length >= 1, `critic ${r} ${part}: no training event`);
      for (let i = 0; i < ev.length; i++) {
        const e = ev[i]!;
        assert.ok(Number.isFinite(e.validation) && Number.isFinite(e.best) && e.best >= e.validation, `critic ${r}: ${JSON.stringify(e)}`);
        assert.ok(e.bestStep <= e.step && e.step <= e.steps && e.stale <= e.patience, `critic ${r}: ${JSON.stringify(e)}`);
        if (i > 0) assert.ok(e.step > ev[i - 1]!.step, `critic ${r} ${part}: step went from ${ev[i - 1]!.step} to ${e.step}`);
        assert.equal(e.state === 'training', i < ev.length - 1, `critic ${r} ${part}: event ${i} of ${ev.length} has state ${e.state}`);
      }
      const last = ev.at(-1)!;
      assert.equal(last.state, last.stale >= last.patience ? 'early-stopped' : 'finished');
      if (last.state === 'finished') assert.equal(last.step, last.steps);
      if (measure === 'mi') {
        const c = perCritic[r]!;
        assert.deepEqual([last.step, last.bestStep, last.best], [c.steps, c.bestStep, c.validation], `critic ${r}: progress disagrees with the result`);
      }
    }
  }
  assert.ok(events.every((e) => e.critic >= 0 && e.critic < perCritic.length));
}

/**
 * Jointly Gaussian X, Y, Z with I(X;Y|Z) = −½ ln(1 − ρ²): Z standard normal, X = Z + E₁,
 * Y = Z + ρE₁ + √(1 − ρ²)E₂ (E standard normal), so given Z, X and Y have correlation ρ; and
 * I(X;Z) = ½ ln 2, I(X;[Y,Z]) = −½ ln(1 − ρ²) + ½ ln 2 (chain rule).
 */
export function gaussianCmi(n: number, rho: number, seed: number): Dataset {
  const r = stream(seed, 0, 91);
  const x = new Float64Array(n), y = new Float64Array(n), z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    z[i] = r.nextGaussian();
    const e1 = r.nextGaussian(), e2 = r.nextGaussian();
    x[i] = z[i]! + e1;
    y[i] = z[i]! + rho * e1 + Math.sqrt(1 - rho * rho) * e2;
  }
  return { names: ['x', 'y', 'z'], columns: [x, y, z], n };
}
