"""infoshard from Python: ``mi``, ``entropy``, ``cmi``, ``te``, ``divergence``, ``oinfo``, ``tc``, ``dtc``
and ``screen`` on NumPy arrays, with bootstrap
confidence intervals and permutation tests, embedded or on a cluster (``coordinator=``).

    >>> import numpy as np, infoshard
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal(2000); y = 0.6 * x + 0.8 * rng.standard_normal(2000)
    >>> r = infoshard.mi(x, y, k=4, bootstrap=2000, permutations=5000, seed=7)
    >>> r.estimate, r.confidence_interval.low, r.confidence_interval.high, r.pvalue

Each call runs the installed ``infoshard`` CLI once (arrays pass as one ``.npy`` file), so the
numbers are exactly the CLI's; errors raise :class:`InfoshardError` subclasses with the CLI's
message. Options are the CLI's flags with ``_`` for ``-`` (``k_values=[3, 5]`` is
``--k-values 3,5``, ``normalize=False`` is ``--no-normalize``, ``normalize=True`` ``--normalize``;
unset means the measure's default).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from ._cli import as_block, cli_command, run_job
from ._errors import (InfoshardAuthError, InfoshardCancelledError, InfoshardError, InfoshardInputError,
                      InfoshardUnavailableError)
from ._result import ConfidenceInterval, Result
from ._screen import ScreenResult

__all__ = [
    "mi", "entropy", "cmi", "te", "divergence", "oinfo", "tc", "dtc", "screen", "ScreenResult", "Result", "ConfidenceInterval", "InfoshardError", "InfoshardInputError",
    "InfoshardUnavailableError", "InfoshardAuthError", "InfoshardCancelledError", "cli_command",
]
__version__ = "0.1.0"

# keyword → kind: 'value' passes `--flag value`, 'list' joins with commas, 'switch' is a bare flag
_OPTIONS: Dict[str, str] = {
    "estimator": "value", "k": "value", "units": "value", "jitter": "value", "seed": "value",
    "backend": "value", "bootstrap": "value", "ci": "value", "level": "value", "scheme": "value",
    "subsample_m": "value", "jackknife_groups": "value", "permutations": "value",
    "permutation_kind": "value", "local_k": "value", "bagging": "value", "bagging_fraction": "value",
    "k_values": "list", "threads": "value", "max_replicates": "value", "miller_madow": "switch",
    "coordinator": "value", "token_file": "value", "coordinator_ca": "value",
    "coordinator_server_name": "value", "tls_cert": "value", "tls_key": "value", "wait": "value",
    # transfer entropy embedding
    "target_history": "value", "target_delay": "value", "source_history": "value", "source_delay": "value",
    "delay": "value", "cond_history": "value", "cond_delay": "value",
    # screen: multiple-testing control
    "correction": "value", "alpha": "value",
}


def _flags(options: Dict[str, Any]) -> List[str]:
    out: List[str] = []
    for name, value in options.items():
        if name == "normalize":
            if value is not None:
                out.append("--normalize" if value else "--no-normalize")
            continue
        kind = _OPTIONS.get(name)
        if kind is None:
            known = ", ".join(sorted([*_OPTIONS, "normalize", "cli"]))
            raise TypeError(f"unknown option {name}= (known: {known})")
        if value is None or value is False:
            continue
        flag = "--" + name.replace("_", "-")
        if kind == "switch":
            out.append(flag)
        elif kind == "list":
            out += [flag, ",".join(str(v) for v in (value if isinstance(value, (list, tuple, np.ndarray)) else [value]))]
        else:
            if isinstance(value, bool):
                raise TypeError(f"{name}= takes a value, not {value}")
            out += [flag, repr(value) if isinstance(value, float) else str(value)]
    return out


def _run(measure: str, blocks: List[tuple], options: Dict[str, Any], files: Optional[Dict[str, np.ndarray]] = None) -> Result:
    cli: Optional[Sequence[str] | str] = options.pop("cli", None)
    flags = _flags(options)
    resampled = bool(options.get("bootstrap")) or bool(options.get("permutations"))
    out, series = run_job(["estimate", measure], blocks, flags, cli=cli, replicates=resampled, files=files)
    return Result.from_cli(out, series)


def mi(x: Any, y: Any, **options: Any) -> Result:
    """Mutual information I(X; Y) (default estimator ksg1); x and y are (N,) or (N, d) arrays."""
    bx = as_block("x", x, None)
    return _run("mi", [("--x", bx), ("--y", as_block("y", y, bx.shape[0]))], options)


def entropy(x: Any, **options: Any) -> Result:
    """Differential entropy H(X) (default estimator kl) of an (N,) or (N, d) array."""
    return _run("entropy", [("--x", as_block("x", x, None))], options)


def cmi(x: Any, y: Any, z: Any, **options: Any) -> Result:
    """Conditional mutual information I(X; Y | Z) (ksg_cmi; local permutation test by default)."""
    bx = as_block("x", x, None)
    n = bx.shape[0]
    return _run("cmi", [("--x", bx), ("--y", as_block("y", y, n)), ("--z", as_block("z", z, n))], options)


def te(target: Any, source: Any, z: Any = None, **options: Any) -> Result:
    """Transfer entropy TE(source → target) = I(target_{t+1}; source_past | target_past [, z_past])
    of time series in rows (estimator ksg); embedding by ``target_history=``, ``source_history=``,
    ``delay=`` ...; permutation surrogates shuffle or shift the source past."""
    bt = as_block("target", target, None)
    n = bt.shape[0]
    blocks = [("--x", bt), ("--y", as_block("source", source, n, "target"))]
    if z is not None:
        blocks.append(("--z", as_block("z", z, n, "target")))
    return _run("te", blocks, options)


def divergence(p: Any, q: Any, **options: Any) -> Result:
    """Kullback–Leibler divergence D(P‖Q) between two samples with the same columns, (N, d) and
    (M, d) (estimator kl); the permutation test relabels the pooled sample."""
    bp = as_block("p", p, None)
    bq = as_block("q", q, None)
    if bq.shape[1] != bp.shape[1]:
        raise ValueError(f"q has {bq.shape[1]} columns but p has {bp.shape[1]}")
    return _run("divergence", [("--x", bp)], options, files={"--data-q": bq})


def _multivariate(measure: str, X: Any, options: Dict[str, Any]) -> Result:
    bx = as_block("X", X, None)
    if bx.shape[1] < 2:
        raise ValueError(f"X needs at least 2 columns (variables) for {measure}; got {bx.shape[1]}")
    return _run(measure, [("--x", bx)], options)


def oinfo(X: Any, **options: Any) -> Result:
    """O-information Ω = TC − DTC of the columns of an (N, d) array, d ≥ 2 (> 0: redundancy
    dominates, < 0: synergy); estimator ksg."""
    return _multivariate("oinfo", X, options)


def tc(X: Any, **options: Any) -> Result:
    """Total correlation (multi-information) TC = Σ H(X_d) − H(X) of the columns of an (N, d) array."""
    return _multivariate("tc", X, options)


def dtc(X: Any, **options: Any) -> Result:
    """Dual total correlation DTC = H(X) − Σ H(X_d | X_rest) of the columns of an (N, d) array."""
    return _multivariate("dtc", X, options)


def screen(X: Any, y: Any, z: Any = None, names: Optional[Sequence[str]] = None, **options: Any) -> ScreenResult:
    """Screen every column of X (N, F) against the target y ((N,) or (N, d)): I(X_f; y), or
    I(y; X_f | z) given ``z=``, with permutation p-values shared by all features and
    multiple-testing control (``correction='fdr_bh'|'fdr_by'|'maxstat'|'holm'|'none'``,
    ``alpha=0.05``; ``permutations=`` defaults to the CLI's 1000). ``names`` labels the columns
    of X (default ``'0'``, ``'1'``, ...). Returns a :class:`ScreenResult`: a list of dict rows
    ranked by estimate, ready for ``pandas.DataFrame(result)``; ``result.to_numpy()`` gives a
    structured array. Runs ``infoshard screen --json`` once (docs/screening.md)."""
    bx = as_block("X", X, None)
    n, F = bx.shape
    if names is None:
        labels = [str(i) for i in range(F)]
    else:
        labels = [str(v) for v in names]
        if len(labels) != F:
            raise ValueError(f"names has {len(labels)} entries but X has {F} columns")
    blocks = [("--features", bx), ("--target", as_block("y", y, n, "X"))]
    if z is not None:
        blocks.append(("--z", as_block("z", z, n, "X")))
    cli: Optional[Sequence[str] | str] = options.pop("cli", None)
    out, _ = run_job(["screen"], blocks, _flags(options), cli=cli, replicates=False)
    return ScreenResult.from_cli(out, labels)
