/**
 * MINE: the Donsker–Varadhan lower bound with a neural critic T (Belghazi et al., "Mutual
 * Information Neural Estimation", ICML 2018, eq. 10):
 *
 *     I(X;Y) ≥ E_p(x,y)[T] − log E_p(x)p(y)[e^T]
 *
 * Training uses the paper's bias-corrected gradient (section 3.2): the denominator E[e^T] of the
 * gradient of the log term is replaced by an exponential moving average over batches (rate
 * α = 0.01), i.e. the loss −(mean T_joint − mean e^{T_marg} / EMA) with the EMA held constant.
 * The estimate is the DV bound on held-out rows (scores.ts), every off-diagonal pair a
 * product-of-marginals sample.
 */
import { batchDiagMean, batchOffDiagMeanExp, type NeuralBound } from './bound.js';
import { diagMean, offDiagLogMeanExp } from './scores.js';

/** Moving-average rate of the bias-corrected gradient (Belghazi et al. use a small α). */
export const MINE_EMA_RATE = 0.01;

export const mine: NeuralBound = {
  name: 'mine',
  evaluate: (s, c) => diagMean(s, c) - offDiagLogMeanExp(s, c),
  loss(tf, scores, state) {
    const meanExp = batchOffDiagMeanExp(tf, scores);
    const v = meanExp.dataSync()[0]!;
    state.ema = state.ema === undefined ? v : (1 - MINE_EMA_RATE) * state.ema + MINE_EMA_RATE * v;
    return tf.neg(tf.sub(batchDiagMean(tf, scores), tf.div(meanExp, state.ema)));
  },
  ceiling: () => Infinity,
};
