"""Helpers shared by the build tests (pipeline, incremental, Dask).

The build tests need an extractor that is fast, deterministic and present on CI even
before a model is trained: a "rules model", a blank English pipeline with the kg tokenizer
saved to a directory. ``load_pipeline(model=...)`` adds the real rule components
(abbreviations, cues, gazetteer) and the arbiter to it, so the build runs the real
extraction code without a statistical NER.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib.compare import graph_diff, isomorphic, to_isomorphic


def write_rules_model(directory: Path) -> Path:
    """Save a blank pipeline with the kg tokenizer into ``directory``; return it."""
    import spacy

    import kg.extract.tokenizer  # noqa: F401 (registers kg_tokenizer.v1)

    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "kg_tokenizer.v1"}}})
    nlp.to_disk(directory)
    return directory


def sample_papers(n: int, skip: int = 0) -> list:
    """``n`` papers of the bundled listings, after the first ``skip``."""
    from kg.ingest import bundled_listings, read_papers

    return read_papers(bundled_listings())[skip:skip + n]


def write_jsonl(path: Path, papers: list) -> Path:
    """Write papers as JSONL input records (title, abstract, date, org)."""
    with open(path, "w", encoding="utf-8") as fh:
        for p in papers:
            fh.write(json.dumps({"title": p.title, "abstract": p.abstract, "date": p.date,
                                 "org": p.org}, ensure_ascii=False) + "\n")
    return path


def write_texts(path: Path, records: list[tuple[str, str]]) -> Path:
    """Write ``(title, abstract)`` pairs as JSONL input records."""
    with open(path, "w", encoding="utf-8") as fh:
        for title, abstract in records:
            fh.write(json.dumps({"title": title, "abstract": abstract}) + "\n")
    return path


def assert_isomorphic(graph_a: object, graph_b: object) -> None:
    """Assert two builds have isomorphic RDF forms, with a readable diff if not."""
    from kg.graph.rdf import to_rdf

    a, b = to_rdf(graph_a), to_rdf(graph_b)  # type: ignore[arg-type]
    if isomorphic(a, b):
        return
    _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
    shown_a = sorted(only_a.serialize(format="nt").splitlines())[:15]
    shown_b = sorted(only_b.serialize(format="nt").splitlines())[:15]
    raise AssertionError("RDF graphs differ\nonly in first:\n" + "\n".join(shown_a)
                         + "\nonly in second:\n" + "\n".join(shown_b))
