/**
 * InfoNCE: the contrastive lower bound of van den Oord, Li & Vinyals ("Representation Learning
 * with Contrastive Predictive Coding", 2018, eq. 4), in the form of Poole et al. (ICML 2019,
 * eq. 12, "I_NCE"): with K pairs (x_i, y_i),
 *
 *     I(X;Y) ≥ E[ (1/K) Σ_i log( e^{f(x_i,y_i)} / ((1/K) Σ_j e^{f(x_i,y_j)}) ) ]
 *
 * Low variance, but it can never exceed log K: the held-out estimate uses all K held-out rows as
 * one batch, so it is capped at ln K (reported; a true MI above it is out of InfoNCE's reach).
 */
import { batchDiagMean, type NeuralBound } from './bound.js';
import { infoNceMean } from './scores.js';

export const infonce: NeuralBound = {
  name: 'infonce',
  evaluate: (s, c) => infoNceMean(s, c),
  loss(tf, scores) {
    const b = scores.shape[0];
    // mean_i [f_ii − logsumexp_j f_ij] + log b
    return tf.neg(tf.add(tf.sub(batchDiagMean(tf, scores), tf.mean(tf.logSumExp(scores, 1))), Math.log(b)));
  },
  ceiling: (k) => Math.log(k),
};
