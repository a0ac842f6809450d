"""Entity extraction: find Method, Model, Dataset, Metric and Task mentions in text.

>>> from kg.extract import extract                                # doctest: +SKIP
>>> extract(["We fine-tune Llama-2 on MMLU."])[0][0]["text"]      # doctest: +SKIP
'Llama-2'
"""

from __future__ import annotations

import json
import re
import sys
import types
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.extract.pieces import sentence_cuts
from kg.model import Mention, Problem

#: The extractor version recorded in provenance and cache keys; bump it when the model or
#: the rule data change.
VERSION = "kg-extract/1.7"

__all__ = ["BATCH_SIZE", "VERSION", "extract", "extract_mentions", "extract_file"]

#: Texts longer than this are cut into pieces at sentence ends before extraction.
MAX_PIECE = 100_000


def _pieces(text: str) -> list[tuple[int, str]]:
    return [(a, text[a:b]) for a, b in sentence_cuts(text, MAX_PIECE)]


#: Texts per ``nlp.pipe`` batch. Small batches keep the tok2vec's activations in the core's
#: cache (2 MB of L2 here): on the bundled texts the whole pipeline took 2.9 CPU-s at 8 or 16
#: against 3.25 at 64 (best of four, same process); 16 for the rule components' sake.
BATCH_SIZE = 16
#: Texts extracted together, and the fewest the NER decodes in one loop
#: (``kg.extract.greedy_ner``): a step costs the same few NumPy calls for one text or for
#: hundreds (64 → 256 texts: 0.6 → 0.45 CPU-s on the bundled listings' 738 texts).
CHUNK = 256


def extract_mentions(texts: Iterable[str], *, batch_size: int = BATCH_SIZE, nlp: Any = None
                     ) -> Iterator[list[Mention]]:
    """Yield the mentions of each text, in order (streams in chunks of texts)."""
    from kg.extract.pipeline import default_pipeline

    nlp = nlp or default_pipeline()
    chunk: list[str] = []
    for text in texts:
        chunk.append(text or "")
        if len(chunk) >= max(CHUNK, batch_size):
            yield from _run(nlp, chunk, batch_size)
            chunk = []
    if chunk:
        yield from _run(nlp, chunk, batch_size)


#: A run of one punctuation character this long or longer ("((((((", "------") is broken by
#: spaces before tokenizing (same length, so offsets hold): spaCy's affix splitting takes
#: time quadratic in the length of such a run.
_RUN = re.compile(r"([^\w\s])\1{31,}")


def _defuse(text: str) -> str:
    return _RUN.sub(lambda m: "".join(c if i % 16 else " " for i, c in enumerate(m.group())),
                    text)


def _run(nlp: Any, texts: list[str], batch_size: int) -> list[list[Mention]]:
    """Mentions of each of ``texts``; long texts are cut into pieces and put back together."""
    from threadpoolctl import threadpool_limits

    from kg.extract.arbiter import MENTIONS_KEY

    pieces = [(i, off, piece) for i, t in enumerate(texts) if t.strip()
              for off, piece in _pieces(t)]
    out: list[list[Mention]] = [[] for _ in texts]
    # one BLAS thread: the network's products are small, a second thread only spins, and
    # parallel builds already run one process per core
    with threadpool_limits(limits=1, user_api="blas"):
        docs = nlp.pipe((_defuse(p) for _, _, p in pieces), batch_size=batch_size)
        for (i, off, piece), doc in zip(pieces, docs):
            out[i].extend(
                Mention(s.start_char + off, s.end_char + off, s.label_,
                        piece[s.start_char:s.end_char], float(s._.kg_score), s._.kg_source,
                        s._.kg_role)
                for s in doc.spans[MENTIONS_KEY])
    return out


def extract(texts: Iterable[str] | str, *, batch_size: int = BATCH_SIZE
            ) -> list[list[dict[str, Any]]]:
    """Find entity mentions in each text.

    Returns one list per text of ``{"start", "end", "type", "text", "score", "source"}``
    dicts (character offsets, end exclusive). A single string is treated as one text.
    """
    if isinstance(texts, str):
        texts = [texts]
    return [[m.to_dict() for m in ms] for ms in extract_mentions(texts, batch_size=batch_size)]


def _read_texts(path: Path, format: str | None,
                on_problem: Callable[[Problem], None] | None) -> Iterator[tuple[str, str]]:
    """(id, text) pairs from JSONL ``{"id", "text"}`` lines or any ``kg build`` format."""
    is_text_jsonl = False
    if format in (None, "jsonl") and path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                for line in fh:
                    if line.strip():
                        is_text_jsonl = "text" in json.loads(line)
                        break
        except (OSError, json.JSONDecodeError):
            is_text_jsonl = False
    if is_text_jsonl:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                    yield str(rec.get("id", n)), str(rec.get("text") or "")
                except (json.JSONDecodeError, AttributeError) as err:
                    if on_problem:
                        on_problem(Problem(str(path), n, f"not a JSON object ({err}); skipped"))
        return
    from kg.ingest import read_papers

    for p in read_papers([path], format=format, on_problem=on_problem):
        yield p.id, p.abstract


def extract_file(input_path: str | Path, output: str | Path | None = None, *,
                 format: str | None = None,
                 on_problem: Callable[[Problem], None] | None = None) -> int:
    """``kg extract``: write ``{"id", "entities": [...]}`` lines; return the number of texts."""
    import sys

    from kg.export import atomic_file

    path = Path(input_path)
    if not path.exists():
        raise InputError(f"{path}: no such file; give a JSONL file of {{\"id\", \"text\"}} lines")
    ids: list[str] = []

    def texts() -> Iterator[str]:  # streams: ids are recorded as their texts are read
        for doc_id, text in _read_texts(path, format, on_problem):
            ids.append(doc_id)
            yield text

    lines = (json.dumps({"id": ids[k], "entities": [m.to_dict() for m in ms]},
                        ensure_ascii=False)
             for k, ms in enumerate(extract_mentions(texts())))
    if output is None:
        for line in lines:
            sys.stdout.write(line + "\n")
    else:
        with atomic_file(output) as fh:
            for line in lines:
                fh.write(line + "\n")
    return len(ids)


class _CallableModule(types.ModuleType):
    """``kg.extract`` is both this package and the facade function ``kg.extract(texts)``.

    Importing the package ``kg.extract`` rebinds the attribute ``extract`` of ``kg`` to the
    package, so the package itself must answer ``kg.extract(texts)`` too.
    """

    def __call__(self, texts: Iterable[str] | str, **options: Any) -> list[list[dict[str, Any]]]:
        return extract(texts, **options)


sys.modules[__name__].__class__ = _CallableModule
