"""The Hugging Face daily-papers listing reader, on every layout and the shared listings."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from kg.ingest import iter_papers, read_papers
from kg.model import Problem

FIXTURES = Path(__file__).parent / "fixtures"
META_LINE = re.compile(r"^(new|Subscribe|Daily Papers|byAK .*|Get trending .*|·|•.*|\d+ authors?|"
                       r"[A-Z][a-z]{2} \d{1,2}(, \d{4})?( \d+)?)$")


def read_one(name: str) -> tuple[list, list[Problem]]:
    problems: list[Problem] = []
    papers = list(iter_papers(FIXTURES / name, on_problem=problems.append))
    return papers, problems


def test_blank_line_layout_skips_the_page_header():
    papers, problems = read_one("hf_blank.txt")
    assert problems == []
    assert [p.title for p in papers] == [
        "Zero-Shot Needs Data: Concept Frequency Determines Performance",
        "Continual Pre-Training of Large Language Models: How to (re)warm your model?",
    ]
    assert [p.sources[0].line for p in papers] == [13, 17]
    assert papers[0].abstract.startswith("We study how pretraining data frequency")
    assert papers[0].urls == ["https://github.com/example/zs"]
    # the page date "Jul 30" is not an entry's date
    assert all(p.date is None and p.date_text is None for p in papers)


def test_compact_layout_with_header_glued_onto_first_title():
    papers, problems = read_one("hf_compact.txt")
    assert problems == []
    assert [p.title for p in papers] == [
        "Zero-Shot Needs Data: Concept Frequency Determines Performance",
        "TÜLU 3: Pushing Frontiers in Open Language Model Post-Training",
    ]
    assert [p.sources[0].line for p in papers] == [3, 5]
    assert "TÜLU 3" in papers[1].abstract and "scratch–even" in papers[1].abstract


def test_meta_lines_give_authors_org_date_and_upvotes():
    papers, problems = read_one("hf_meta.txt")
    assert problems == []
    got = {p.title.split(":")[0]: p for p in papers}
    assert list(got) == ["UniTabE", "How2Everything", "TÜLU 3", "Zero-Shot Needs Data"]
    unitabe = got["UniTabE"]
    assert (unitabe.author_count, unitabe.date, unitabe.date_text, unitabe.upvotes) == (
        5, "2023-07-18", "Jul 18, 2023", None)
    how2 = got["How2Everything"]
    assert (how2.org, how2.author_count, how2.date, how2.date_text, how2.upvotes) == (
        "allenai Ai2", None, None, "Feb 9", 2)
    tulu = got["TÜLU 3"]
    assert (tulu.author_count, tulu.date, tulu.upvotes) == (23, "2024-11-22", 3)
    last = got["Zero-Shot Needs Data"]
    assert (last.author_count, last.org, last.date) == (None, None, None)
    assert all(p.abstract and p.abstract != p.title for p in papers)


def test_title_without_abstract_is_reported_and_skipped():
    papers, problems = read_one("hf_missing_abstract.txt")
    assert [p.title for p in papers] == [
        "Zero-Shot Needs Data: Concept Frequency Determines Performance"]
    assert [(p.line, "no abstract" in p.message) for p in problems] == [(3, True), (9, True)]
    assert all(str(p).startswith(f"{p.file}:{p.line}: ") for p in problems)


def test_an_abstract_without_title_is_reported(tmp_path):
    path = tmp_path / "orphan.txt"
    body = "We propose a method. " * 20
    path.write_text(f"Daily Papers\n\n{body}\n\nA Real Title\n\n{body}\n", encoding="utf-8")
    problems: list[Problem] = []
    papers = list(iter_papers(path, format="hf", on_problem=problems.append))
    assert [p.title for p in papers] == ["A Real Title"]
    assert [(p.line, "without a title" in p.message) for p in problems] == [(3, True)]


def test_a_second_abstract_paragraph_is_joined(tmp_path):
    path = tmp_path / "two_paragraphs.txt"
    first, second = "First part of the abstract. " * 12, "Second part follows here. " * 12
    path.write_text(f"A Title\n\n{first}\n\n{second}\n\nNext Title\n\n{first}\n", "utf-8")
    papers = list(iter_papers(path, format="hf", on_problem=pytest.fail))
    assert [p.title for p in papers] == ["A Title", "Next Title"]
    assert papers[0].abstract == (first + second).strip()


# -- the shared listings ------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared(listings_dir):
    files = sorted(listings_dir.glob("*.txt"))
    problems: list[Problem] = []
    entries = [p for f in files for p in iter_papers(f, on_problem=problems.append)]
    papers = read_papers(files, on_problem=problems.append)
    return files, entries, papers, problems


def test_shared_listings_hold_471_entries_of_369_papers(shared):
    files, entries, papers, problems = shared
    assert len(files) == 5
    assert problems == []
    assert len(entries) == 471
    assert len(papers) == 369
    assert sum(len(p.sources) for p in papers) == 471
    assert len({p.id for p in papers}) == 369
    all_sources = [s for p in papers for s in p.sources]
    assert len(set(all_sources)) == 471  # nothing duplicated, nothing dropped


def test_every_entry_has_an_abstract_and_no_meta_line_is_a_paper(shared):
    _, entries, _, _ = shared
    for p in entries:
        assert p.abstract and len(p.abstract) > len(p.title)
        assert not META_LINE.match(p.title), p.title
        assert not META_LINE.match(p.abstract), p.abstract
        assert not p.title.startswith("Subscribe")


def test_entries_per_file_and_first_title(shared):
    files, entries, _, _ = shared
    per_file = Counter(Path(p.sources[0].file).name for p in entries)
    assert [per_file[f.name] for f in files] == [78, 226, 48, 74, 45]
    first_of_001 = next(p for p in entries if p.sources[0].file.endswith(files[1].name))
    assert first_of_001.title.startswith('No "Zero-Shot" Without Exponential Data')
    assert first_of_001.sources[0].line == 3


def test_spot_checks(shared):
    _, entries, papers, _ = shared
    unitabe = [p for p in entries if p.title.startswith("UniTabE")]
    with_meta = [p for p in unitabe if p.author_count is not None]
    assert len(with_meta) == 1
    assert with_meta[0].author_count == 5
    assert with_meta[0].date_text == "Jul 18, 2023" and with_meta[0].date == "2023-07-18"
    merged = next(p for p in papers if p.title.startswith("UniTabE"))
    assert merged.author_count == 5 and merged.date == "2023-07-18"
    assert len(merged.sources) == len(unitabe) == 4
    how2 = next(p for p in papers if p.title.startswith("How2Everything"))
    assert how2.org == "allenai Ai2"
    tulu = next(p for p in papers if p.title.startswith("TÜLU 3"))
    assert "T\\\"ULU" not in tulu.abstract and "TÜLU 3" in tulu.abstract
    assert (tulu.author_count, tulu.date, tulu.upvotes) == (23, "2024-11-22", 3)


def test_meta_counts_of_the_listing_with_meta_lines(shared):
    files, entries, _, _ = shared
    meta_file = [p for p in entries if p.sources[0].file.endswith(files[2].name)]
    assert sum(p.author_count is not None for p in meta_file) == 43
    assert sum(p.org is not None for p in meta_file) == 1
    assert sum(p.date_text is not None for p in meta_file) == 44
    assert sum(p.upvotes is not None for p in meta_file) == 9  # grep -c of "Mon D[, Y] N"


def test_header_text_is_unglued_only_right_after_the_header(tmp_path):
    body = "We propose a method for a task and show that it works well on benchmarks. " * 5
    path = tmp_path / "glued.txt"
    path.write_text(f"new\nSubscribeDaily PapersFirst Title\n{body}\n"
                    f"SubscribeNet: A Title That Starts Like The Header\n{body}\n", "utf-8")
    papers = list(iter_papers(path, format="hf", on_problem=pytest.fail))
    assert [p.title for p in papers] == [
        "First Title", "SubscribeNet: A Title That Starts Like The Header"]
