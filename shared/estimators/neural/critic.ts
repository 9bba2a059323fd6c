/**
 * The critic f(x, y): a ReLU MLP, either separable, f(x, y) = g(x)·h(y) with two MLPs ending in
 * an `embed`-wide layer (Poole et al. 2019, "separable critic"; one batch of b pairs costs 2b
 * MLP passes for all b² scores), or concatenated, f(x, y) = MLP([x, y]) (b² passes; more
 * expressive, much slower). Weights start Glorot-uniform (Glorot & Bengio 2010) drawn from the
 * critic's own Philox stream, biases 0, so a critic depends only on (seed, critic index).
 */
import type { Tensor, Tensor2D, Variable } from '@tensorflow/tfjs';
import type { RandomStream } from '../../rng/index.js';
import type { Tf } from './tf.js';

export interface CriticShape {
  /** Units per hidden layer. */
  hidden: number;
  /** Hidden layers per MLP. */
  layers: number;
  /** Output width of g and h (separable critic). */
  embed: number;
  separable: boolean;
}

interface Dense {
  w: Variable;
  b: Variable;
}

export interface Critic {
  readonly shape: CriticShape;
  readonly variables: Variable[];
  /** b_x × b_y scores f(x_i, y_j) for row blocks x (b_x × d_x) and y (b_y × d_y). */
  scores(x: Tensor2D, y: Tensor2D): Tensor2D;
  dispose(): void;
}

function dense(tf: Tf, fanIn: number, fanOut: number, rng: RandomStream): Dense {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const w = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < w.length; i++) w[i] = (2 * rng.nextFloat64() - 1) * limit;
  // tf.variable shares the initial tensor's data: dispose that tensor, or every critic leaks its
  // initial weights (12 tensors a critic in a long-lived worker; test/neural/train.test.ts)
  const init = (t: Tensor): Variable => {
    const v = tf.variable(t);
    t.dispose();
    return v;
  };
  return { w: init(tf.tensor2d(w, [fanIn, fanOut])), b: init(tf.zeros([fanOut])) };
}

function mlp(tf: Tf, dIn: number, dOut: number, shape: CriticShape, rng: RandomStream): Dense[] {
  const widths = [dIn, ...Array.from({ length: shape.layers }, () => shape.hidden), dOut];
  return widths.slice(1).map((w, i) => dense(tf, widths[i]!, w, rng));
}

function forward(tf: Tf, net: Dense[], x: Tensor2D): Tensor2D {
  let h = x;
  net.forEach((l, i) => {
    const z = tf.add(tf.matMul(h, l.w), l.b) as Tensor2D;
    h = i < net.length - 1 ? tf.relu(z) : z;
  });
  return h;
}

export function createCritic(tf: Tf, dx: number, dy: number, shape: CriticShape, rng: RandomStream): Critic {
  if (shape.separable) {
    const g = mlp(tf, dx, shape.embed, shape, rng);
    const h = mlp(tf, dy, shape.embed, shape, rng);
    const variables = [...g, ...h].flatMap((l) => [l.w, l.b]);
    return {
      shape,
      variables,
      scores: (x, y) => tf.matMul(forward(tf, g, x), forward(tf, h, y), false, true),
      dispose: () => variables.forEach((v) => v.dispose()),
    };
  }
  const net = mlp(tf, dx + dy, 1, shape, rng);
  const variables = net.flatMap((l) => [l.w, l.b]);
  return {
    shape,
    variables,
    scores(x, y) {
      const [bx, by] = [x.shape[0], y.shape[0]];
      // row i·b_y + j is [x_i, y_j]
      const xs = tf.reshape(tf.tile(tf.expandDims(x, 1), [1, by, 1]), [bx * by, dx]);
      const ys = tf.tile(y, [bx, 1]);
      return tf.reshape(forward(tf, net, tf.concat([xs, ys], 1) as Tensor2D), [bx, by]);
    },
    dispose: () => variables.forEach((v) => v.dispose()),
  };
}
