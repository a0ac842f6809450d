"""The Oxigraph store of a built directory holds exactly the triples of ``graph.nt``,
whether it is bulk-loaded whole or in pieces from several threads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kg.errors import GraphError
from kg.graph.rdf import to_rdf, write_rdf
from kg.graph.store import GraphStore, directory_store, split_lines
from tests.query.minigraph import mini_graph


def test_the_bulk_loaded_store_holds_every_triple_once(tmp_path: Path) -> None:
    write_rdf(mini_graph(), tmp_path)
    lines = (tmp_path / "graph.nt").read_text(encoding="utf-8").splitlines()
    expected = len(to_rdf(mini_graph()))
    assert len(lines) == len(set(lines)) == expected
    assert len(directory_store(tmp_path)) == expected  # bulk-loaded on disk
    memory = GraphStore.in_memory()
    memory.load_ntriples(tmp_path / "graph.nt")
    assert len(memory) == expected


def test_a_large_file_is_loaded_in_pieces_cut_at_line_ends(tmp_path: Path,
                                                            monkeypatch: Any) -> None:
    import kg.graph.store

    write_rdf(mini_graph(), tmp_path)
    nt = tmp_path / "graph.nt"
    pieces = split_lines(nt, tmp_path, 3)
    assert b"".join(p.read_bytes() for p in pieces) == nt.read_bytes()
    assert all(p.read_bytes().endswith(b".\n") for p in pieces)
    monkeypatch.setattr(kg.graph.store, "SPLIT_BYTES", 0)
    store = GraphStore.create(tmp_path / "store")
    store.load_ntriples(nt, parts=3)
    assert len(store) == len(to_rdf(mini_graph()))
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".load-")) == []


def test_an_invalid_piece_fails_the_load(tmp_path: Path, monkeypatch: Any) -> None:
    import kg.graph.store

    nt = tmp_path / "bad.nt"
    nt.write_text("<https://x.org/s> <https://x.org/p> \"ok\" .\n" * 50 + "not n-triples\n",
                  encoding="utf-8")
    monkeypatch.setattr(kg.graph.store, "SPLIT_BYTES", 0)
    with pytest.raises(GraphError, match="not valid N-Triples"):
        GraphStore.create(tmp_path / "store").load_ntriples(nt, lenient=False)
