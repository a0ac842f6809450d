"""The walkthrough notebook runs top to bottom (nbclient, kernel python3, no network)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "walkthrough.ipynb"


#: Run first in the kernel: any Python socket connecting beyond the loopback fails.
NO_NETWORK = """
import socket as _socket
_connect = _socket.socket.connect
def _loopback_only(self, address, *args):
    if self.family in (_socket.AF_INET, _socket.AF_INET6) and address[0] not in (
            "127.0.0.1", "::1", "localhost"):
        raise OSError(f"the notebook tried to reach the network: {address}")
    return _connect(self, address, *args)
_socket.socket.connect = _loopback_only
"""


def _text(cell: dict) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []))


def test_walkthrough_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    # The kernel is a child process: let it import this checkout of kg.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(NO_NETWORK))
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=600,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    _, build, top, sharing, similar, results, query, plot, view = [
        c for c in nb.cells if c.cell_type == "code"]
    # 1. the build summary of the bundled listings
    assert re.search(r"^369 papers, \d+ entities, \d+ links", _text(build), re.M)
    # 2. the API: top models and datasets, papers sharing a dataset, similar papers
    assert re.search(r"Model\n +\d+  \S", _text(top)) and "Dataset\n" in _text(top)
    assert re.search(r"is named by \d+ papers:\n", _text(sharing))
    assert _text(similar).startswith("Papers like:") and "[" in _text(similar)
    # reported results: "score    85.8% top-1 accuracy on ImageNet-1K by MR-MAE base",
    # "change   +2.2% top-1 accuracy on ImageNet-1K by MR-MAE base vs MAE"
    rows = re.findall(r"^(score|change) +[+\-−]?[\d.]+\S* +\S.* on .* by .*$", _text(results), re.M)
    assert len(rows) == 8 and "change" in rows
    # 3. SPARQL rows
    assert len(re.findall(r"^ *\d+  \S", _text(query), re.M)) >= 2
    # 4. one plot
    assert [o for o in plot.outputs if "image/png" in o.get("data", {})]
    # 5. the inline view: a self-contained page in an iframe
    html = [o["data"]["text/html"] for o in view.outputs if "text/html" in o.get("data", {})]
    assert html and html[0].startswith("<iframe srcdoc=") and "vis-network" in html[0]
