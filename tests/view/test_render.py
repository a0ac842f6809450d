"""The HTML pages: self-contained, escaped, and written where kg expects them."""

from __future__ import annotations

import json
import re
import sys
import types
from pathlib import Path

import pytest

from kg.errors import OutputError
from kg.view import pages, render, write_html, write_views
from kg.view.model import Records

from .conftest import FixtureGraph, load_fixture_graph

PAGES = ["index.html", "graph.html", "methods.html", "models.html", "datasets.html",
         "metrics.html", "tasks.html", "ego.html"]


@pytest.fixture(scope="module")
def html() -> dict[str, str]:
    return pages(Records.from_graph(load_fixture_graph()))


def page_data(text: str) -> dict:
    found = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', text, re.S)
    assert found, "no data block"
    return json.loads(found.group(1))


def test_script_json_cannot_close_its_element() -> None:
    value = {"t": "</script><!-- & <img src=x onerror=alert(1)> \u2028"}
    text = render.script_json(value)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value


def test_every_page_is_written(html: dict[str, str]) -> None:
    assert list(html) == PAGES


def test_no_external_resource(html: dict[str, str]) -> None:
    for name, text in html.items():
        attrs = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", text)
        for value in attrs:
            assert not re.match(r"(?i)(https?:|//|ftp:)", value), f"{name}: {value}"
        assert "cdn.jsdelivr" not in text and "cdnjs" not in text, name
        assert "bootstrap" not in text.lower(), name
        assert "sourceMappingURL" not in text, name
        assert "Content-Security-Policy" in text, name


def test_vis_network_is_inlined(html: dict[str, str]) -> None:
    js, _ = render.vis_assets()
    for name in PAGES[1:]:
        assert js[:2000] in html[name], name
        assert "<script src" not in html[name]


def test_injection_stays_text(html: dict[str, str]) -> None:
    for name, text in html.items():
        assert "<script>alert(1)</script>" not in text, name
        assert "<img src=x onerror" not in text, name
        assert "<b onmouseover" not in text, name
        assert "</script><!--<b>" not in text, name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html["index.html"]
    data = page_data(html["graph.html"])
    titles = {d["title"] for d in data["info"].values()}
    assert {"<script>alert(1)</script>", "<img src=x onerror=alert(1)>"} <= titles
    # Node records carry no HTML tooltip: the page builds tooltips with textContent.
    for node in data["scenes"]["graph"]["nodes"]:
        assert "title" not in node


def test_scenes_are_pyvis_records(html: dict[str, str]) -> None:
    data = page_data(html["graph.html"])
    node = next(n for n in data["scenes"]["graph"]["nodes"] if n["id"] == "d:gsm8k")
    assert node["shape"] == "triangle" and node["group"] == "Dataset"
    assert node["degree"] == 3 and node["value"] == 1.732 and isinstance(node["x"], float)
    assert data["options"]["physics"]["enabled"] is False
    assert data["options"]["groups"]["Dataset"]["color"]["background"] == "#3aa55d"
    ego = page_data(html["ego.html"])
    assert "d:gsm8k" in ego["scenes"] and ego["scenes"]["d:gsm8k"]["center"] == "d:gsm8k"


def test_index_links_into_every_view(html: dict[str, str]) -> None:
    index = html["index.html"]
    for name in PAGES[1:]:
        assert f'href="{name}"' in index
    assert 'href="ego.html#d%3Agsm8k"' in index


def test_write_html_into_a_build_directory(tmp_path: Path, graph: FixtureGraph) -> None:
    names = write_html(graph, tmp_path)
    assert names == [f"html/{p}" for p in PAGES]
    assert all((tmp_path / n).stat().st_size > 0 for n in names)


def _fake_graph_module(monkeypatch: pytest.MonkeyPatch, graph: FixtureGraph | None) -> None:
    class KnowledgeGraph:
        @classmethod
        def from_directory(cls, directory: Path) -> FixtureGraph:
            if graph is None:
                raise OutputError("boom")
            return graph

    module = types.ModuleType("kg.graph")
    module.KnowledgeGraph = KnowledgeGraph  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kg.graph", module)


def test_write_views_replaces_html_atomically(tmp_path: Path, graph: FixtureGraph,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_graph_module(monkeypatch, graph)
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "stale.html").write_text("old")
    names = write_views(tmp_path, top=5)
    assert sorted(p.name for p in (tmp_path / "html").iterdir()) == sorted(PAGES)
    assert names == [f"html/{p}" for p in PAGES]
    assert [p.name for p in tmp_path.iterdir()] == ["html"]  # no temporary folder left
    note = page_data((tmp_path / "html" / "graph.html").read_text())["scenes"]["graph"]["note"]
    assert note.startswith("Showing the 5 best-connected of 19 nodes.")


def test_write_views_keeps_the_old_views_on_error(tmp_path: Path, graph: FixtureGraph,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_graph_module(monkeypatch, graph)
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "index.html").write_text("old")

    def broken(*args: object, **kwargs: object) -> dict[str, str]:
        raise OSError("disk full")

    monkeypatch.setattr("kg.view.write._pages", broken)  # the pages, one at a time
    with pytest.raises(OutputError, match="disk full"):
        write_views(tmp_path)
    assert (tmp_path / "html" / "index.html").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["html"]


def test_bad_top_is_a_usage_error(graph: FixtureGraph) -> None:
    from kg.errors import UsageError

    with pytest.raises(UsageError, match="--top"):
        pages(Records.from_graph(graph), top=0)


def test_ego_html_is_one_page_for_one_node(graph: FixtureGraph) -> None:
    from kg.errors import UsageError
    from kg.view import ego_html

    text = ego_html(graph, "d:gsm8k")
    data = page_data(text)
    assert list(data["scenes"]) == ["d:gsm8k"] and data["default"] == "d:gsm8k"
    assert {n["id"] for n in data["scenes"]["d:gsm8k"]["nodes"]} >= {"d:gsm8k", "p1", "p2", "p6"}
    with pytest.raises(UsageError, match="'nope'"):
        ego_html(graph, "nope")
