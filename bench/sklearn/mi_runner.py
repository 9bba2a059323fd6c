#!/usr/bin/python3
"""scikit-learn side of one infoshard benchmark case (line protocol: bench/protocol.ts).

    /usr/bin/python3 bench/sklearn/mi_runner.py '<CaseSpec JSON>'

Timed calls are the public ``sklearn.feature_selection.mutual_info_regression`` (what a user
would loop over): it scales every column by its std with ``scale(with_mean=False)`` (numpy's
default ddof = 0), adds 1e-10 * max(1, mean|x|) Gaussian noise, runs KSG algorithm 1 on
each feature against y separately (``_compute_mi_cc``) and clips negative estimates to 0.
``exact_mi_cc`` below is the same computation without the noise and the clip, for the
agreement check only.
"""
import json
import resource
import sys
import time

import numpy as np
from scipy.special import digamma
from sklearn.feature_selection import mutual_info_regression
from sklearn.neighbors import KDTree, NearestNeighbors


def exact_mi_cc(x, y, k):
    """sklearn 1.2 ``_compute_mi_cc`` (KSG-1, max-norm) without the max(0, .) clip."""
    n = x.size
    x = x.reshape((-1, 1))
    y = y.reshape((-1, 1))
    xy = np.hstack((x, y))
    nn = NearestNeighbors(metric="chebyshev", n_neighbors=k)
    nn.fit(xy)
    radius = nn.kneighbors()[0]
    radius = np.nextafter(radius[:, -1], 0)
    nx = np.array(KDTree(x, metric="chebyshev").query_radius(x, radius, count_only=True)) - 1.0
    ny = np.array(KDTree(y, metric="chebyshev").query_radius(y, radius, count_only=True)) - 1.0
    return float(digamma(n) + digamma(k) - np.mean(digamma(nx + 1)) - np.mean(digamma(ny + 1)))


def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Case:
    def __init__(self, spec):
        self.spec = spec
        d = np.load(spec["dataPath"])
        dx = spec["dx"]
        self.X = np.ascontiguousarray(d[:, :dx])
        self.y = np.ascontiguousarray(d[:, dx])
        self.rows = np.load(spec["rowsPath"]) if spec.get("rowsPath") else None
        self.k = spec["k"]
        self.seed = spec["seed"]
        self.last_values = None
        self.last_replicates = None

    def mi(self, X, y):
        return mutual_info_regression(X, y, n_neighbors=self.k, random_state=self.seed)

    def run(self):
        kind = self.spec["kind"]
        t = time.perf_counter()
        values = self.mi(self.X, self.y)
        reps = None
        if kind == "bootstrap":
            reps = [float(self.mi(self.X[idx], self.y[idx])[0]) for idx in self.rows]
        elif kind == "permutation":
            reps = [float(self.mi(self.X, self.y[perm])[0]) for perm in self.rows]
        ms = (time.perf_counter() - t) * 1000
        self.last_values = [float(v) for v in values]
        self.last_replicates = reps
        return {"ms": ms, "values": self.last_values}

    def agree(self):
        if self.last_values is None:
            self.run()
        # columns scaled once, as sklearn does (ddof = 0); no noise, no clip
        sd = self.X.std(axis=0)
        xs = self.X / sd
        ys = self.y / self.y.std()
        out = {"values": self.last_values, "exact": [exact_mi_cc(xs[:, j], ys, self.k) for j in range(xs.shape[1])]}
        a = int(self.spec.get("agreeReplicates") or 0)
        if self.last_replicates is not None and a > 0:
            out["replicates"] = self.last_replicates[:a]
            if self.spec["kind"] == "bootstrap":
                out["replicatesExact"] = [exact_mi_cc(xs[idx, 0], ys[idx], self.k) for idx in self.rows[:a]]
            else:
                out["replicatesExact"] = [exact_mi_cc(xs[:, 0], ys[perm], self.k) for perm in self.rows[:a]]
        return out


def main():
    spec = json.loads(sys.argv[1])
    case = Case(spec)
    base = rss_kb()
    for line in sys.stdin:
        try:
            op = json.loads(line)["op"]
            if op == "run":
                reply = case.run()
            elif op == "warmup":
                t = time.perf_counter()
                case.mi(case.X, case.y)
                reply = {"ms": (time.perf_counter() - t) * 1000}
            elif op == "agree":
                reply = case.agree()
            elif op == "quit":
                reply = {"maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "baseRssKb": base}
            else:
                reply = {"error": "unknown op " + op}
        except Exception as e:  # reported to the Node side, which fails the case loudly
            reply = {"error": "%s: %s" % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
        if op == "quit":
            break


if __name__ == "__main__":
    main()
