"""The statistical NER with its greedy decoding loop written in NumPy, batch-wide.

spaCy's own greedy decoder (``Parser.greedy_parse``) is compiled, yet on spaCy 3.8 (built
with Cython 3) the state's inline accessors and the move loop take and release the GIL
hundreds of times per token: half the NER's time went to lock calls (``perf``). This
component is spaCy's ``EntityRecognizer`` with the same weights, moves and answers; only the
decoding loop differs. It reads the NER's own layers (the tok2vec projection, the
precomputed lower layer, the upper layer) and applies the BILUO moves to every text of a
batch at once: each move reads one token, so at step ``t`` every unfinished text is at
token ``t``, and sorted longest first the unfinished texts are a prefix of the batch.

Texts the decoder does not handle (preset entities, a beam, a model shaped otherwise, a
class never seen in training) go to spaCy's decoder unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from spacy.language import Language
from spacy.pipeline.factories import register_factories
from spacy.pipeline.ner import EntityRecognizer
from spacy.tokens import Doc, Span
from spacy.util import minibatch
from thinc.api import NumpyOps

from kg.extract import CHUNK
from kg.extract.spans import register_extensions

#: Move kinds, in the order of spaCy's BILUO transition system.
MISSING, BEGIN, IN, LAST, UNIT, OUT = range(6)
_KINDS = {"M": MISSING, "B": BEGIN, "I": IN, "L": LAST, "U": UNIT, "O": OUT}

#: A decoded text: its entities as (first token, end token, label, probability) in reading
#: order; the probability is the product of the entity's moves' probabilities (a softmax
#: over the moves valid at each step).
Entities = list[tuple[int, int, str, float]]

register_extensions()  # Span._.kg_ner_p: the probability of each entity this decoder finds


class GreedyEntityRecognizer(EntityRecognizer):
    """spaCy's EntityRecognizer whose greedy decoding runs batch-wide in NumPy."""

    def pipe(self, docs: Any, *, batch_size: int = 256) -> Any:
        """Annotate a stream of docs, a whole batch (at least ``kg.extract.CHUNK``) per
        decoding."""
        error_handler = self.get_error_handler()
        for batch in minibatch(docs, size=max(batch_size, CHUNK)):
            batch = list(batch)
            try:
                self.set_annotations(batch, self.predict(batch))
                yield from batch
            except Exception as err:
                error_handler(self.name, self, batch, err)

    def predict(self, docs: Any) -> Any:
        """Each doc's entities (or spaCy's parse states where this decoder does not apply)."""
        if isinstance(docs, Doc):
            docs = [docs]
        if not self._decodable(docs):
            return super().predict(docs)
        return decode(self, docs)

    def set_annotations(self, docs: Any, predicted: Any) -> None:
        """Set ``doc.ents``; every other token is outside an entity (as spaCy's NER does)."""
        if not predicted or not isinstance(predicted[0], list):
            super().set_annotations(docs, predicted)
            return
        for doc, ents in zip(docs, predicted):
            spans = [Span(doc, start, end, label=label) for start, end, label, _ in ents]
            doc.set_ents(spans, default="outside")
            for span, (*_, p) in zip(spans, ents):
                span._.kg_ner_p = p

    def _decodable(self, docs: list[Doc]) -> bool:
        model = self.model
        return (self.cfg.get("beam_width", 1) == 1 and model.attrs.get("has_upper", False)
                and not model.attrs.get("unseen_classes")
                and isinstance(model.ops, NumpyOps)
                and model.get_ref("lower").get_dim("nF") == 3
                and model.get_ref("lower").get_dim("nP") >= 2
                and not any(doc.has_annotation("ENT_IOB") for doc in docs))


def move_table(ner: EntityRecognizer) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Each move's kind and label number (0: none), and the label names by number."""
    names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
    labels = [""]
    kinds, numbers = [], []
    for name in names:
        kind, _, label = name.partition("-")
        if label and label not in labels:
            labels.append(label)
        kinds.append(_KINDS[kind])
        numbers.append(labels.index(label) if label else 0)
    return np.array(kinds), np.array(numbers), labels


def valid_moves(kinds: np.ndarray, numbers: np.ndarray, opened: np.ndarray,
                open_label: np.ndarray, two_left: np.ndarray, next_starts: np.ndarray,
                blank: np.ndarray) -> np.ndarray:
    """Which moves each state may take (states × moves), by spaCy's BILUO rules.

    Per state: an entity is open (and its label number), two tokens or more are left, the
    next token starts a sentence, the current token is whitespace. Texts carry no preset
    entities here (those go to spaCy's decoder).
    """
    n = len(opened)
    by_kind = np.stack([
        np.zeros(n, dtype=bool),                         # missing: never
        ~opened & two_left & ~next_starts & ~blank,      # begin
        opened & two_left & ~next_starts,                # in
        opened,                                          # last
        ~opened & ~blank,                                # unit
        ~opened,                                         # out
    ], axis=1)
    valid = by_kind[:, kinds] & ((numbers != 0) | (kinds == OUT))
    # "in" and "last" continue the open entity's label only
    valid &= (open_label[:, None] == numbers[None, :]) | ((kinds != IN) & (kinds != LAST))
    return valid


def decode(ner: EntityRecognizer, docs: list[Doc]) -> list[Entities]:
    """Greedy BILUO decoding of ``docs`` with the NER's weights, all docs at once.

    The same arithmetic as spaCy's ``predict_states``: the three state features (the
    next token, the open entity's first token, the token before the next one) look up the
    lower layer's precomputed rows (row 0 is the padding), summed in that order, plus the
    bias; maxout; the upper layer's product (BLIS, as spaCy's) plus its bias; the best
    valid move, the first on ties.
    """
    from blis.py import gemm

    kinds, numbers, labels = move_table(ner)
    out: list[Entities] = [[] for _ in docs]
    lengths = np.array([len(doc) for doc in docs], dtype=np.int64)
    if not lengths.any():
        return out
    model = ner.model
    lower, upper = model.get_ref("lower"), model.get_ref("upper")
    n_f, n_o, n_p = (lower.get_dim(d) for d in ("nF", "nO", "nP"))
    tokvecs = model.get_ref("tok2vec").predict(docs)
    table = lower.predict(tokvecs).reshape(-1, n_f, n_o * n_p)  # row 0: padding
    bias = lower.get_param("b").reshape(n_o * n_p)
    weights, upper_bias = upper.get_param("W"), upper.get_param("b")
    # per token of the batch: whitespace (cannot start an entity), starts a sentence
    space = np.concatenate([doc.to_array("IS_SPACE") for doc in docs] + [[0]]).astype(bool)
    sent = np.concatenate([doc.to_array("SENT_START") for doc in docs] + [[0]]) == 1

    order = np.argsort(-lengths, kind="stable")
    offsets = (np.cumsum(lengths) - lengths)[order]
    ends = lengths[order]
    active = np.searchsorted(-ends, -np.arange(ends[0]), side="left")  # texts left at t
    is_open = np.zeros(len(docs), dtype=bool)
    open_label = np.zeros(len(docs), dtype=np.int64)
    open_start = np.zeros(len(docs), dtype=np.int64)
    open_logp = np.zeros(len(docs))
    found: list[tuple[np.ndarray, ...]] = []
    for t in range(int(ends[0])):
        n = int(active[t])
        opened = is_open[:n]
        here = offsets[:n] + t
        first = np.where(opened, offsets[:n] + open_start[:n], -1)
        before = np.where(opened, here - 1, -1)
        hidden = table[here + 1, 0] + table[first + 1, 1]
        hidden += table[before + 1, 2]
        hidden += bias
        pieces = hidden.reshape(n, n_o, n_p)
        hidden = pieces[:, :, 0].copy()  # maxout, piece by piece (a reduce is slower here)
        for piece in range(1, n_p):
            np.maximum(hidden, pieces[:, :, piece], out=hidden)
        scores = gemm(hidden, weights, trans2=True)
        scores += upper_bias
        two_left = ends[:n] - t >= 2
        valid = valid_moves(kinds, numbers, opened, open_label[:n], two_left,
                            sent[here + 1] & two_left, space[here])
        # a state always has a valid move: "out" when no entity is open, "last" of the
        # open entity's label otherwise
        masked = np.where(valid, scores, -np.inf)
        guess = masked.argmax(axis=1)
        kind, number = kinds[guess], numbers[guess]
        masked -= masked[np.arange(n), guess][:, None]
        logp = -np.log(np.exp(masked).sum(axis=1))  # log softmax of the move taken
        begin = np.flatnonzero(kind == BEGIN)
        is_open[begin], open_label[begin], open_start[begin] = True, number[begin], t
        open_logp[begin] = logp[begin]
        inside = np.flatnonzero(kind == IN)
        open_logp[inside] += logp[inside]
        closed = np.flatnonzero(kind == LAST)
        if closed.size:
            found.append((closed, open_start[closed], np.full(closed.size, t + 1),
                          open_label[closed], open_logp[closed] + logp[closed]))
            is_open[closed] = False
        unit = np.flatnonzero(kind == UNIT)
        if unit.size:
            found.append((unit, np.full(unit.size, t), np.full(unit.size, t + 1),
                          number[unit], logp[unit]))
    for rows, starts, stops, label_numbers, logps in found:
        for row, start, stop, number, lp in zip(rows.tolist(), starts.tolist(),
                                                stops.tolist(), label_numbers.tolist(),
                                                np.exp(logps).tolist()):
            out[int(order[row])].append((start, stop, labels[number], lp))
    for ents in out:
        ents.sort()
    return out


register_factories()  # spaCy registers its own factories lazily
_NER = Language.get_factory_meta("ner")


@Language.factory("kg_ner", assigns=_NER.assigns, default_config=_NER.default_config,
                  default_score_weights=_NER.default_score_weights)
def make_greedy_ner(nlp: Language, name: str, model: Any, moves: Any,
                    update_with_oracle_cut_size: int, incorrect_spans_key: str | None,
                    scorer: Any) -> GreedyEntityRecognizer:
    """spaCy's ``ner`` factory, with the batch-wide greedy decoder."""
    return GreedyEntityRecognizer(
        nlp.vocab, model, name=name, moves=moves,
        update_with_oracle_cut_size=update_with_oracle_cut_size,
        incorrect_spans_key=incorrect_spans_key, scorer=scorer)
