"""The Python client returns exactly what the CLI prints for the same data and options (same
bytes for estimate, CI, p-value and raw distributions), raises the CLI's errors as Python
exceptions with the same message, and runs on a cluster with ``coordinator=``."""
import json
import os
import re
import subprocess

import numpy as np
import pytest

import infoshard
from infoshard import cli_command


def gaussian(n, rho, seed, d=2):
    rng = np.random.default_rng(seed)
    cov = np.full((d, d), rho) + (1 - rho) * np.eye(d)
    return rng.multivariate_normal(np.zeros(d), cov, size=n)


def cli(tmp_path, data, args):
    """Run the CLI itself on `data` saved as .npy: (json, replicates dict or None, exit code, stderr)."""
    path = tmp_path / "direct.npy"
    np.save(path, np.ascontiguousarray(data, dtype=np.float64))
    reps = tmp_path / "direct-reps.json"
    want_reps = any(a in ("--bootstrap", "--permutations") for a in args)
    argv = cli_command() + args[:2] + ["--data", str(path)] + args[2:] + ["--json"] + (["--replicates-out", str(reps)] if want_reps else [])
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        return None, None, p.returncode, p.stderr
    return json.loads(p.stdout), (json.loads(reps.read_text()) if want_reps else None), 0, p.stderr


def same_bits(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and np.array_equal(a.view(np.uint64), b.view(np.uint64))


def without_timings(obj):
    return {k: v for k, v in obj.items() if k not in ("timings", "provenance")}


def test_mi_equals_the_cli_bytes(tmp_path):
    d = gaussian(600, 0.6, seed=1)
    r = infoshard.mi(d[:, 0], d[:, 1], k=4, bootstrap=120, ci="bca", permutations=99, seed=7, threads=1)
    out, reps, code, err = cli(tmp_path, d, ["estimate", "mi", "--x", "0", "--y", "1", "--k", "4", "--bootstrap", "120",
                                             "--ci", "bca", "--permutations", "99", "--seed", "7", "--threads", "1"])
    assert code == 0, err
    assert without_timings(r.raw) == without_timings(out)
    assert r.estimate == out["estimate"] and r.statistic == r.estimate
    assert r.confidence_interval == (out["ci"]["low"], out["ci"]["high"])
    assert r.confidence_interval.low < r.estimate < r.confidence_interval.high
    assert (r.ci_level, r.ci_method) == (0.95, "bca")
    assert r.pvalue == out["pValue"] == 1 / 100  # rho = 0.6, N = 600: no shuffle reaches the observed value
    assert r.bias_corrected == out["biasCorrected"]
    assert same_bits(r.bootstrap_distribution, reps["bootstrap"]) and r.bootstrap_distribution.shape == (120,)
    assert same_bits(r.null_distribution, reps["null"]) and r.null_distribution.shape == (99,)
    assert (r.measure, r.estimator, r.k, r.n, r.units) == ("mi", "ksg1", 4, 600, "nats")


def test_blocks_entropy_and_cmi_equal_the_cli(tmp_path):
    d = gaussian(400, 0.5, seed=2, d=4)
    # multi-column blocks, bits, no normalization, a non-default estimator option
    r = infoshard.mi(d[:, :2], d[:, 2:], k=3, units="bits", normalize=False, estimator="ksg2", threads=1)
    out, _, code, err = cli(tmp_path, d, ["estimate", "mi", "--x", "0,1", "--y", "2,3", "--k", "3", "--units", "bits",
                                          "--no-normalize", "--estimator", "ksg2", "--threads", "1"])
    assert code == 0, err
    assert r.estimate == out["estimate"] and r.units == "bits" and r.raw["normalize"] is False
    assert r.confidence_interval is None and r.pvalue is None and r.null_distribution is None

    h = infoshard.entropy(d[:, :2], k=3, threads=1)
    out, _, code, err = cli(tmp_path, d[:, :2], ["estimate", "entropy", "--x", "0,1", "--k", "3", "--threads", "1"])
    assert code == 0, err
    assert h.estimate == out["estimate"] and h.estimator == "kl"

    c = infoshard.cmi(d[:, 0], d[:, 1], d[:, 2:], k=4, permutations=19, seed=3, threads=1)
    out, reps, code, err = cli(tmp_path, d, ["estimate", "cmi", "--x", "0", "--y", "1", "--z", "2,3", "--k", "4",
                                             "--permutations", "19", "--seed", "3", "--threads", "1"])
    assert code == 0, err
    assert c.estimate == out["estimate"] and c.pvalue == out["pValue"]
    assert same_bits(c.null_distribution, reps["null"])


def test_te_and_divergence_equal_the_cli(tmp_path):
    rng = np.random.default_rng(5)
    n = 300
    x = np.zeros(n)
    y = np.zeros(n)
    for t in range(1, n):  # y drives x with lag 1
        y[t] = 0.5 * y[t - 1] + rng.standard_normal()
        x[t] = 0.6 * y[t - 1] + 0.3 * x[t - 1] + rng.standard_normal()
    r = infoshard.te(x, y, k=3, permutations=19, permutation_kind="shift", target_history=2, seed=4, threads=1)
    out, reps, code, err = cli(tmp_path, np.column_stack([x, y]), ["estimate", "te", "--x", "0", "--y", "1", "--k", "3", "--permutations", "19",
                                                                   "--permutation-kind", "shift", "--target-history", "2", "--seed", "4", "--threads", "1"])
    assert code == 0, err
    assert r.estimate == out["estimate"] and r.pvalue == out["pValue"] and r.raw["options"]["targetHistory"] == 2
    assert same_bits(r.null_distribution, reps["null"])

    p = rng.standard_normal((200, 2))
    q = rng.standard_normal((150, 2)) + 0.5
    d = infoshard.divergence(p, q, k=4, permutations=9, seed=2, threads=1)
    np.save(tmp_path / "q.npy", q)
    out, reps, code, err = cli(tmp_path, p, ["estimate", "divergence", "--data-q", str(tmp_path / "q.npy"), "--x", "0,1", "--k", "4",
                                             "--permutations", "9", "--seed", "2", "--threads", "1"])
    assert code == 0, err
    assert d.estimate == out["estimate"] and d.pvalue == out["pValue"] and d.n == 350
    assert same_bits(d.null_distribution, reps["null"])
    with pytest.raises(ValueError, match="q has 3 columns but p has 2"):
        infoshard.divergence(p, np.zeros((5, 3)))


def test_cli_errors_become_exceptions_with_the_same_message(tmp_path):
    d = gaussian(10, 0.5, seed=3)
    with pytest.raises(infoshard.InfoshardInputError) as e:
        infoshard.mi(d[:, 0], d[:, 1], k=20)
    _, _, code, err = cli(tmp_path, d, ["estimate", "mi", "--x", "0", "--y", "1", "--k", "20"])
    assert code == 2 and e.value.exit_code == 2
    assert err == f"infoshard: error: {e.value}\n"
    assert isinstance(e.value, ValueError)  # usable as a plain ValueError too

    with pytest.raises(infoshard.InfoshardInputError, match=r"^unknown estimator 'nope' for mi"):
        infoshard.mi(d[:, 0], d[:, 1], estimator="nope")
    with pytest.raises(infoshard.InfoshardInputError, match=r"^--bootstrap must be an integer >= 1, got '-5'$"):
        infoshard.mi(d[:, 0], d[:, 1], bootstrap=-5)


def test_bad_arguments_fail_before_any_process():
    with pytest.raises(ValueError, match="y has 9 rows but x has 10"):
        infoshard.mi(np.zeros(10), np.zeros(9))
    with pytest.raises(TypeError, match=r"unknown option bootstraps="):
        infoshard.mi(np.zeros(10), np.zeros(10), bootstraps=10)
    with pytest.raises(TypeError, match="x must be numeric"):
        infoshard.entropy(np.array(["a", "b"]))
    with pytest.raises(ValueError, match=r"x must be 1-D \(N,\) or 2-D"):
        infoshard.entropy(np.zeros((2, 2, 2)))


def test_unreachable_coordinator_is_a_connection_error():
    with pytest.raises(infoshard.InfoshardUnavailableError) as e:
        infoshard.mi(np.arange(50.0), np.arange(50.0) ** 2, coordinator="127.0.0.1:1", wait=1)
    assert e.value.exit_code == 3 and isinstance(e.value, ConnectionError)
    assert "127.0.0.1:1" in str(e.value)


@pytest.fixture
def cluster():
    """A real coordinator and one worker on loopback (ports chosen by the OS)."""
    procs = []

    def start(args):
        p = subprocess.Popen(cli_command() + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        procs.append(p)
        for line in p.stdout:
            m = re.search(r"ready .*port=(\d+)", line)
            if m:
                return int(m.group(1))
        raise RuntimeError(f"{args[0]} exited before its ready line")

    try:
        port = start(["coordinator", "--listen", "127.0.0.1:0"])
        start(["worker", "--coordinator", f"127.0.0.1:{port}", "--listen", "127.0.0.1:0", "--threads", "1"])
        yield f"127.0.0.1:{port}"
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def test_coordinator_runs_on_the_cluster_with_the_same_bytes(cluster):
    d = gaussian(500, 0.5, seed=4)
    opts = dict(k=4, bootstrap=40, permutations=39, seed=9)
    local = infoshard.mi(d[:, 0], d[:, 1], threads=1, **opts)
    remote = infoshard.mi(d[:, 0], d[:, 1], coordinator=cluster, **opts)
    assert remote.raw["provenance"]["engine"] == "cluster"
    assert remote.estimate == local.estimate and remote.pvalue == local.pvalue
    assert remote.confidence_interval == local.confidence_interval
    assert same_bits(remote.bootstrap_distribution, local.bootstrap_distribution)
    assert same_bits(remote.null_distribution, local.null_distribution)


def test_oinfo_tc_dtc_equal_the_cli_bytes(tmp_path):
    d = gaussian(400, 0.5, seed=3, d=3)
    for measure, fn, resample, key in (("oinfo", infoshard.oinfo, ["--bootstrap", "30"], "bootstrap"),
                                       ("tc", infoshard.tc, ["--permutations", "19"], "null"),
                                       ("dtc", infoshard.dtc, ["--permutations", "19"], "null")):
        kw = {"bootstrap": 30} if key == "bootstrap" else {"permutations": 19}
        r = fn(d, k=4, seed=5, threads=1, **kw)
        out, reps, code, err = cli(tmp_path, d, ["estimate", measure, "--x", "0,1,2", "--k", "4", *resample, "--seed", "5", "--threads", "1"])
        assert code == 0, err
        assert without_timings(r.raw) == without_timings(out), measure
        assert r.estimate == out["estimate"] and r.measure == measure and r.n == 400
        if key == "bootstrap":
            assert r.confidence_interval == (out["ci"]["low"], out["ci"]["high"])
            assert same_bits(r.bootstrap_distribution, reps["bootstrap"]) and r.bootstrap_distribution.shape == (30,)
        else:
            assert r.pvalue == out["pValue"]
            assert same_bits(r.null_distribution, reps["null"]) and r.null_distribution.shape == (19,)
    assert infoshard.tc(d, threads=1).estimate > 0
    with pytest.raises(ValueError, match="at least 2 columns"):
        infoshard.oinfo(d[:, 0])
    # the CLI's refusal comes back as the same message
    with pytest.raises(infoshard.InfoshardInputError, match="oinfo has no permutation test"):
        infoshard.oinfo(d, permutations=9)


def cli_many(tmp_path, data, sub, args):
    """`infoshard screen|pairwise --data f.npy ARGS --json` run directly: (json or None, exit code, stderr)."""
    path = tmp_path / "many.npy"
    np.save(path, np.ascontiguousarray(data, dtype=np.float64))
    p = subprocess.run(cli_command() + [sub, "--data", str(path)] + args + ["--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return (json.loads(p.stdout) if p.returncode == 0 else None), p.returncode, p.stderr


def screen_data(n=300, seed=4):
    rng = np.random.default_rng(seed)
    y = rng.standard_normal(n)
    X = np.column_stack([0.9 * y + rng.standard_normal(n), rng.standard_normal(n), 0.5 * y + rng.standard_normal(n), rng.standard_normal(n)])
    return X, y


def test_screen_is_a_table_equal_to_the_cli_bytes(tmp_path):
    X, y = screen_data()
    r = infoshard.screen(X, y, names=["a", "b", "c", "d"], permutations=199, seed=2, threads=1)
    out, code, err = cli_many(tmp_path, np.column_stack([X, y]), "screen", ["--features", "0,1,2,3", "--target", "4",
                                                               "--permutations", "199", "--seed", "2", "--threads", "1"])
    assert code == 0, err
    assert without_timings(r.raw) == without_timings(out)
    assert isinstance(r, list) and len(r) == 4 and all(isinstance(row, dict) for row in r)
    assert set(r[0]) == {"feature", "column", "estimate", "pvalue", "pvalue_adjusted", "selected", "null_mean"}
    # rows in the CLI's order (largest estimate first), values the CLI's, names mapped back
    for row, f in zip(r, out["features"]):
        assert row["column"] == int(f["name"]) and row["feature"] == "abcd"[row["column"]]
        assert (row["estimate"], row["pvalue"], row["pvalue_adjusted"], row["selected"], row["null_mean"]) == \
               (f["estimate"], f["pValue"], f["pAdjusted"], f["selected"], f["nullMean"])
    assert r.column("estimate") == sorted(r.column("estimate"), reverse=True)
    assert r[0]["feature"] == "a" and r.selected[:2] == ["a", "c"]
    assert (r.correction, r.alpha, r.global_pvalue, r.permutations) == ("fdr_bh", 0.05, out["globalPValue"], 199)
    # each feature's estimate is the scalar MI of that column with y (docs/screening.md)
    single = infoshard.mi(X[:, 1], y, seed=2, threads=1)
    assert [row["estimate"] for row in r if row["column"] == 1] == [single.estimate]
    a = r.to_numpy()
    assert a.dtype.names == ("feature", "column", "estimate", "pvalue", "pvalue_adjusted", "selected", "null_mean")
    assert list(a["feature"]) == r.column("feature") and same_bits(a["estimate"], r.column("estimate"))
    assert a["selected"].dtype == np.bool_ and list(a["selected"]) == r.column("selected")
    assert "ScreenResult(4 features" in repr(r)


def test_screen_cmi_options_and_errors(tmp_path):
    X, y = screen_data(200, seed=6)
    z = X[:, 3]
    r = infoshard.screen(X[:, :3], y, z=z, permutations=39, correction="maxstat", alpha=0.1, seed=1, threads=1)
    out, code, err = cli_many(tmp_path, np.column_stack([X[:, :3], y, z]), "screen", ["--features", "0,1,2", "--target", "3", "--z", "4",
                                                                          "--permutations", "39", "--correction", "maxstat", "--alpha", "0.1",
                                                                          "--seed", "1", "--threads", "1"])
    assert code == 0, err
    assert without_timings(r.raw) == without_timings(out)
    assert r.measure == "cmi" and r.correction == "maxstat" and r[0]["feature"] in ("0", "1", "2")
    with pytest.raises(ValueError, match="names has 2 entries but X has 3 columns"):
        infoshard.screen(X[:, :3], y, names=["a", "b"])
    with pytest.raises(ValueError, match="y has 10 rows but X has 200"):
        infoshard.screen(X, y[:10])
    with pytest.raises(infoshard.InfoshardInputError, match="--correction"):
        infoshard.screen(X, y, correction="nope", permutations=9)
