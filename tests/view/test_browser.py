"""The views in a real browser: headless Chromium (Debian package) driven by playwright.

Every page opens from file:// with no console error and no request beyond file://; the
search box finds a node; a click opens the side panel; the injection fixture runs no
script. Screenshots go to ``artifacts/screenshots/`` (kept by CI as artifacts).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.view import write_html

from .conftest import load_fixture_graph, synthetic_graph

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PAGES = ["index.html", "graph.html", "methods.html", "models.html", "datasets.html",
         "metrics.html", "tasks.html", "ego.html"]

#: Runs before any page script: records alerts and any script the data might inject.
TRAP = """
window.__alerts = [];
window.alert = window.confirm = window.prompt = function (m) { window.__alerts.push(String(m)); };
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright  # a test dependency: no skip without it

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("views")
    write_html(load_fixture_graph(), out)
    return out / "html"


class Watched:
    """A page with every request, console error, page error and dialog recorded."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.add_init_script(TRAP)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)

    def _route(self, route: Any) -> None:
        url = route.request.url
        self.requests.append(url)
        if url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, url: str) -> Any:
        self.page.goto(url)
        if not url.split("#")[0].endswith("index.html"):
            self.page.wait_for_selector("body[data-ready='1']", timeout=30000)
        return self.page

    def assert_clean(self) -> None:
        outside = [u for u in self.requests if not u.startswith("file://")]
        assert outside == [], f"requests beyond file://: {outside}"
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.dialogs == [] and self.page.evaluate("window.__alerts") == []


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    w = Watched(browser)
    yield w
    w.context.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


@pytest.mark.parametrize("name", PAGES)
def test_page_opens_offline_without_errors(watched: Watched, site: Path, name: str) -> None:
    page = watched.open((site / name).as_uri())
    if name != "index.html":
        assert page.evaluate("window.kgView.nodes.length") > 0
        assert page.evaluate("window.kgView.firstDrawMs") > 0
    shot(page, f"fixture-{name.replace('.html', '')}.png")
    watched.assert_clean()
    assert all(u.startswith((site.as_uri(), "file://")) for u in watched.requests)


def test_search_finds_a_node(watched: Watched, site: Path) -> None:
    page = watched.open((site / "graph.html").as_uri())
    page.fill("#search", "gsm")
    assert page.locator("#results li").first.inner_text().strip().endswith("GSM8K")
    page.press("#search", "Enter")
    page.wait_for_selector("#panel:not([hidden])")
    assert page.inner_text("#panel-title") == "GSM8K"
    assert page.evaluate("window.kgView.network.getSelectedNodes()") == ["d:gsm8k"]
    # Aliases are searched too.
    page.fill("#search", "ImageNet-1k")
    assert page.locator("#results li").count() == 1
    page.fill("#search", "no such thing")
    assert page.inner_text("#results") == "No match"
    watched.assert_clean()


def open_panel(page: Any, query: str) -> None:
    """Search for ``query`` and open the side panel of the first match (Enter)."""
    page.fill("#search", query)
    page.press("#search", "Enter")
    page.wait_for_selector("#panel:not([hidden])")


def click_node(page: Any, node: str) -> None:
    """Click the canvas where ``node`` is drawn."""
    xy = page.evaluate(
        """(id) => { const n = window.kgView.network;
                     return n.canvasToDOM(n.getPositions([id])[id]); }""", node)
    box = page.locator("#network").bounding_box()
    page.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])


def test_click_opens_the_panel_with_the_evidence(watched: Watched, site: Path) -> None:
    page = watched.open((site / "graph.html").as_uri())
    page.evaluate("window.kgView.network.moveTo({scale: 1.5, position: "
                  "window.kgView.network.getPositions(['p1']).p1, animation: false})")
    click_node(page, "p1")
    page.wait_for_selector("#panel:not([hidden])")
    assert page.inner_text("#panel-title") == "LoRA adapters for large language models"
    marks = page.locator("#panel .abstract mark").all_inner_texts()
    assert marks == ["QuickLoRA", "LLaMA-2", "GSM8K", "accuracy", "MMLU"]
    assert "https://github.com/example/quicklora" in page.inner_text("#panel .urls")
    # The selection dims what is not linked to it, until the panel closes.
    opacity = "window.kgView.nodes.get('{}').opacity"
    assert page.evaluate(opacity.format("d:gsm8k")) == 1
    assert page.evaluate(opacity.format("mo:vit22b")) < 0.5
    page.click("#panel-close")
    assert page.evaluate(opacity.format("mo:vit22b")) == 1
    click_node(page, "p1")
    # A linked entity in the panel selects that node.
    page.get_by_role("button", name="◆ LLaMA-2").click()
    assert page.inner_text("#panel-title") == "LLaMA-2"
    assert "Llama 2 · LLaMA2" in page.inner_text("#panel .aliases")
    shot(page, "fixture-graph-panel.png")
    watched.assert_clean()


def test_a_paper_panel_lists_its_reported_results(watched: Watched, site: Path) -> None:
    page = watched.open((site / "graph.html").as_uri())
    open_panel(page, "Vision transformers at scale")
    assert page.inner_text("#panel-title") == "Vision transformers at scale"
    assert "Results (1)" in page.inner_text("#panel")
    row = page.inner_text("#panel ul.results > li")
    assert row.startswith("90.4%") and "accuracy" in row and "on" in row
    assert "ImageNet" in row and "ViT-22B" in row
    # the result's dataset is a node of the page: clicking it selects it
    page.locator("#panel ul.results").get_by_role("button", name="ImageNet").click()
    assert page.inner_text("#panel-title") == "ImageNet"
    watched.assert_clean()


def test_an_entity_panel_lists_the_results_naming_it(watched: Watched, site: Path) -> None:
    page = watched.open((site / "graph.html").as_uri())
    open_panel(page, "accuracy")
    assert page.inner_text("#panel-title") == "accuracy"
    assert "Results (4)" in page.inner_text("#panel")
    rows = page.locator("#panel ul.results > li").all_inner_texts()
    assert [row.split(" ")[0] for row in rows] == ["86.4%", "61.2%", "92.0%", "90.4%"]
    # each row names the metric, dataset, entity and paper, the same look as a paper's
    assert rows[2].startswith("92.0% ★ accuracy on ▲ GSM8K · ◆ GPT-4 — ■ Chain-of-thought")
    # a paper title made of markup stays text
    assert "<img src=x onerror=alert(1)>" in rows[0]
    assert page.evaluate("document.querySelectorAll('#panel img').length") == 0
    assert page.locator("#panel ul.results .value").count() == 4
    # the paper of a result is a node of the page: clicking it opens its panel
    page.locator("#panel ul.results").get_by_role(
        "button", name="Chain-of-thought prompting revisited").click()
    assert page.inner_text("#panel-title") == "Chain-of-thought prompting revisited"
    assert page.evaluate("window.kgView.network.getSelectedNodes()") == ["p6"]
    # and its entity opens the model's panel, with the model's two results
    page.locator("#panel ul.results").get_by_role("button", name="GPT-4").click()
    assert page.inner_text("#panel-title") == "GPT-4"
    assert "Results (2)" in page.inner_text("#panel")
    assert page.locator("#panel ul.results > li").count() == 2
    shot(page, "fixture-entity-results.png")
    # an entity no result names has no Results section
    page.fill("#search", "question answering")
    page.press("#search", "Enter")
    assert page.inner_text("#panel-title") == "question answering"
    assert "Results" not in page.inner_text("#panel")
    watched.assert_clean()


@pytest.mark.parametrize("query,title,node", [
    ("<script>", "<script>alert(1)</script>", "p2"),
    ("<img", "<img src=x onerror=alert(1)>", "p3"),
])
def test_injection_runs_no_script(watched: Watched, site: Path, query: str, title: str,
                                  node: str) -> None:
    page = watched.open((site / "graph.html").as_uri())
    scripts = page.evaluate("document.scripts.length")
    open_panel(page, query)
    assert page.inner_text("#panel-title") == title
    # The hover tooltip shows the title as text too.
    page.evaluate(f"window.kgView.network.focus('{node}', {{scale: 1.5, animation: false}})")
    box = page.locator("#network").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2 - 3, box["y"] + box["height"] / 2 - 3)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tip = page.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5000)
    assert tip.inner_text().startswith(title)
    # Then open the entity whose label is markup.
    page.fill("#search", "</script>")
    page.press("#search", "Enter")
    assert page.inner_text("#panel-title") == "</script><!--<b>"
    assert page.evaluate("document.querySelectorAll('img, b, i').length") == 0
    assert page.evaluate("document.scripts.length") == scripts
    shot(page, f"fixture-injection-{node}.png")
    watched.assert_clean()
    index = watched.open((site / "index.html").as_uri())
    assert index.evaluate("document.querySelectorAll('img, script').length") == 0
    assert title in index.inner_text("#top-Paper")
    watched.assert_clean()


def test_filters_by_type_and_date(watched: Watched, site: Path) -> None:
    page = watched.open((site / "graph.html").as_uri())
    total = page.evaluate("window.kgView.nodes.length")
    assert page.evaluate("window.kgView.visible") == total
    page.uncheck("#legend input[value=Paper]")
    assert page.evaluate("window.kgView.visible") == total - 6
    page.check("#legend input[value=Paper]")
    page.select_option("#date-from", "2024-01")
    hidden = page.evaluate("window.kgView.nodes.get({filter: n => n.hidden}).map(n => n.id)")
    # p1 and p2 are older; QuickLoRA is named by p1 only. Undated p4 stays.
    assert set(hidden) == {"p1", "p2", "m:quicklora", "x:xss"}
    watched.assert_clean()


def test_ego_view_follows_the_url(watched: Watched, site: Path) -> None:
    page = watched.open((site / "ego.html").as_uri() + "#d%3Agsm8k")
    assert page.inner_text("#heading") == "Ego view: GSM8K"
    assert page.inner_text("#panel-title") == "GSM8K"
    center = page.evaluate("window.kgView.network.getPositions(['d:gsm8k'])['d:gsm8k']")
    assert center == {"x": 0, "y": 0}
    page.select_option("#ego-select", "mo:gpt4")
    page.wait_for_selector("#heading:has-text('GPT-4')")
    assert page.evaluate("window.kgView.scene()") == "mo:gpt4"
    watched.assert_clean()


def test_two_thousand_nodes_are_interactive_within_seconds(
        watched: Watched, tmp_path: Path) -> None:
    graph = synthetic_graph(600, 3000, per_paper=9)
    t0 = time.perf_counter()
    write_html(graph, tmp_path)
    build_s = time.perf_counter() - t0
    page = watched.open((tmp_path / "html" / "graph.html").as_uri())
    nodes = page.evaluate("window.kgView.nodes.length")
    first_draw = page.evaluate("window.kgView.firstDrawMs")
    t1 = time.perf_counter()
    open_panel(page, "entity 7")
    search_s = time.perf_counter() - t1
    note = page.inner_text("#note")
    shot(page, "synthetic-2000.png")
    watched.assert_clean()
    figures = {"nodes": nodes, "first_draw_ms": round(first_draw), "search_s": round(search_s, 2),
               "write_html_s": round(build_s, 1), "note": note,
               "graph_html_bytes": (tmp_path / "html" / "graph.html").stat().st_size}
    SHOTS.parent.mkdir(parents=True, exist_ok=True)
    (SHOTS.parent / "view-timing.json").write_text(json.dumps(figures, indent=1))
    assert nodes == 2000 and note.startswith("Showing the 2,000 best-connected of")
    assert first_draw < 5000, figures
    assert search_s < 3, figures


def test_an_empty_graph_still_opens(watched: Watched, tmp_path: Path) -> None:
    from .conftest import FixtureGraph

    write_html(FixtureGraph([], [], []), tmp_path)
    for name in ("index.html", "graph.html", "ego.html"):
        page = watched.open((tmp_path / "html" / name).as_uri())
        if name != "index.html":
            assert page.evaluate("window.kgView.nodes.length") == 0
    watched.assert_clean()


def test_a_busy_entity_panel_lists_its_newest_hundred_papers(
        watched: Watched, tmp_path: Path) -> None:
    from kg.view import model

    graph = synthetic_graph(400, 50)
    rec = model.Records.from_lists(graph.papers(), graph.entities(), graph.links())
    busiest = max(rec.entities, key=lambda e: len(rec.neighbours[e]))
    count = len(rec.neighbours[busiest])
    write_html(graph, tmp_path)
    page = watched.open((tmp_path / "html" / "graph.html").as_uri())
    open_panel(page, rec.entities[busiest].label)
    assert f"Papers ({count})" in page.inner_text("#panel")
    assert page.locator("#panel ul.links > li").count() == model.PANEL_PAPERS + 1
    assert f"… and {count - model.PANEL_PAPERS} more" in page.inner_text("#panel")
    watched.assert_clean()


def test_a_stated_change_reads_with_its_sign_and_baseline(watched: Watched,
                                                          tmp_path: Path) -> None:
    from kg.model import Result

    from .conftest import FixtureGraph

    g = load_fixture_graph()
    gain = Result(paper="p1", metric="x:acc", value="2.2", value_text="2.2%",
                  field="abstract", start=10, end=14, sentence="", dataset="d:mmlu",
                  entity="m:quicklora", kind="change", baseline="mo:gpt4")
    write_html(FixtureGraph(g.papers(), g.entities(), g.links(), [*g.results(), gain]),
               tmp_path)
    page = watched.open((tmp_path / "html" / "graph.html").as_uri())
    open_panel(page, "LoRA adapters for large language models")
    rows = page.locator("#panel ul.results > li").all_inner_texts()
    assert rows == ["61.2% ★ accuracy on ▲ MMLU · ● QuickLoRA",
                    "+2.2% ★ accuracy on ▲ MMLU · ● QuickLoRA vs ◆ GPT-4"]
    # the baseline is a node of the page: clicking it opens its panel, which lists the change
    page.locator("#panel ul.results").get_by_role("button", name="GPT-4").click()
    assert page.inner_text("#panel-title") == "GPT-4"
    assert "+2.2% ★ accuracy on ▲ MMLU · ● QuickLoRA vs ◆ GPT-4 — ■ LoRA adapters" in \
        page.inner_text("#panel ul.results")
    watched.assert_clean()


def test_a_busy_metric_panel_caps_its_results(watched: Watched, tmp_path: Path) -> None:
    from kg.model import Result
    from kg.view import model

    from .conftest import FixtureGraph

    g = synthetic_graph(120, 20)
    metric = next(e for e in g.entities() if e.type == "Metric")
    results = [Result(paper=p.id, metric=metric.id, value=str(i), value_text=f"{i}%",
                      field="abstract", start=0, end=2, sentence="")
               for i, p in enumerate(g.papers())]
    write_html(FixtureGraph(g.papers(), g.entities(), g.links(), results), tmp_path)
    page = watched.open((tmp_path / "html" / "graph.html").as_uri())
    open_panel(page, metric.label)
    assert page.inner_text("#panel-title") == metric.label
    assert "Results (120)" in page.inner_text("#panel")
    rows = page.locator("#panel ul.results > li")
    assert rows.count() == model.PANEL_RESULTS + 1
    assert rows.first.inner_text().startswith("119% ")
    assert rows.last.inner_text() == f"… and {120 - model.PANEL_RESULTS} more"
    watched.assert_clean()
