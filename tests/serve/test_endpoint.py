"""The SPARQL endpoint, queried with real clients: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS

from kg.errors import ServeError
from kg.graph.namespace import KG
from kg.graph.rdf import entity_iri, to_rdf, write_rdf
from kg.graph.store import CACHE_DIR
from kg.query import ready_queries
from kg.serve import Endpoint
from kg.serve.endpoint import free_port
from tests.query.minigraph import mini_graph

pytestmark = pytest.mark.server
SPARQLWrapper = pytest.importorskip("SPARQLWrapper")

TOP_MODELS = [(str(entity_iri("model:gpt-4")), "GPT-4", "2"),
              (str(entity_iri("model:llamalite")), "LlamaLite", "2"),
              (str(entity_iri("model:vit-x")), "ViT-X", "1")]
TASKS = "CONSTRUCT { ?t a kg:Task ; skos:prefLabel ?l } WHERE { ?t a kg:Task ; skos:prefLabel ?l }"
PREFIXES = ("PREFIX kg: <https://w3id.org/kg/ontology#>\n"
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("serve-out")
    write_rdf(mini_graph(), out)
    return out


@pytest.fixture(scope="module")
def endpoint(built: Path) -> Iterator[Endpoint]:
    with Endpoint(built, port=0, timeout=5, limit=1000) as running:
        yield running


def wrapper(url: str, query: str, fmt: str, method: str = "GET") -> object:
    client = SPARQLWrapper.SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client.query()


def http(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_loopback_by_default(endpoint: Endpoint, built: Path) -> None:
    assert endpoint.url.startswith("http://127.0.0.1:")
    assert (built / CACHE_DIR / "store").is_dir()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_json_results_with_sparqlwrapper(endpoint: Endpoint, method: str) -> None:
    result = wrapper(endpoint.url, ready_queries()["top-models"].text, "json", method)
    data = result.convert()
    rows = [(b["model"]["value"], b["label"]["value"], b["papers"]["value"])
            for b in data["results"]["bindings"]]
    assert rows == TOP_MODELS


def test_xml_results(endpoint: Endpoint) -> None:
    document = wrapper(endpoint.url, ready_queries()["top-models"].text, "xml").convert()
    labels = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert labels[:2] == ["GPT-4", "2"]


@pytest.mark.parametrize("fmt, delimiter", [("csv", ","), ("tsv", "\t")])
def test_csv_and_tsv_results(endpoint: Endpoint, fmt: str, delimiter: str) -> None:
    result = wrapper(endpoint.url, ready_queries()["top-models"].text, fmt)
    media = {"csv": "text/csv", "tsv": "text/tab-separated-values"}[fmt]
    assert result.response.headers["Content-Type"].startswith(media)
    rows = list(csv.reader(io.StringIO(result.convert().decode("utf-8")), delimiter=delimiter))
    assert [c.lstrip("?") for c in rows[0]] == ["model", "label", "papers"]
    assert len(rows) == 4 and "GPT-4" in rows[1][1]


def test_turtle_for_construct(endpoint: Endpoint) -> None:
    result = wrapper(endpoint.url, PREFIXES + TASKS, "turtle")
    assert result.response.headers["Content-Type"].startswith("text/turtle")
    served = Graph().parse(data=result.convert(), format="turtle")
    expected = Graph()
    task = entity_iri("task:image classification")
    expected.add((task, RDF.type, KG.Task))
    expected.add((task, SKOS.prefLabel, Literal("image classification")))
    assert isomorphic(served, expected)


def test_rdflib_sparqlstore(endpoint: Endpoint) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(endpoint.url, returnFormat="json"))
    rows = [(str(r[0]), str(r[1]), str(r[2]))
            for r in graph.query(ready_queries()["top-models"].text)]
    assert rows == TOP_MODELS
    local = to_rdf(mini_graph())
    query = ready_queries()["link-evidence"].text
    assert len(list(graph.query(query))) == len(list(local.query(query))) == 21


def test_updates_are_refused(endpoint: Endpoint) -> None:
    update = "INSERT DATA { <https://e.org/s> <https://e.org/p> <https://e.org/o> }"
    base = endpoint.url.rsplit("/", 1)[0]
    client = SPARQLWrapper.SPARQLWrapper(endpoint.url, updateEndpoint=base + "/update")
    client.setMethod("POST")
    client.setQuery(update)
    with pytest.raises(urllib.error.HTTPError) as err:
        client.query()
    assert err.value.code == 403
    status, body = http(endpoint.url, urllib.parse.urlencode({"update": update}).encode(),
                        {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403 and b"read-only" in body
    status, _ = http(base + "/update", update.encode(), {"Content-Type":
                                                        "application/sparql-update"})
    assert status == 403
    ask = "ASK { <https://e.org/s> ?p ?o }"
    assert wrapper(endpoint.url, ask, "json").convert()["boolean"] is False


def test_other_paths_and_methods_are_refused(endpoint: Endpoint) -> None:
    base = endpoint.url.rsplit("/", 1)[0]
    assert http(base + "/store?default")[0] == 404
    request = urllib.request.Request(endpoint.url, method="DELETE")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=10)
    assert err.value.code == 405


def test_syntax_errors_get_400(endpoint: Endpoint) -> None:
    status, body = http(endpoint.url + "?" + urllib.parse.urlencode({"query": "SELEC ?x"}))
    assert status == 400 and body


def test_the_result_cap(built: Path) -> None:
    with Endpoint(built, port=0, limit=3) as capped:
        def count(query: str) -> int:
            status, body = http(capped.url + "?" + urllib.parse.urlencode({"query": query}),
                                headers={"Accept": "application/sparql-results+json"})
            assert status == 200, body
            return len(json.loads(body)["results"]["bindings"])

        assert count("SELECT * WHERE { ?s ?p ?o }") == 3
        assert count("SELECT * WHERE { ?s ?p ?o } LIMIT 2") == 2
        assert count("SELECT * WHERE { ?s ?p ?o } LIMIT 300") == 3
        assert count("SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 50 } }") == 3
        assert count("SELECT * WHERE { ?s ?p \"LIMIT 1000 }\" }") == 0


def test_the_query_timeout(built: Path) -> None:
    with Endpoint(built, port=0, timeout=1) as hurried:
        start = time.monotonic()
        status, body = http(hurried.url, HEAVY.encode(),
                            {"Content-Type": "application/sparql-query"})
        assert status == 503 and b"timeout" in body
        assert time.monotonic() - start < 5


def test_a_directory_without_a_graph(tmp_path: Path) -> None:
    with pytest.raises(ServeError, match="kg build"):
        Endpoint(tmp_path, port=0).start()


def test_a_taken_port(built: Path, endpoint: Endpoint) -> None:
    with pytest.raises(ServeError, match="another --port"):
        Endpoint(built, port=endpoint.port).start()


def _engines(parent: int) -> set[int]:
    """Process ids of the running oxigraph servers started by ``parent`` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            status = (entry / "status").read_text()
        except OSError:
            continue
        if (cmdline and cmdline[0].endswith(b"oxigraph") and "State:\tZ" not in status
                and f"PPid:\t{parent}\n" in status):
            found.add(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_kg_serve_command_until_stopped(built: Path, stop: signal.Signals) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    # as from a terminal: a suite run in the background inherits SIGINT ignored
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(built), "--port",
                                str(port)], stderr=subprocess.PIPE, env=env,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        url = f"http://127.0.0.1:{port}/query"
        for _ in range(100):
            try:
                result = wrapper(url, ready_queries()["top-models"].text, "json").convert()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        else:
            pytest.fail("kg serve did not answer")
        assert len(result["results"]["bindings"]) == 3
        engines = _engines(process.pid)
        assert engines or not Path("/proc").is_dir()
        process.send_signal(stop)
        assert process.wait(timeout=30) == 0
        assert b"endpoint stopped" in process.stderr.read()
        time.sleep(0.5)
        assert not [pid for pid in engines if _running(pid)], "oxigraph outlived kg serve"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_read_only_directory_is_served_from_a_temporary_store(
        built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.serve.endpoint

    def refuse(directory: Path) -> Path:
        raise PermissionError(13, "Permission denied", str(directory))

    monkeypatch.setattr(kg.serve.endpoint, "build_cache", refuse)
    with Endpoint(built, port=0) as running:
        temporary = running._tmp
        assert temporary is not None and temporary.is_dir()
        result = wrapper(running.url, ready_queries()["top-models"].text, "json").convert()
        assert len(result["results"]["bindings"]) == 3
    assert not temporary.exists()
