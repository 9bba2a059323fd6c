/**
 * SMILE: Song & Ermon, "Understanding the Limitations of Variational Mutual Information
 * Estimators", ICLR 2020, eq. 17:
 *
 *     I_SMILE(T, τ) = E_p(x,y)[T] − log E_p(x)p(y)[ clip(e^T, e^−τ, e^τ) ]
 *
 * Clipping the partition term bounds the variance of the DV estimate (their theorem 3) at the
 * price of a bias that vanishes as τ grows (τ = ∞ is MINE's DV bound). As in the authors' code,
 * the critic is trained with the Jensen–Shannon f-GAN objective (Poole et al. 2019, eq. 13;
 * Hjelm et al. 2019), E_p[−softplus(−T)] − E_pxpy[softplus(T)], whose optimum is
 * T* = log p(x,y)/(p(x)p(y)), the density ratio the DV term needs. `--clip` sets τ (default 5).
 */
import type { NeuralBound } from './bound.js';
import { diagMean, offDiagLogMeanExp } from './scores.js';

export const smile: NeuralBound = {
  name: 'smile',
  evaluate: (s, c, o) => diagMean(s, c) - offDiagLogMeanExp(s, c, (v) => Math.min(o.clip, Math.max(-o.clip, v))),
  loss(tf, scores) {
    const b = scores.shape[0];
    const joint = tf.neg(tf.mean(tf.softplus(tf.neg(tf.sum(tf.mul(scores, tf.eye(b)), 1)))));
    const prod = tf.div(tf.sum(tf.mul(tf.softplus(scores), tf.sub(1, tf.eye(b)))), b * (b - 1));
    return tf.neg(tf.sub(joint, prod));
  },
  ceiling: () => Infinity,
};
