"""Run the tests against this checkout: the package from python/ and the CLI from dist/
(``npm run build`` first; ``npm test`` does both) unless INFOSHARD_CLI says otherwise."""
import os
import shlex
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))

if "INFOSHARD_CLI" not in os.environ:
    js = os.path.join(REPO, "dist", "bin", "infoshard.js")
    if not os.path.exists(js):
        raise RuntimeError(f"{js} not built: run `npm run build` in {REPO}, or set INFOSHARD_CLI")
    os.environ["INFOSHARD_CLI"] = f"node {shlex.quote(js)}"
