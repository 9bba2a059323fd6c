"""The scikit-learn screening loop for bench/workloads.ts: what a user writes to screen features
with permutation p-values, one mutual_info_regression call per (feature, permutation).

    python3 screen_loop.py data.npy calls k     -> prints JSON {"calls": c, "seconds": s}

data.npy: N x (1 + F) float64, column 0 the target. The first `calls` (feature, replicate)
pairs in feature-major order are timed: replicate 0 is the observed target, r >= 1 a
permutation of it (numpy default_rng(r)). Single-threaded (OMP/BLAS pinned by the caller).
"""
import json
import sys
import time

import numpy as np
from sklearn.feature_selection import mutual_info_regression

path, calls, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = np.load(path)
y, X = data[:, 0], data[:, 1:]
P = max(1, calls // X.shape[1] + 1)
t0 = time.perf_counter()
done = 0
for f in range(X.shape[1]):
    for r in range(calls):
        if done >= calls:
            break
        yr = y if r == 0 else y[np.random.default_rng(r).permutation(len(y))]
        mutual_info_regression(X[:, [f]], yr, n_neighbors=k, random_state=0)
        done += 1
    if done >= calls:
        break
print(json.dumps({"calls": done, "seconds": time.perf_counter() - t0}))
