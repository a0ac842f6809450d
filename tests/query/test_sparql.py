"""kg.query.sparql and the kg query command: bindings, errors, output formats, the cache."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from kg.errors import GraphError, UsageError
from kg.graph.rdf import entity_iri, paper_iri, to_rdf, write_rdf
from kg.graph.store import CACHE_DIR, directory_store
from kg.query import Rows, run_cli_query, sparql
from kg.query.command import parse_binding
from tests.query.minigraph import TARGETS, mini_graph, query_target

LABEL_QUERY = "SELECT ?e ?label WHERE { ?e skos:prefLabel ?label }"


@pytest.fixture()
def built(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    write_rdf(mini_graph(), out)
    return out


@pytest.fixture(params=TARGETS)
def target(request: pytest.FixtureRequest, built: Path) -> Any:
    return query_target(request.param, mini_graph, built)


def test_bindings_are_values_not_query_text(target: Any) -> None:
    assert list(sparql(target, LABEL_QUERY, label="LoRA")) == [
        (entity_iri("method:lora"), "LoRA")]
    hostile = 'LoRA" } UNION { ?e ?p ?o } #'
    assert list(sparql(target, LABEL_QUERY, label=hostile)) == []
    assert list(sparql(target, LABEL_QUERY, label=Literal("lora"))) == []


def test_any_variable_can_be_bound(target: Any) -> None:
    query = "SELECT ?e WHERE { ?e skos:prefLabel ?label }"
    assert list(sparql(target, query, label="LoRA")) == [(entity_iri("method:lora"),)]
    assert sparql(target, "ASK { ?e skos:prefLabel ?label }", label="LoRA") is True
    assert sparql(target, "ASK { ?e skos:prefLabel ?label }", label="nope") is False


@pytest.mark.parametrize("value", ['"', "\\", '\\"', '"""', "'''", "a\nb\rc", "} ?s ?p ?o {",
                                   "# comment", "ünï 🤖", ""])
def test_hostile_values_stay_values(target: Any, value: str) -> None:
    query = "SELECT ?e WHERE { ?e skos:prefLabel ?label }"
    assert list(sparql(target, query, label=value)) == []
    assert sparql(target, "ASK { ?e a ?t FILTER (?x = ?y) }", x=value, y=Literal(value)) is True


def test_rows_hold_python_values(target: Any) -> None:
    rows = sparql(target, "SELECT ?id ?n ?date WHERE { ?p dcterms:identifier ?id ; "
                          "kg:upvotes ?n ; dcterms:date ?date } ORDER BY ?id")
    assert isinstance(rows, Rows) and rows.vars == ["id", "n", "date"]
    assert rows[0].id == "arxiv:2401.00001" and rows[0].n == 12
    assert rows[0].date.isoformat() == "2024-01-02"
    assert rows.dicts()[1] == {"id": 'title:a "quoted" <title> #1', "n": 3, "date": "2023"}


def test_ask_and_construct(target: Any) -> None:
    assert sparql(target, "ASK { ?p a kg:Paper }") is True
    assert sparql(target, "ASK { ?p a kg:Result }") is False
    graph = sparql(target, "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p dcterms:title ?t }")
    assert isinstance(graph, Graph) and len(graph) == 4


@pytest.mark.parametrize("query", ["SELECT ?x WHERE { ?x ", "SELEKT * WHERE {}",
                                   "SELECT ?x WHERE { ?x nope:p ?y }"])
def test_syntax_errors_raise_graph_error(target: Any, query: str) -> None:
    with pytest.raises(GraphError, match="SPARQL syntax error"):
        sparql(target, query)


def test_a_directory_without_a_graph(tmp_path: Path) -> None:
    with pytest.raises(GraphError, match="kg build"):
        sparql(tmp_path, "ASK {}")


def test_the_store_cache_is_reused_and_refreshed(built: Path) -> None:
    assert len(directory_store(built)) > 0
    stamp = (built / CACHE_DIR / "source.json").read_text()
    directory_store(built)
    assert (built / CACHE_DIR / "source.json").read_text() == stamp
    with open(built / "graph.nt", "a", encoding="utf-8") as fh:
        fh.write("<https://example.org/s> <https://example.org/p> \"added\" .\n")
    assert sparql(built, "ASK { ?s <https://example.org/p> \"added\" }") is True
    assert [p.name for p in built.iterdir() if p.name.startswith(CACHE_DIR)] == [CACHE_DIR]


def test_a_read_only_directory_is_queried_in_memory(built: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.graph.store

    def refuse(*args: Any, **kwargs: Any) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(kg.graph.store.tempfile, "mkdtemp", refuse)
    assert sparql(built, "ASK { ?p a kg:Paper }") is True
    assert not (built / CACHE_DIR).exists()


def test_parse_binding() -> None:
    assert parse_binding("paper=<https://x.org/a>") == ("paper", URIRef("https://x.org/a"))
    assert parse_binding("$label=a=b") == ("label", Literal("a=b"))
    for bad in ("novalue", "1x=3", "p=<bad iri>"):
        with pytest.raises(UsageError):
            parse_binding(bad)


def test_cli_query_formats(built: Path) -> None:
    bind = [f"dataset=<{entity_iri('dataset:mmlu')}>"]
    table = run_cli_query(built, "evaluated-on-dataset", fmt="table", bind=bind)
    lines = table.splitlines()
    assert lines[0].split() == ["dataset", "entity", "label", "type", "papers"]
    assert "entity:model-llamalite-" in lines[2] and "kg:Model" in lines[2]
    assert lines[-1] == "(3 rows)"
    rows = list(csv.reader(io.StringIO(run_cli_query(built, "evaluated-on-dataset",
                                                     fmt="csv", bind=bind))))
    assert rows[0] == ["dataset", "entity", "label", "type", "papers"]
    assert rows[1][1] == str(entity_iri("model:llamalite")) and rows[1][4] == "2"
    data = json.loads(run_cli_query(built, "link-evidence", fmt="json",
                                    bind=[f"paper=<{paper_iri('arxiv:2401.00001')}>"]))
    assert len(data) == 6 and data[0]["confidence"] == 0.95 and data[0]["start"] == 88
    assert run_cli_query(built, "ASK { ?p a kg:Paper }") == "true"
    turtle = run_cli_query(built, "CONSTRUCT { ?e a kg:Task } WHERE { ?e a kg:Task }")
    assert "kg:Task" in turtle


def test_cli_query_sources(built: Path, tmp_path: Path) -> None:
    query_file = tmp_path / "q.rq"
    query_file.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?p a kg:Paper }", encoding="utf-8")
    assert json.loads(run_cli_query(built, None, query_file=query_file, fmt="json")) == [
        {"n": 4}]
    with pytest.raises(UsageError, match="not both"):
        run_cli_query(built, "ASK {}", query_file=query_file)
    with pytest.raises(UsageError, match="top-datasets"):
        run_cli_query(built, None)
    with pytest.raises(UsageError, match="no ready query named 'top-papers'"):
        run_cli_query(built, "top-papers")


def test_records_are_loaded_into_memory_once() -> None:
    from kg.query.sparql import memory_store

    kg = mini_graph()
    assert memory_store(kg) is memory_store(kg)
    assert len(memory_store(kg)) == len(to_rdf(kg))


def test_the_kg_query_command(built: Path) -> None:
    from kg.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["query", str(built), "top-metrics", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].endswith(",accuracy,3")
    result = runner.invoke(cli, ["query", str(built), "SELECT ?x WHERE {"])
    assert result.exit_code == GraphError.exit_code
    assert "SPARQL syntax error" in result.output


def test_the_help_names_every_ready_query() -> None:
    from kg.cli import cli
    from kg.query import ready_queries

    text = " ".join(CliRunner().invoke(cli, ["query", "--help"]).output.split())
    for name in ready_queries():
        assert name in text.replace("- ", "-"), name
