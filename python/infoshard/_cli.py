"""Running the installed ``infoshard`` CLI: arrays go in as one ``.npy`` file, the result comes
back as the CLI's ``--json`` object plus the raw replicates from ``--replicates-out r.json``.

Why the CLI and not gRPC: the CLI is the one interface that is the same on the embedded engine
and on a cluster (``--coordinator``), validates every option with the messages users already
see, and needs no generated stubs here; the cost is one process start per call.
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import tempfile
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ._errors import error_for


def cli_command(cli: Optional[Sequence[str] | str] = None) -> List[str]:
    """The argv prefix that runs the CLI: ``cli=``, else ``$INFOSHARD_CLI``, else ``infoshard`` on PATH."""
    if cli is None:
        cli = os.environ.get("INFOSHARD_CLI")
    if cli is None:
        found = shutil.which("infoshard")
        if found is None:
            raise FileNotFoundError(
                "infoshard CLI not found: install it (npm install -g <repo>, or npm ci && npm link in the repo), "
                "or set INFOSHARD_CLI='node /path/to/dist/bin/infoshard.js', or pass cli=")
        return [found]
    return shlex.split(cli) if isinstance(cli, str) else list(cli)


def as_block(name: str, a: Any, n: Optional[int], ref: str = "x") -> np.ndarray:
    """One variable block as a float64 (N, d) array; errors name the parameter."""
    arr = np.asarray(a)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must be numeric; got dtype {arr.dtype}")
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 1-D (N,) or 2-D (N, d); got shape {np.shape(a)}")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has no columns")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} rows but {ref} has {n}")
    return arr.astype(np.float64, copy=False)


def run_job(subcommand: List[str], blocks: List[Tuple[str, np.ndarray]], options: List[str],
            cli: Optional[Sequence[str] | str] = None, replicates: bool = True,
            files: Optional[Dict[str, np.ndarray]] = None) -> Tuple[Dict[str, Any], Dict[str, np.ndarray]]:
    """Write the blocks side by side into one .npy, run ``infoshard <subcommand> --data f.npy
    --x 0,.. --y ..`` with ``--json``, and return (the JSON object, raw replicate arrays by workload).
    ``files`` are further arrays passed as their own .npy under a flag (``{'--data-q': q}``)."""
    argv = cli_command(cli)
    with tempfile.TemporaryDirectory(prefix="infoshard-") as tmp:
        data = np.ascontiguousarray(np.hstack([b for _, b in blocks]))
        path = os.path.join(tmp, "data.npy")
        np.save(path, data)
        cols: List[str] = []
        start = 0
        for flag, b in blocks:
            idx = ",".join(str(i) for i in range(start, start + b.shape[1]))
            cols += [flag, idx]
            start += b.shape[1]
        extra: List[str] = []
        for i, (flag, arr) in enumerate((files or {}).items()):
            p = os.path.join(tmp, f"file{i}.npy")
            np.save(p, np.ascontiguousarray(arr))
            extra += [flag, p]
        reps = os.path.join(tmp, "replicates.json")
        args = argv + subcommand + ["--data", path] + extra + cols + options + ["--json"]
        if replicates:
            args += ["--replicates-out", reps]
        proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            raise error_for(proc.returncode, proc.stderr)
        out = json.loads(proc.stdout)
        series: Dict[str, np.ndarray] = {}
        if replicates and os.path.exists(reps):
            with open(reps, encoding="utf-8") as f:
                # JSON numbers are written shortest-round-trip by the CLI, so float() is exact;
                # non-finite replicates are written as null
                for k, v in json.load(f).items():
                    series[k] = np.array([np.nan if x is None else x for x in v], dtype=np.float64)
        return out, series
