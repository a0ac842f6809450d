"""WordSetMatcher: the same matches, in the same order, as spaCy's Matcher."""

from __future__ import annotations

import random
from typing import Any

import spacy
from spacy.matcher import Matcher
from spacy.tokens import Doc

from kg.extract.cues import read_cues
from kg.extract.wordsets import WordSetMatcher

Rules = list[tuple[str, list[dict[str, Any]]]]


def both(vocab: Any, rules: Rules) -> tuple[WordSetMatcher, Matcher]:
    matcher = Matcher(vocab)
    for name, pattern in rules:
        matcher.add(name, [pattern])
    fast = WordSetMatcher.compile(rules)
    assert fast is not None
    return fast, matcher


def test_the_cue_patterns_match_as_spacy_does() -> None:
    nlp = spacy.blank("en")
    fast, matcher = both(nlp.vocab, [(c.name, c.pattern) for c in read_cues()["cues"]])
    words = sorted({w for rule in read_cues()["cues"] for spec in rule.pattern
                    for w in spec["LOWER"]["IN"]} | {"BERT", "x", ","})
    rng = random.Random(7)
    texts = ["We also propose X and we further present Y, trained on Z.",
             "Our work first introduces BERT; results on GLUE outperform T5 compared with it.",
             "The paper also"]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
              for _ in range(300)]
    found = 0
    for text in texts:
        doc = nlp(text)
        assert fast(doc) == matcher(doc), text
        found += len(matcher(doc))
    assert found > 300  # the texts are full of overlapping matches


def test_random_patterns_with_optional_words() -> None:
    vocab = spacy.blank("en").vocab  # a bare Vocab() has no lower-cased forms
    rng = random.Random(11)
    found = 0
    letters = "abcd"
    for _ in range(200):
        rules: Rules = []
        for r in range(rng.randint(1, 4)):
            pattern = []
            for _ in range(rng.randint(1, 4)):
                spec: dict[str, Any] = {"LOWER": {"IN": rng.sample(letters, rng.randint(1, 2))}}
                if rng.random() < 0.5:
                    spec["OP"] = "?"
                pattern.append(spec)
            rules.append((f"r{r}", pattern))
        fast, matcher = both(vocab, rules)
        for _ in range(5):
            words = [rng.choice(letters.upper() + letters) for _ in range(rng.randint(0, 12))]
            doc = Doc(vocab, words=words)
            assert fast(doc) == matcher(doc), (rules, words)
            found += len(matcher(doc))
    assert found > 1000


def test_other_patterns_are_left_to_spacy() -> None:
    assert WordSetMatcher.compile([("a", [{"TEXT": "x"}])]) is None
    assert WordSetMatcher.compile([("a", [{"LOWER": "x", "OP": "+"}])]) is None
    assert WordSetMatcher.compile([("a", [{"LOWER": {"NOT_IN": ["x"]}}])]) is None
    assert WordSetMatcher.compile([("a", [{"LOWER": "x"}, {"LOWER": {"IN": ["y"]}}])])
