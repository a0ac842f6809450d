"""The walkthrough notebook runs top to bottom (nbclient, kernel python3, no network)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.errors import ExtractError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "walkthrough.ipynb"


def _pipeline_missing() -> str | None:
    """Why the build pipeline cannot run yet, or ``None`` (stages land separately)."""
    try:
        import kg.graph  # noqa: F401
        import kg.query  # noqa: F401
        import kg.resolve  # noqa: F401
        from kg.extract.pipeline import default_pipeline

        default_pipeline()
    except ImportError as err:
        return f"a pipeline stage is not importable yet: {err}"
    except ExtractError as err:  # the trained NER model is not in the package yet
        return f"the extraction model is not available yet: {err}"
    return None


def test_walkthrough_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    missing = _pipeline_missing()
    if missing:
        pytest.skip(missing)
    # The kernel is a child process: let it import this checkout of kg.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=600,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = {i: cell.get("outputs", []) for i, cell in enumerate(nb.cells)
               if cell.cell_type == "code"}
    text = "\n".join(o.get("text", "") for outs in outputs.values() for o in outs)
    assert "papers," in text and "entities," in text      # the build summary
    assert "Model" in text and "Dataset" in text           # the top entities
    assert "Papers like:" in text                          # similar papers
    images = [o for outs in outputs.values() for o in outs
              if "image/png" in o.get("data", {})]
    assert len(images) == 1                                # the plot
    last = outputs[max(outputs)]
    assert any("text/html" in o.get("data", {}) and "<iframe srcdoc=" in o["data"]["text/html"]
               for o in last)                              # the inline view
