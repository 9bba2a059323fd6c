"""The result of :func:`infoshard.screen`: a table with one row per feature, ranked by estimate.

It is a ``list`` of plain ``dict`` rows, so ``pandas.DataFrame(result)`` gives a data frame
without this package needing pandas; :meth:`ScreenResult.to_numpy` gives a NumPy structured
array. The numbers are the CLI's ``screen --json`` values, unchanged.
"""
from __future__ import annotations

from typing import Any, Dict, List, Sequence

import numpy as np

COLUMNS = ("feature", "column", "estimate", "pvalue", "pvalue_adjusted", "selected", "null_mean")


class ScreenResult(list):
    """Rows ``{'feature', 'column', 'estimate', 'pvalue', 'pvalue_adjusted', 'selected',
    'null_mean'}`` sorted by estimate (largest first, as the CLI prints them); ``column`` is the
    feature's column index in ``X``. Attributes: ``selected`` (names of the selected features),
    ``correction``, ``alpha``, ``global_pvalue`` (the max-statistic test that no feature is
    dependent), ``measure``, ``estimator``, ``k``, ``n``, ``units``, ``permutations``,
    ``warnings`` and ``raw`` (the CLI's JSON object)."""

    raw: Dict[str, Any]

    @classmethod
    def from_cli(cls, out: Dict[str, Any], names: Sequence[str]) -> "ScreenResult":
        # the CLI names the .npy's feature columns "0", "1", ... (their index in X)
        rows = cls()
        for f in out["features"]:
            col = int(f["name"])
            rows.append({
                "feature": names[col], "column": col, "estimate": f["estimate"], "pvalue": f["pValue"],
                "pvalue_adjusted": f["pAdjusted"], "selected": bool(f["selected"]), "null_mean": f["nullMean"],
            })
        rows.raw = out
        rows.selected = [names[int(s)] for s in out["selected"]]
        rows.correction = out["correction"]
        rows.alpha = out["alpha"]
        rows.global_pvalue = out.get("globalPValue")
        for key in ("measure", "estimator", "k", "n", "units", "permutations", "warnings"):
            setattr(rows, key, out.get(key))
        return rows

    def to_numpy(self) -> np.ndarray:
        """The table as a structured array (fields as the dict keys)."""
        width = max([1] + [len(r["feature"]) for r in self])
        dtype = [("feature", f"U{width}"), ("column", np.int64), ("estimate", np.float64), ("pvalue", np.float64),
                 ("pvalue_adjusted", np.float64), ("selected", np.bool_), ("null_mean", np.float64)]
        return np.array([tuple(r[c] for c in COLUMNS) for r in self], dtype=dtype)

    def column(self, name: str) -> List[Any]:
        """One column of the table as a list (``r.column('estimate')``)."""
        return [row[name] for row in self]

    def __repr__(self) -> str:
        head = f"ScreenResult({len(self)} features, {len(self.selected)} selected at {self.correction} alpha {self.alpha})"
        lines = [head] + [f"  {r['feature']:<16} {r['estimate']:>10.4g} p={r['pvalue']:.4g} p_adj={r['pvalue_adjusted']:.4g}{' *' if r['selected'] else ''}" for r in self[:10]]
        if len(self) > 10:
            lines.append(f"  ... {len(self) - 10} more")
        return "\n".join(lines)
