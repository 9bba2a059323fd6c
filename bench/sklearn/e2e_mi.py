"""End-to-end reference for bench/e2e.ts: what a scikit-learn user runs for one MI estimate.

    python3 e2e_mi.py data.csv k     -> prints the estimate (nats)

Process start + imports + numpy.loadtxt of a header,x,y CSV + mutual_info_regression (KSG,
n_neighbors = k, its own scaling and 1e-10 noise, fixed random_state).
"""
import sys

import numpy as np
from sklearn.feature_selection import mutual_info_regression

path, k = sys.argv[1], int(sys.argv[2])
data = np.loadtxt(path, delimiter=",", skiprows=1)
mi = mutual_info_regression(data[:, :1], data[:, 1], n_neighbors=k, random_state=0)
print(float(mi[0]))
