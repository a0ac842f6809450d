"""`kg view DIR` and `kg build` write the views of a real output directory."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kg.cli import cli

from .conftest import FixtureGraph


def test_kg_view_rewrites_the_views_of_a_build(tmp_path: Path, graph: FixtureGraph) -> None:
    from kg.export import write_outputs
    from kg.graph import KnowledgeGraph

    real = KnowledgeGraph(graph.papers(), graph.entities(), graph.links(), [])
    out = tmp_path / "out"
    files = write_outputs(real, out)
    assert "html/index.html" in files and "html/ego.html" in files
    (out / "html" / "graph.html").unlink()
    result = CliRunner().invoke(cli, ["view", str(out), "--top", "10"])
    assert result.exit_code == 0, result.output
    assert "8 HTML files written" in result.output
    graph_html = (out / "html" / "graph.html").read_text(encoding="utf-8")
    assert "Showing the 10 best-connected of 19 nodes." in graph_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (out / "html" / "index.html").read_text()
