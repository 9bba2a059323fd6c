/**
 * Simulated vector-autoregressive networks with known lagged edges, for the network-inference
 * recovery test (test/job/network.test.ts) and study (bench/network.ts):
 *
 *   x_v[t] = self · x_v[t−1] + Σ_{(u → v, lag) ∈ edges} c · f(x_u[t − lag]) + noise · ε_v[t]
 *
 * with f = identity (linear) or the square coupling c·(u² − 1) (nonlinear:
 * zero linear correlation for symmetric u, so a Gaussian estimator cannot see it), ε standard
 * normal from stream(seed, 0, 97). The first 100 steps are burn-in and dropped.
 */
import type { Dataset } from '../shared/data/matrix.js';
import { stream } from '../shared/rng/index.js';

export interface VarEdge {
  source: number;
  target: number;
  lag: number;
  /** 'linear' (default) or 'square': c·(u² − 1). */
  kind?: 'linear' | 'square';
}

export interface VarNetwork {
  nodes: number;
  edges: VarEdge[];
  /** Coupling c. @default 0.5 */
  coupling?: number;
  /** Self-memory at lag 1. @default 0.4 */
  self?: number;
  /** Noise sd. @default 0.6 */
  noise?: number;
}

export function simulateVar(net: VarNetwork, n: number, seed: number): Dataset {
  const burn = 100, T = n + burn;
  const c = net.coupling ?? 0.5, a = net.self ?? 0.4, s = net.noise ?? 0.6;
  const x = Array.from({ length: net.nodes }, () => new Float64Array(T));
  const rng = stream(seed, 0, 97);
  const maxLag = net.edges.reduce((m, e) => Math.max(m, e.lag), 1);
  for (let t = 0; t < T; t++) {
    for (let v = 0; v < net.nodes; v++) {
      let val = s * rng.nextGaussian();
      if (t >= maxLag) {
        val += a * x[v]![t - 1]!;
        for (const e of net.edges) {
          if (e.target !== v) continue;
          const u = x[e.source]![t - e.lag]!;
          val += c * (e.kind === 'square' ? u * u - 1 : u);
        }
      }
      x[v]![t] = val;
    }
  }
  return { names: x.map((_, v) => `n${v}`), columns: x.map((col) => col.slice(burn)), n };
}

/** A random directed network: each node gets `inDegree` distinct sources (not itself) at random lags 1..maxLag. */
export function randomNetwork(nodes: number, inDegree: number, maxLag: number, seed: number): VarEdge[] {
  const rng = stream(seed, 1, 97);
  const edges: VarEdge[] = [];
  for (let v = 0; v < nodes; v++) {
    const others = Array.from({ length: nodes }, (_, u) => u).filter((u) => u !== v);
    for (let i = 0; i < inDegree && others.length > 0; i++) {
      const j = rng.nextInt(others.length);
      edges.push({ source: others.splice(j, 1)[0]!, target: v, lag: 1 + rng.nextInt(maxLag) });
    }
  }
  return edges;
}

/** Precision and recall of inferred (source, target, lag) triples and of (source, target) edges. */
export function recovery(truth: { source: string; target: string; lag: number }[], found: { source: string; target: string; lags: number[] }[]) {
  const t3 = new Set(truth.map((e) => `${e.source}>${e.target}@${e.lag}`));
  const f3 = new Set(found.flatMap((e) => e.lags.map((l) => `${e.source}>${e.target}@${l}`)));
  const t2 = new Set(truth.map((e) => `${e.source}>${e.target}`));
  const f2 = new Set(found.map((e) => `${e.source}>${e.target}`));
  const pr = (t: Set<string>, f: Set<string>) => {
    const hit = [...f].filter((e) => t.has(e)).length;
    return { precision: f.size ? hit / f.size : 1, recall: t.size ? hit / t.size : 1, truePositives: hit, found: f.size, true: t.size };
  };
  return { edges: pr(t2, f2), lags: pr(t3, f3) };
}
