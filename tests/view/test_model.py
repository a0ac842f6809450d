"""The view dicts: aggregation, details, ego scenes, overview counts and the layout."""

from __future__ import annotations

import math

from kg.model import Link
from kg.view import model
from kg.view.layout import positions

from .conftest import FixtureGraph, synthetic_graph


def test_records_ignore_links_to_unknown_nodes(graph: FixtureGraph) -> None:
    stray = Link(paper="nope", entity="d:gsm8k", role="uses", confidence=1.0, field="abstract",
                 start=0, end=1, text="x", sentence="x", source="t", extractor_version="t")
    rec = model.Records.from_lists(graph.papers(), graph.entities(), [*graph.links(), stray])
    assert len(rec.links) == len(graph.links())
    assert rec.degree("d:gsm8k") == 3  # p1, p2, p6
    assert rec.type_of("p1") == "Paper" and rec.type_of("d:gsm8k") == "Dataset"


def test_strongest_role_wins(graph: FixtureGraph) -> None:
    extra = Link(paper="p1", entity="m:quicklora", role="mentions", confidence=1.0,
                 field="title", start=0, end=1, text="x", sentence="x", source="t",
                 extractor_version="t")
    rec = model.Records.from_lists(graph.papers(), graph.entities(), [*graph.links(), extra])
    assert rec.neighbours["p1"]["m:quicklora"] == "proposes"


def test_graph_scene_holds_every_linked_node(graph: FixtureGraph) -> None:
    rec = model.Records.from_graph(graph)
    page = model.graph_page(rec, top=2000)
    scene = page["scenes"]["graph"]
    linked = {n for n, nb in rec.neighbours.items() if nb}
    assert {n["id"] for n in scene["nodes"]} == linked
    assert scene["note"] is None
    assert len(scene["edges"]) == sum(len(rec.neighbours[p]) for p in rec.papers)
    degrees = {n["id"]: n["degree"] for n in scene["nodes"]}
    assert degrees["mo:gpt4"] == 3
    assert {row["type"] for row in page["legend"]} == {"Paper", "Method", "Model", "Dataset",
                                                        "Metric", "Task"}
    assert page["months"] == ["2023-07", "2023-08", "2024-01", "2024-03", "2024-05"]


def test_aggregation_keeps_the_best_connected_and_says_what_is_left_out() -> None:
    rec = model.Records.from_graph(synthetic_graph(60, 300))
    linked = [n for n, nb in rec.neighbours.items() if nb]
    scene = model.scene(rec, linked, title="t", top=50)
    kept = {n["id"] for n in scene["nodes"]}
    assert len(kept) == 50
    min_kept = min(rec.degree(n) for n in kept)
    assert all(rec.degree(n) <= min_kept for n in set(linked) - kept)
    assert all(e["from"] in kept and e["to"] in kept for e in scene["edges"])
    note = scene["note"]
    assert note.startswith(f"Showing the 50 best-connected of {len(linked)} nodes.")
    total = sum(len(rec.neighbours[p]) for p in rec.papers)
    assert f"(and {total - len(scene['edges']):,} links)" in note


def test_paper_details_mark_the_evidence(graph: FixtureGraph) -> None:
    rec = model.Records.from_graph(graph)
    info = model.details(rec, ["p1", "p2", "mo:llama2"])
    p1 = info["p1"]
    assert p1["title"] == "LoRA adapters for large language models"
    marked = {p1["abstract"][s:e] for s, e, _ in p1["marks"]["abstract"]}
    assert marked == {"QuickLoRA", "LLaMA-2", "GSM8K", "accuracy", "MMLU"}
    assert [m[2] for m in p1["marks"]["abstract"] if p1["abstract"][m[0]:m[1]] == "MMLU"] == [
        "Dataset"]
    assert ["m:quicklora", "QuickLoRA", "Method", "proposes"] in p1["links"]
    # The title evidence of the injection metric is a span of the title, kept as data.
    assert info["p2"]["marks"]["title"] == [[0, 8, "Metric"]]
    llama = info["mo:llama2"]
    assert llama["aliases"] == ["Llama 2", "LLaMA2"]
    rows = {row[0]: row for row in llama["links"]}
    assert set(rows) == {"p1", "p3"}
    sentence, start, end = rows["p3"][3:6]
    assert sentence[start:end] == "LLaMA-2"


def test_ego_scene_is_centred_and_capped() -> None:
    rec = model.Records.from_graph(synthetic_graph(80, 400))
    center = rec.by_degree(e for e in rec.entities)[0]
    scene = model.ego_scene(rec, center, radius=2, top=40)
    ids = [n["id"] for n in scene["nodes"]]
    assert len(ids) == 40 and center in ids
    node = next(n for n in scene["nodes"] if n["id"] == center)
    assert (node["x"], node["y"]) == (0.0, 0.0)
    # Every direct neighbour that fits comes before any node two links away.
    direct = set(rec.neighbours[center])
    assert direct <= set(ids) or set(ids) - {center} <= direct
    assert scene["note"] is not None


def test_ego_centers_are_the_top_of_each_type(graph: FixtureGraph) -> None:
    rec = model.Records.from_graph(graph)
    centers = model.ego_centers(rec, per_type=1)
    assert "mo:gpt4" in centers or "mo:llama2" in centers
    assert "d:gsm8k" in centers and "x:acc" in centers
    assert len(centers) == 6


def test_index_counts(graph: FixtureGraph) -> None:
    rec = model.Records.from_graph(graph)
    page = model.index_page(rec, views=[], egos=["d:gsm8k"], k=3)
    counts = page["counts"]
    assert (counts["papers"], counts["entities"], counts["links"]) == (6, 15, 22)
    assert counts["first"] == "2023-07-18" and counts["last"] == "2024-05-20"
    datasets = next(t for t in page["top"] if t["type"] == "Dataset")
    assert datasets["count"] == 4
    assert datasets["rows"][0] == {"id": "d:gsm8k", "label": "GSM8K", "papers": 3, "ego": True}


def test_layout_is_deterministic_and_finite() -> None:
    g = synthetic_graph(50, 200)
    rec = model.Records.from_graph(g)
    nodes = rec.by_degree(n for n, nb in rec.neighbours.items() if nb)
    edges = [(link.paper, link.entity) for link in rec.links]
    a = positions(nodes, edges)
    assert a == positions(nodes, edges)
    assert set(a) == set(nodes)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in a.values())
    assert len(set(a.values())) == len(nodes)  # no two nodes on one spot


def test_layout_of_tiny_graphs() -> None:
    assert positions([], []) == {}
    assert positions(["a"], []) == {"a": (0.0, 0.0)}
    two = positions(["a", "b"], [("a", "b")])
    assert two["a"] != two["b"]


def test_an_unknown_entity_type_gets_the_fallback_style(graph: FixtureGraph) -> None:
    from kg.model import Entity

    odd = Entity(id="o:thing", label="thing", type="Software")
    link = Link(paper="p1", entity="o:thing", role="uses", confidence=1.0, field="abstract",
                start=0, end=0, text="thing", sentence="", source="t", extractor_version="t")
    rec = model.Records.from_lists(graph.papers(), [*graph.entities(), odd],
                                   [*graph.links(), link])
    page = model.graph_page(rec, top=100)
    node = next(n for n in page["scenes"]["graph"]["nodes"] if n["id"] == "o:thing")
    assert node["type"] == "Entity"
    assert page["legend"][-1]["type"] == "Entity"
    assert page["info"]["o:thing"]["type"] == "Software"


def test_papers_are_labelled_in_ego_views_only(graph: FixtureGraph) -> None:
    rec = model.Records.from_graph(graph)
    whole = model.graph_page(rec, top=100)["scenes"]["graph"]["nodes"]
    assert {n["label"] for n in whole if n["type"] == "Paper"} == {""}
    assert {n["label"] for n in whole if n["id"] == "d:gsm8k"} == {"GSM8K"}
    ego = model.ego_scene(rec, "d:gsm8k")["nodes"]
    labels = {n["id"]: n["label"] for n in ego}
    assert labels["p1"] == "LoRA adapters for large language models"


def test_an_entity_panel_holds_its_most_recent_papers_and_their_number() -> None:
    g = synthetic_graph(400, 50)
    rec = model.Records.from_lists(g.papers(), g.entities(), g.links())
    busiest = max(rec.entities, key=lambda e: len(rec.neighbours[e]))
    assert len(rec.neighbours[busiest]) > model.PANEL_PAPERS
    d = model.details(rec, [busiest])[busiest]
    assert d["count"] == len(rec.neighbours[busiest])
    assert len(d["links"]) == model.PANEL_PAPERS
    dates = [rec.papers[row[0]].date for row in d["links"]]
    assert dates == sorted(dates, reverse=True)
    newest = max(rec.papers[p].date for p in rec.neighbours[busiest])
    assert dates[0] == newest


def test_an_entity_panel_lists_the_results_naming_it(graph: FixtureGraph) -> None:
    rec = model.Records.from_graph(graph)
    info = model.details(rec, ["x:acc", "mo:gpt4", "d:mmlu", "m:quicklora", "t:qa", "p5"])
    acc = info["x:acc"]
    assert acc["result_count"] == 4
    # the largest metric-and-dataset group first (accuracy on MMLU), highest value first
    assert [row[0] for row in acc["results"]] == ["86.4%", "61.2%", "92.0%", "90.4%"]
    assert acc["results"][0] == [
        "86.4%", ["x:acc", "accuracy", "Metric"], ["d:mmlu", "MMLU", "Dataset"],
        ["mo:gpt4", "GPT-4", "Model"], ["p3", "<img src=x onerror=alert(1)>", "Paper"]]
    # a model and a dataset list the results naming them, with the paper of each
    assert [(row[0], row[4][0]) for row in info["mo:gpt4"]["results"]] == [
        ("92.0%", "p6"), ("86.4%", "p3")]
    assert [(row[0], row[3][0]) for row in info["d:mmlu"]["results"]] == [
        ("86.4%", "mo:gpt4"), ("61.2%", "m:quicklora")]
    assert info["m:quicklora"]["result_count"] == 1
    # an entity no result names carries no results keys; a paper's rows name no paper
    assert "results" not in info["t:qa"] and "result_count" not in info["t:qa"]
    assert [len(row) for row in info["p5"]["results"]] == [4]


def test_an_entity_panel_caps_its_results() -> None:
    from kg.model import Result

    g = synthetic_graph(200, 20)
    metric = next(e.id for e in g.entities() if e.type == "Metric")
    datasets = [e.id for e in g.entities() if e.type == "Dataset"][:2]
    results = [Result(paper=p.id, metric=metric, value=f"{i % 97}.5", value_text=f"{i % 97}.5",
                      field="abstract", start=0, end=4, sentence="",
                      dataset=datasets[0] if i % 3 else datasets[1])
               for i, p in enumerate(g.papers())]
    rec = model.Records.from_lists(g.papers(), g.entities(), g.links(), results)
    d = model.details(rec, [metric])[metric]
    assert d["result_count"] == 200 > model.PANEL_RESULTS
    assert len(d["results"]) == model.PANEL_RESULTS
    # the bigger group (two thirds of the results) fills the capped list, best first
    assert {row[2][0] for row in d["results"]} == {datasets[0]}
    values = [float(row[0]) for row in d["results"]]
    assert values == sorted(values, reverse=True) and values[0] == 96.5
    # the other dataset's panel holds its own results only
    other = model.details(rec, [datasets[1]])[datasets[1]]
    assert other["result_count"] == 67
    assert {row[2][0] for row in other["results"]} == {datasets[1]}


def test_an_entity_panel_lists_the_lowest_first_where_lower_is_better() -> None:
    from dataclasses import replace

    from kg.model import Result

    g = synthetic_graph(30, 10)
    metric = next(e for e in g.entities() if e.type == "Metric")
    entities = [replace(e, label="FID") if e.id == metric.id else e for e in g.entities()]
    results = [Result(paper=p.id, metric=metric.id, value=f"{(i * 7) % 30}.5",
                      value_text=f"{(i * 7) % 30}.5", field="abstract", start=0, end=4,
                      sentence="") for i, p in enumerate(g.papers())]
    rec = model.Records.from_lists(g.papers(), entities, g.links(), results)
    values = [float(row[0]) for row in model.details(rec, [metric.id])[metric.id]["results"]]
    assert values == sorted(values) and values[0] == 0.5


def _with_changes(graph: FixtureGraph) -> model.Records:
    """The fixture graph and two stated changes of QuickLoRA's paper (p1): "+2.2%" over
    GPT-4 on MMLU, and "reduces ... by 1.3" with no dataset, entity or baseline."""
    from kg.model import Result

    gain = Result(paper="p1", metric="x:acc", value="2.2", value_text="2.2%",
                  field="abstract", start=10, end=14, sentence="", dataset="d:mmlu",
                  entity="m:quicklora", kind="change", baseline="mo:gpt4")
    drop = Result(paper="p1", metric="x:acc", value="-1.3", value_text="1.3",
                  field="abstract", start=20, end=23, sentence="", kind="change")
    return model.Records.from_lists(graph.papers(), graph.entities(), graph.links(),
                                    [*graph.results(), gain, drop])


def test_a_change_row_reads_with_its_sign_and_baseline(graph: FixtureGraph) -> None:
    rec = _with_changes(graph)
    info = model.details(rec, ["p1", "mo:gpt4", "x:acc"])
    gpt4, acc = ["mo:gpt4", "GPT-4", "Model"], ["x:acc", "accuracy", "Metric"]
    # a paper's panel: "+2.2% ★ accuracy on ▲ MMLU · ◆ QuickLoRA vs ◆ GPT-4"
    assert info["p1"]["results"] == [
        ["61.2%", acc, ["d:mmlu", "MMLU", "Dataset"], ["m:quicklora", "QuickLoRA", "Method"]],
        ["+2.2%", acc, ["d:mmlu", "MMLU", "Dataset"], ["m:quicklora", "QuickLoRA", "Method"],
         None, gpt4],
        ["−1.3", acc, None, None]]
    # the baseline's panel lists the change compared with it, with its paper
    rows = info["mo:gpt4"]["results"]
    assert [row[0] for row in rows] == ["86.4%", "+2.2%", "92.0%"]  # MMLU, then GSM8K
    assert rows[1][4][0] == "p1" and rows[1][5] == gpt4
    # in a metric's panel a group lists its scores first, then its changes
    assert [row[0] for row in info["x:acc"]["results"]] == [
        "86.4%", "61.2%", "+2.2%", "92.0%", "90.4%", "−1.3"]
