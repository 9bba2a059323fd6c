"""The result object, shaped like scipy.stats' bootstrap / permutation_test results."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, NamedTuple, Optional

import numpy as np


def _f(v: Any) -> float:
    """A JSON number as float; the CLI writes a non-finite value as null (JSON has no NaN)."""
    return float("nan") if v is None else float(v)


class ConfidenceInterval(NamedTuple):
    low: float
    high: float


@dataclass(frozen=True)
class Result:
    """One estimate. ``confidence_interval``/``bootstrap_distribution`` exist with ``bootstrap=``,
    ``pvalue``/``null_distribution`` with ``permutations=``; otherwise they are None.
    ``raw`` is the CLI's whole ``--json`` object (timings, provenance, null quantiles, ...)."""

    estimate: float
    units: str
    measure: str
    estimator: str
    k: Optional[int]
    n: int
    confidence_interval: Optional[ConfidenceInterval]
    ci_level: Optional[float]
    ci_method: Optional[str]
    pvalue: Optional[float]
    bias_corrected: Optional[float]
    # not in repr: thousands of values would drown the summary
    bootstrap_distribution: Optional[np.ndarray] = field(repr=False)
    null_distribution: Optional[np.ndarray] = field(repr=False)
    warnings: List[str]
    raw: Dict[str, Any] = field(repr=False)

    @property
    def statistic(self) -> float:
        """scipy's name for the observed value (``permutation_test(...).statistic``)."""
        return self.estimate

    @classmethod
    def from_cli(cls, out: Dict[str, Any], series: Dict[str, np.ndarray]) -> "Result":
        ci = out.get("ci")
        return cls(
            estimate=_f(out["estimate"]),
            units=out["units"],
            measure=out["measure"],
            estimator=out["estimator"],
            k=out.get("k"),
            n=int(out["n"]),
            confidence_interval=ConfidenceInterval(_f(ci["low"]), _f(ci["high"])) if ci else None,
            ci_level=float(ci["level"]) if ci else None,
            ci_method=ci["method"] if ci else None,
            pvalue=_f(out["pValue"]) if "pValue" in out else None,
            bias_corrected=_f(out["biasCorrected"]) if "biasCorrected" in out else None,
            bootstrap_distribution=series.get("bootstrap"),
            null_distribution=series.get("null"),
            warnings=list(out.get("warnings", [])),
            raw=out,
        )
