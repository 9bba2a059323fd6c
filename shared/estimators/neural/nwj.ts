/**
 * NWJ: the f-divergence (KL) lower bound of Nguyen, Wainwright & Jordan (IEEE Trans. Inf.
 * Theory 56 (2010) 5847, eq. 13 for the KL case), in the form of Poole et al. (ICML 2019, eq. 9,
 * "I_NWJ"):
 *
 *     I(X;Y) ≥ E_p(x,y)[f] − e^{−1} E_p(x)p(y)[e^f]
 *
 * tight at f* = 1 + log p(y|x)/p(y). Trained by maximising the same bound on each batch; the
 * estimate is the bound on held-out rows. Unbiased per batch but high variance at large MI
 * (Song & Ermon 2020, theorem 2), which is what SMILE addresses.
 */
import { batchDiagMean, batchOffDiagMeanExp, type NeuralBound } from './bound.js';
import { diagMean, offDiagLogMeanExp } from './scores.js';

export const nwj: NeuralBound = {
  name: 'nwj',
  evaluate: (s, c) => diagMean(s, c) - Math.exp(offDiagLogMeanExp(s, c) - 1),
  loss: (tf, scores) => tf.neg(tf.sub(batchDiagMean(tf, scores), tf.mul(batchOffDiagMeanExp(tf, scores), Math.exp(-1)))),
  ceiling: () => Infinity,
};
