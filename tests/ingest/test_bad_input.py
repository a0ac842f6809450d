"""Bad input never stops reading: one problem per bad file or record, naming file and line."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest import iter_papers, read_papers
from kg.model import Problem

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "hf_blank.txt"


def read_all(paths, **kwargs) -> tuple[list, list[Problem]]:
    problems: list[Problem] = []
    papers = read_papers(paths, on_problem=problems.append, **kwargs)
    return papers, problems


def one_line(problem: Problem) -> str:
    text = str(problem)
    assert "\n" not in text and text.startswith(problem.file)
    return text


def test_missing_path_and_directory_are_reported(tmp_path):
    papers, problems = read_all([tmp_path / "nope.txt", tmp_path, GOOD])
    assert len(papers) == 2
    assert [(Path(p.file), p.line) for p in problems] == [(tmp_path / "nope.txt", None),
                                                          (tmp_path, None)]
    assert "no such file" in one_line(problems[0])
    assert "is a directory" in one_line(problems[1])


def test_binary_file(tmp_path):
    path = tmp_path / "model.bin"
    path.write_bytes(b"PK\x03\x04\x00\x00binary\nstuff\x00")
    papers, problems = read_all([path, GOOD])
    assert len(papers) == 2
    (problem,) = problems
    assert "binary file" in one_line(problem) and problem.line == 1


def test_empty_and_blank_files(tmp_path):
    empty, blank = tmp_path / "empty.jsonl", tmp_path / "blank.txt"
    empty.write_bytes(b"")
    blank.write_text("\n \n\t\n", "utf-8")
    papers, problems = read_all([empty, GOOD, blank])
    assert len(papers) == 2
    assert [(Path(p.file).name, "empty file" in one_line(p)) for p in problems] == [
        ("empty.jsonl", True), ("blank.txt", True)]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root can read files without read permission")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.txt"
    shutil.copy(GOOD, path)
    path.chmod(0)
    papers, problems = read_all([path, GOOD])
    assert len(papers) == 2
    assert "cannot be read" in one_line(problems[0])


def test_wrong_encoding_is_decoded_with_replacement_and_a_warning(tmp_path):
    path = tmp_path / "latin1.txt"
    text = GOOD.read_text("utf-8").replace("Zero-Shot Needs Data", "Zéro-Shot Needs Data")
    path.write_bytes(text.encode("latin-1"))
    papers, problems = read_all([path])
    assert len(papers) == 2  # nothing lost
    assert papers[0].title == "Z\ufffdro-Shot Needs Data: Concept Frequency Determines Performance"
    (problem,) = problems
    assert problem.line == 13 and problem.severity == "warning"
    assert "not valid UTF-8" in one_line(problem)


def test_utf8_bom_and_utf16_are_read(tmp_path):
    bom, wide = tmp_path / "bom.txt", tmp_path / "wide.txt"
    text = GOOD.read_text("utf-8")
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    wide.write_bytes(text.encode("utf-16"))
    papers, problems = read_all([bom, wide])
    assert problems == []
    assert [len(p.sources) for p in papers] == [2, 2]


def test_malformed_json_lines():
    papers, problems = read_all([FIXTURES / "bad.jsonl"])
    assert [p.title for p in papers] == ["Good Paper One", "Good Paper Two"]
    assert [(p.line, p.message.split(" (")[0].split(";")[0]) for p in problems] == [
        (2, "malformed JSON"), (3, "record has no abstract"),
        (4, "expected a JSON object, got list")]
    for problem in problems:
        one_line(problem)


def test_malformed_csv_rows():
    papers, problems = read_all([FIXTURES / "bad.csv"])
    assert [p.title for p in papers] == ["Good Row One", "Good Row Two"]
    assert [p.line for p in problems] == [3, 5, 6]
    assert "malformed CSV row" in one_line(problems[0])
    assert "3 fields but the header at line 1 has 2" in one_line(problems[1])
    assert "no abstract" in one_line(problems[2])


def test_unterminated_quote_does_not_swallow_later_rows(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('title,abstract\n"T1","A1."\n"T2","never closed\n"T3","A3."\n', "utf-8")
    papers, problems = read_all([path])
    assert [p.title for p in papers] == ["T1", "T3"]
    assert [p.line for p in problems] == [3]


def test_malformed_bibtex_entry():
    papers, problems = read_all([FIXTURES / "bad.bib"])
    assert [(p.title, p.sources[0].line) for p in papers] == [
        ("Good Entry One", 1), ("Good Entry Two", 10)]
    (problem,) = problems
    assert problem.line == 6 and "malformed BibTeX entry" in one_line(problem)


def test_no_readable_input_raises_input_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    problems: list[Problem] = []
    with pytest.raises(InputError, match=r"no paper could be read from 2 input\(s\)"):
        read_papers([empty, tmp_path / "missing.csv"], on_problem=problems.append)
    assert len(problems) == 2


def test_without_callback_problems_are_logged(tmp_path, caplog):
    with caplog.at_level("WARNING", logger="kg.ingest"):
        papers = read_papers([tmp_path / "missing.txt", GOOD])
    assert len(papers) == 2
    assert "missing.txt: error: no such file" in caplog.text


def test_iter_papers_streams(tmp_path):
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(2000):
            fh.write(f'{{"title": "Paper {i}", "abstract": "Abstract of paper {i}."}}\n')
    stream = iter_papers(path)
    first = next(stream)
    assert first.title == "Paper 0" and first.sources[0].line == 1
    assert sum(1 for _ in stream) == 1999


def test_read_error_is_reported(tmp_path, monkeypatch):
    """As root a chmod 0 file stays readable, so the OS error is simulated here."""
    path = tmp_path / "locked.txt"
    shutil.copy(GOOD, path)
    real_open = open

    def fake_open(file, *args, **kwargs):
        if Path(file) == path:
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("kg.ingest.textfile.open", fake_open, raising=False)
    papers, problems = read_all([path, GOOD])
    assert len(papers) == 2
    (problem,) = problems
    assert "cannot be read (Permission denied)" in one_line(problem)
