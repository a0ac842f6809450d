"""JSONL, CSV, BibTeX and arXiv-dump readers, format sniffing and cross-format merging."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kg.errors import UsageError
from kg.ingest import FORMATS, iter_papers, read_papers
from kg.ingest.sniff import sniff
from kg.model import Problem, Source

FIXTURES = Path(__file__).parent / "fixtures"
ZERO_SHOT = "Zero-Shot Needs Data: Concept Frequency Determines Performance"


def read_one(name: str, **kwargs) -> list:
    return list(iter_papers(FIXTURES / name, on_problem=pytest.fail, **kwargs))


def test_formats_are_the_documented_five():
    assert FORMATS == ("hf", "jsonl", "csv", "bibtex", "arxiv")


def test_jsonl_fields_and_id_schemes():
    first, second, third = read_one("papers.jsonl")
    assert first.id == "arxiv:2404.04125" and first.arxiv_id == "2404.04125"
    assert first.authors == ["Vishaal Udandarao", "Ameya Prabhu"]
    assert first.date == "2024-04-04"
    assert first.urls == ["https://arxiv.org/abs/2404.04125", "https://github.com/example/zs"]
    assert second.abstract.startswith("Large language models")  # from "summary"
    assert second.id == "doi:10.48550/arxiv.2308.04014"
    assert second.authors == ["Kshitij Gupta", "Benjamin Therien"]
    # a local id ("p7") is not globally unique, so the title key is used
    assert third.id.startswith("title:") and third.authors == ["Ada Lovelace", "Alan Turing"]
    assert third.abstract.startswith("Tabular data")  # from "text"


def test_json_array_file(tmp_path):
    path = tmp_path / "papers.json"
    records = [{"title": "One", "abstract": "First abstract."},
               {"title": "Two", "abstract": "Second abstract."}]
    path.write_text("[\n  " + ",\n  ".join(json.dumps(r) for r in records) + "\n]\n", "utf-8")
    papers = list(iter_papers(path, on_problem=pytest.fail))
    assert [(p.title, p.sources[0].line) for p in papers] == [("One", 2), ("Two", 3)]


def test_csv_with_multiline_field_and_case_insensitive_header():
    first, second = read_one("papers.csv")
    assert first.title == ZERO_SHOT and first.id == "arxiv:2404.04125"
    assert first.authors == ["Vishaal Udandarao", "Ameya Prabhu"]
    assert (first.date, first.date_text) == ("2024-04-04", "Apr 4, 2024")
    assert second.sources[0].line == 3
    assert "\n" not in second.abstract and second.authors == ["Yazheng Yang", "Yuqi Wang"]
    assert (second.date, second.date_text) == (None, "2023")


def test_tsv(tmp_path):
    path = tmp_path / "papers.tsv"
    path.write_text("title\tabstract\tauthors\nA, B and C\tAn abstract, with commas.\tX; Y\n",
                    "utf-8")
    (paper,) = list(iter_papers(path, on_problem=pytest.fail))
    assert (paper.title, paper.abstract, paper.authors) == (
        "A, B and C", "An abstract, with commas.", ["X", "Y"])


def test_bibtex_fields_latex_and_missing_abstract():
    problems: list[Problem] = []
    papers = list(iter_papers(FIXTURES / "papers.bib", on_problem=problems.append))
    zero, tulu = papers
    assert zero.title == 'No "Zero-Shot" Without Exponential Data'
    assert zero.id == "arxiv:2404.04125" and zero.sources == [
        Source(str(FIXTURES / "papers.bib"), 2)]
    assert zero.authors == ["Vishaal Udandarao", "Ameya Prabhu"]  # "others" dropped
    assert zero.date_text == "Apr 2024" and zero.date is None
    assert zero.abstract.endswith("It reaches 5% more.")
    assert tulu.title == "TÜLU 3: Pushing Frontiers in Open Language Model Post-Training"
    assert tulu.id == "doi:10.48550/arxiv.2411.15124"
    assert tulu.authors == ["Nathan Lambert", "Jacob Morrison"]
    assert [(p.line, "no abstract" in p.message) for p in problems] == [(20, True)]


def test_arxiv_snapshot():
    zero, old = read_one("arxiv_snapshot.json")
    assert zero.id == "arxiv:2404.04125" and zero.arxiv_id == "2404.04125"
    assert zero.title == ZERO_SHOT  # the dump's line break inside the title is collapsed
    assert zero.authors == ["Vishaal Udandarao", "Ameya Prabhu", "Adhiraj Ghosh"]
    assert zero.date == "2024-04-04"  # first version, not update_date
    assert old.arxiv_id == "hep-th/9901001" and old.doi == "10.1103/physrevd.1.1"
    assert old.id == "doi:10.1103/physrevd.1.1"


@pytest.mark.parametrize(("name", "expected"), [
    ("hf_blank.txt", "hf"), ("hf_compact.txt", "hf"), ("hf_meta.txt", "hf"),
    ("papers.jsonl", "jsonl"), ("papers.csv", "csv"), ("papers.bib", "bibtex"),
    ("arxiv_snapshot.json", "arxiv"),
])
def test_sniff_by_extension_and_content(name, expected):
    assert sniff(FIXTURES / name) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("papers.jsonl", "jsonl"), ("papers.csv", "csv"), ("papers.bib", "bibtex"),
    ("arxiv_snapshot.json", "arxiv"), ("hf_meta.txt", "hf"),
])
def test_sniff_by_content_alone(tmp_path, name, expected):
    copy = tmp_path / "input.dat"
    shutil.copy(FIXTURES / name, copy)
    assert sniff(copy) == expected


def test_format_overrides_sniffing(tmp_path):
    path = tmp_path / "listing.csv"  # a listing page with a misleading extension
    shutil.copy(FIXTURES / "hf_meta.txt", path)
    problems: list[Problem] = []
    assert list(iter_papers(path, on_problem=problems.append)) == []  # read as CSV
    assert problems and "no paper found" in problems[-1].message
    papers = list(iter_papers(path, format="hf", on_problem=pytest.fail))
    assert len(papers) == 4


def test_unknown_format_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown input format 'xml'.*hf, jsonl"):
        read_papers([FIXTURES / "papers.jsonl"], format="xml")


def test_one_paper_from_every_format_merges_into_one():
    files = ["hf_blank.txt", "papers.jsonl", "papers.csv", "arxiv_snapshot.json"]
    papers = read_papers([FIXTURES / f for f in files], on_problem=pytest.fail)
    zero = [p for p in papers if p.title == ZERO_SHOT]
    assert len(zero) == 1
    (zero,) = zero
    # the listing gave no id, the JSONL an arXiv id: the merged paper takes the arXiv id
    assert zero.id == "arxiv:2404.04125"
    assert [(Path(s.file).name, s.line) for s in zero.sources] == [
        ("hf_blank.txt", 13), ("papers.jsonl", 1), ("papers.csv", 2),
        ("arxiv_snapshot.json", 1)]
    assert zero.authors == ["Vishaal Udandarao", "Ameya Prabhu"]  # first seen with names
    assert zero.urls == ["https://github.com/example/zs", "https://arxiv.org/abs/2404.04125"]
    assert len({p.id for p in papers}) == len(papers)
    assert [p.title for p in papers][:2] == [
        ZERO_SHOT, "Continual Pre-Training of Large Language Models: How to (re)warm your model?"]


def test_a_file_given_twice_is_read_once():
    path = FIXTURES / "hf_blank.txt"
    papers = read_papers([path, str(path)], on_problem=pytest.fail)
    assert [len(p.sources) for p in papers] == [1, 1]


def test_gzip_compressed_input_is_read_and_sniffed(tmp_path):
    import gzip

    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(gzip.compress((FIXTURES / "arxiv_snapshot.json").read_bytes()))
    assert sniff(path) == "arxiv"
    papers = list(iter_papers(path, on_problem=pytest.fail))
    assert [p.id for p in papers] == ["arxiv:2404.04125", "doi:10.1103/physrevd.1.1"]


def test_truncated_gzip_is_reported(tmp_path):
    import gzip

    path = tmp_path / "cut.jsonl.gz"
    rows = "".join(json.dumps({"title": f"Paper {i}", "abstract": f"Abstract {i * 7919}."}) + "\n"
                   for i in range(5000))
    data = gzip.compress(rows.encode("utf-8"))
    path.write_bytes(data[: len(data) // 2])
    problems: list[Problem] = []
    papers = list(iter_papers(path, on_problem=problems.append))
    assert papers  # the records before the cut are kept
    assert problems and "reading stopped" in str(problems[-1])
