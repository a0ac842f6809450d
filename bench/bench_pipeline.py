"""Speed and memory of every build stage (issue 7), on a given corpus or N generated abstracts.

For each stage: wall time, CPU time, throughput, peak memory and the load average at its
end. The stages run in one process, as in ``kg build``; a sampler thread (psutil) records
the memory of this process plus its children (the forked extraction workers and the
forked RDF writer) and keeps the peak *while each stage runs*, so a stage's peak includes
what earlier stages still hold, as it does in a real build. Two figures: the sum of RSS
(every 50 ms; pages a forked child shares copy-on-write are counted once per process, an
upper bound) and the sum of PSS (every 0.5 s; shared pages split between their sharers:
what the processes hold together).

Stages: ingest → model load → extract → resolve → graph (KnowledgeGraph) → write (every
output of ``kg build`` through ``kg.export.write_outputs``: JSONL records, GraphML and
node-link, graph.ttl/.nt/.jsonld, HTML views, the extraction cache; the RDF export runs in
a forked process beside the others) → RDF load (Oxigraph bulk load of graph.nt) → SPARQL
(every ready query, bound as its comment says to the most linked entity and one of its
papers, median of 3). RDF load and SPARQL are query time, not part of ``kg build``.
The extract row also reports the ratio of its time to bare spaCy tokenization
(``nlp.tokenizer.pipe``) of the same texts, measured in the same run: the floor.

Generated corpora ("realistic abstracts") are composed from the sentences and the
name-like tokens (model, dataset, metric names) of the five bundled listings: each
abstract takes as many shuffled sentences as a random real abstract has, and each name in
them is swapped, half of the time, for another name of the listings, sometimes with a
version or size suffix ("-v2", "-7B"), so the entity vocabulary grows with the corpus as
it does in real listings. The seed makes it deterministic.

Run (from the repository root; results go to bench/results/pipeline-NAME.{json,md}):

    nice -n 10 python bench/bench_pipeline.py                 # the bundled listings
    nice -n 10 python bench/bench_pipeline.py --n 10000       # 10k generated abstracts
    nice -n 5 python bench/bench_pipeline.py --n 100000       # 100k (about half an hour)
    python bench/bench_pipeline.py --corpus my.jsonl --name mine
    python bench/bench_pipeline.py --cli                      # also a cold `kg build`
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, not an installed copy

import kg  # noqa: E402

RESULTS = ROOT / "bench" / "results"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
#: Name-like tokens: a capital and a later capital or digit ("GPT-4", "ImageNet-1K", "MMLU").
_NAME = re.compile(r"\b[A-Z][A-Za-z]*(?:[A-Z0-9][A-Za-z0-9]*)(?:[-.][A-Za-z0-9]+)*\b")
_SUFFIXES = ["", "", "", "", "-2", "-v2", "-XL", "-7B", "++", " 3", "-Large", "-1K"]
_ORGS = ["Meta", "Google", "allenai Ai2", "Microsoft", "NVIDIA", "Alibaba", "Tsinghua", None]


# corpus -----------------------------------------------------------------------------------
def generate(n: int, path: Path, *, seed: int = 0) -> Path:
    """Write ``n`` realistic abstracts as JSONL records to ``path``."""
    from kg.ingest import bundled_listings, read_papers

    papers = read_papers(bundled_listings())
    sentences = [s for p in papers for s in _SENTENCE.split(p.abstract) if len(s) > 20]
    counts = [len(_SENTENCE.split(p.abstract)) for p in papers]
    names = sorted({m for p in papers for m in _NAME.findall(f"{p.title} {p.abstract}")})
    titles = [p.title for p in papers]
    rng = random.Random(seed)

    def swap(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            if rng.random() < 0.5:
                return match.group(0)
            return rng.choice(names) + rng.choice(_SUFFIXES)
        return _NAME.sub(one, text)

    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            k = rng.choice(counts)
            abstract = " ".join(swap(s) for s in rng.sample(sentences, min(k, len(sentences))))
            record = {"arxiv_id": f"{2401 + i // 99999 % 99:04d}.{i % 99999:05d}",
                      "title": swap(rng.choice(titles)), "abstract": abstract,
                      "date": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                      "org": rng.choice(_ORGS)}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


# measuring --------------------------------------------------------------------------------
class RSSSampler:
    """Samples the RSS of this process and its children; keeps the peak of each window.

    The sum of RSS counts the copy-on-write pages a forked child shares with this process
    once per process (an upper bound). Every ``pss_every`` samples it also sums the PSS
    (proportional set size: a shared page is split between its sharers), which is the
    memory the processes really hold together; ``peak_pss`` keeps its peak.
    """

    def __init__(self, interval: float = 0.05, pss_every: int = 10) -> None:
        import psutil

        self.proc = psutil.Process()
        self.interval = interval
        self.pss_every = pss_every
        self.peak = 0
        self.peak_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def pss(self) -> int:
        import psutil

        total = 0
        try:
            for proc in [self.proc, *self.proc.children(recursive=True)]:
                try:
                    total += proc.memory_full_info().pss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        return total

    def rss(self) -> int:
        import psutil

        total = 0
        try:
            total = self.proc.memory_info().rss
            for child in self.proc.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        return total

    def _run(self) -> None:
        n = 0
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self.rss())
            n += 1
            if n % self.pss_every == 0:
                self.peak_pss = max(self.peak_pss, self.pss())

    def reset(self) -> int:
        now = self.rss()
        self.peak = now
        self.peak_pss = self.pss()
        return now

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class Bench:
    """Collects one row per stage; ``partial`` (a path) gets the rows after each stage."""

    def __init__(self, partial: Path | None = None) -> None:
        self.sampler = RSSSampler()
        self.rows: list[dict[str, Any]] = []
        self.partial = partial

    @contextmanager
    def stage(self, name: str, items: Callable[[], float] | float | None = None,
              unit: str = "papers") -> Iterator[dict[str, Any]]:
        row: dict[str, Any] = {"stage": name}
        start_rss = self.sampler.reset()
        cpu0 = cpu_seconds()
        t0 = time.perf_counter()
        yield row
        seconds = time.perf_counter() - t0
        cpu = cpu_seconds() - cpu0
        peak = max(self.sampler.peak, self.sampler.rss())
        peak_pss = max(self.sampler.peak_pss, self.sampler.pss())
        count = items() if callable(items) else items
        row.update(seconds=round(seconds, 3), cpu_seconds=round(cpu, 3),
                   start_rss_mb=round(start_rss / 2**20), peak_rss_mb=round(peak / 2**20),
                   peak_pss_mb=round(peak_pss / 2**20), unit=unit,
                   load_average=round(os.getloadavg()[0], 1))
        if count is not None:
            row["items"] = count
            row["throughput"] = round(count / seconds, 1) if seconds > 0 else None
            row["per_cpu_second"] = round(count / cpu, 1) if cpu > 0 else None
        self.rows.append(row)
        if self.partial is not None:
            self.partial.write_text(json.dumps(self.rows, indent=1) + "\n", encoding="utf-8")
        print(f"  {name:<12} {seconds:8.2f} s  peak {peak / 2**20:7.0f} MB  "
              + (f"{row.get('throughput')} {unit}/s" if count is not None else ""),
              file=sys.stderr, flush=True)


def run_stages(inputs: list[Path], work: Path, *, model: str | None, n_process: int | None,
               batch_size: int | None, html: bool, partial: Path | None = None,
               extract_limit: float | None = None) -> dict[str, Any]:
    """Run every stage once; return the rows and facts of the run."""
    from kg.cache import MentionCache, extractor_id
    from kg.distributed import BATCH_SIZE, PARALLEL_MIN_TEXTS, default_processes, pipeline
    from kg.export import write_outputs
    from kg.graph import KnowledgeGraph
    from kg.graph.store import build_cache, directory_store
    from kg.ingest import read_papers
    from kg.pipeline import extract_stage, texts_of
    from kg.query import sparql
    from kg.query.ready import ready_queries
    from kg.resolve import resolve

    bench = Bench(partial)
    facts: dict[str, Any] = {}
    out = work / "out"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    with bench.stage("ingest", lambda: len(papers)):
        papers = read_papers(inputs)
    n_papers = len(papers)
    texts = list(dict.fromkeys(t for t in texts_of(papers) if t.strip()))
    facts.update(papers=n_papers, distinct_texts=len(texts),
                 abstract_chars=sum(len(p.abstract) for p in papers))

    with bench.stage("model load"):
        nlp = pipeline(model)
    facts["pipeline"] = list(nlp.pipe_names)

    procs = n_process or (default_processes() if len(texts) >= PARALLEL_MIN_TEXTS else 1)
    if extract_limit is not None:
        return {"rows": [*bench.rows, partial_extraction(bench, texts, n_papers, procs, model,
                                                          batch_size, extract_limit)],
                "facts": facts, "partial": True}
    store = MentionCache(extractor_id(model))
    with bench.stage("extract", n_papers) as row:
        found, extracted, _ = extract_stage(papers, store, n_process=procs,
                                            batch_size=batch_size, model=model, progress=True)
    n_mentions = sum(len(v) for f in found.values() for v in f.values())
    extract_row = row
    row.update(processes=procs, batch_size=batch_size or BATCH_SIZE, texts=extracted,
               mentions=n_mentions, per_core=round(n_papers / row["seconds"] / procs, 1))

    with bench.stage("resolve", n_papers) as row:
        resolution = resolve(papers, found)
    row.update(mentions=n_mentions, entities=len(resolution.entities),
               links=len(resolution.links))
    del found

    with bench.stage("graph", n_papers):
        graph = KnowledgeGraph(papers, resolution.entities, resolution.links, resolution.merges)
    facts.update(entities=len(resolution.entities), links=len(resolution.links))
    del resolution

    # every output of `kg build` (records, graph formats, RDF, HTML, the extraction cache),
    # written as the build writes them: the RDF export in a forked process beside the rest
    timings: dict[str, float] = {}
    extra = [store.restrict(texts_of(papers)).writer()]
    with bench.stage("write", n_papers) as row:
        files = write_outputs(graph, out, html=html, extra=extra, timings=timings)
    del extra, store
    row["files"] = len(files)
    row["writers"] = {name: round(t, 2) for name, t in timings.items()}
    with open(out / "graph.nt", "rb") as fh:
        triples = sum(1 for _ in fh)
    facts["triples"] = triples

    with bench.stage("RDF load", triples, unit="triples"):
        build_cache(out)

    queries = ready_queries()
    values = hot_bindings(graph)
    with bench.stage("SPARQL", len(queries) * 3, unit="queries") as row:
        store = directory_store(out)
        medians = {}
        for name, q in queries.items():
            bound = {v: values[v] for v in bindable(q.comment) if v in values}
            runs = []
            for _ in range(3):
                t0 = time.perf_counter()
                res = sparql(store, q.text, **bound)
                runs.append(time.perf_counter() - t0)
            medians[name] = {"median_ms": round(1000 * statistics.median(runs), 1),
                             "rows": len(res) if isinstance(res, list) else None,
                             "bound": sorted(bound)}
        del store
    row["queries"] = medians
    row["max_median_ms"] = max(m["median_ms"] for m in medians.values())

    bench.sampler.stop()
    facts["load_average"] = os.getloadavg()
    facts["ru_maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    facts["ru_maxrss_children_mb"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    # the floor and the profile run last, so their Docs do not inflate the stages' memory
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    for _ in nlp.tokenizer.pipe(texts, batch_size=1000):
        pass
    tokenize, tokenize_cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    row = extract_row
    row.update(tokenize_seconds=round(tokenize, 3), tokenize_cpu_seconds=round(tokenize_cpu, 3),
               ratio_to_tokenizer=round(row["seconds"] / tokenize, 1),
               ratio_to_tokenizer_cpu=round(row["cpu_seconds"] / tokenize_cpu, 1))
    sample = texts[:1000]
    row["profile_texts"] = len(sample)
    row["profile_seconds"] = component_profile(nlp, sample, batch_size or BATCH_SIZE)
    build_rows = [r for r in bench.rows if r["stage"] in BUILD_STAGES]
    total = sum(r["seconds"] for r in build_rows)
    cpu_total = sum(r["cpu_seconds"] for r in build_rows)
    bench.rows.append({"stage": "kg build (sum of its stages)", "seconds": round(total, 3),
                       "cpu_seconds": round(cpu_total, 3), "items": n_papers, "unit": "papers",
                       "throughput": round(n_papers / total, 1),
                       "per_cpu_second": round(n_papers / cpu_total, 1),
                       "peak_rss_mb": max(r["peak_rss_mb"] for r in build_rows),
                       "peak_pss_mb": max(r["peak_pss_mb"] for r in build_rows)})
    return {"rows": bench.rows, "facts": facts}


#: The stages that make up a `kg build` (RDF load and SPARQL are query time).
BUILD_STAGES = ("ingest", "model load", "extract", "resolve", "graph", "write")


def cold_cli(inputs: list[Path], work: Path, model: str | None) -> dict[str, Any]:
    """A cold ``kg build`` in a fresh process (model load included): wall time, peak RSS."""
    from kg.ingest import bundled_listings

    out = work / "cli-out"
    shutil.rmtree(out, ignore_errors=True)
    given = [] if inputs == bundled_listings() else [str(p) for p in inputs]
    cmd = [sys.executable, "-m", "kg", "build", *given, "--out", str(out), "--quiet"]
    if model:
        cmd += ["--model", model]
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}  # this checkout's kg
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=work, env=env)
    seconds = time.perf_counter() - t0
    cpu = cpu_seconds() - cpu0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"command": " ".join(["kg", *cmd[3:]]), "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2), "load_average": os.getloadavg(),
            "peak_rss_mb": round(peak), "exit_code": proc.returncode,
            "summary": proc.stdout.strip().splitlines()[-1:] or proc.stderr[-500:]}


def partial_extraction(bench: Bench, texts: list[str], n_papers: int, procs: int,
                       model: str | None, batch_size: int | None, limit: float
                       ) -> dict[str, Any]:
    """Extract for at most ``limit`` seconds; the rate and memory at this scale, no graph."""
    from kg.distributed import BATCH_SIZE, PARTITION_SIZE, backend
    from kg.pipeline import _partitions

    done = mentions = 0
    with bench.stage("extract (partial)", lambda: done, unit="texts") as row:
        runner = backend(n_process=procs, texts=len(texts), model=model,
                         batch_size=batch_size or BATCH_SIZE)
        t0 = time.perf_counter()
        try:
            for result in runner.map(_partitions(texts, PARTITION_SIZE)):
                done += len(result)
                mentions += sum(map(len, result))
                if time.perf_counter() - t0 > limit:
                    break
        finally:
            runner.close()
    row.update(processes=procs, texts_total=len(texts), mentions=mentions,
               abstracts_equivalent=round(done * n_papers / len(texts)))
    return row


def bindable(comment: str) -> list[str]:
    """The variables a ready query's comment says to bind ("Bind ?paper and ?entity")."""
    found = re.search(r"Bind (.*?)(?:;|, and optionally|$)", comment, flags=re.M)
    return re.findall(r"\?(\w+)", found.group(1)) if found else []


def hot_bindings(graph: Any) -> dict[str, Any]:
    """IRIs to bind: the most linked dataset, model and entity, and a paper linked to it.

    The most linked entity is the worst case of a bound query (the most rows to join).
    """
    from rdflib import URIRef

    from kg.graph.rdf import entity_iri, paper_iri

    entities = sorted(graph.entities(), key=lambda e: (-len(e.papers), e.id))
    out: dict[str, Any] = {}
    if not entities:
        return out
    out["entity"] = URIRef(entity_iri(entities[0].id))
    out["paper"] = URIRef(paper_iri(entities[0].papers[0]))
    for kind in ("Dataset", "Model"):
        top = next((e for e in entities if e.type == kind), None)
        if top is not None:
            out[kind.lower()] = URIRef(entity_iri(top.id))
    return out


def component_profile(nlp: Any, texts: list[str], batch_size: int) -> dict[str, float]:
    """Seconds spent in the tokenizer and in each pipeline component over ``texts``."""
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    docs = list(nlp.tokenizer.pipe(texts, batch_size=1000))
    out["tokenizer"] = round(time.perf_counter() - t0, 3)
    for name, proc in nlp.pipeline:
        t0 = time.perf_counter()
        if hasattr(proc, "pipe"):
            docs = list(proc.pipe(docs, batch_size=batch_size))
        else:
            docs = [proc(doc) for doc in docs]
        out[name] = round(time.perf_counter() - t0, 3)
    return out


def tune(inputs: list[Path], model: str | None, batch_sizes: list[int],
         processes: list[int], rounds: int = 3) -> list[dict[str, Any]]:
    """Extraction time for each (processes, batch size): what the defaults come from.

    The settings alternate over ``rounds`` rounds so that a slow spell of the machine (or the
    first run's warm-up) does not fall on one of them; each row gives the fastest round and
    the median, in wall and CPU seconds."""
    from kg.distributed import PARTITION_SIZE, backend, pipeline
    from kg.ingest import read_papers
    from kg.pipeline import _partitions, texts_of

    papers = read_papers(inputs)
    texts = list(dict.fromkeys(t for t in texts_of(papers) if t.strip()))
    pipeline(model)
    times: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for _ in range(rounds):
        for procs in processes:
            for size in batch_sizes:
                runner = backend(n_process=procs, model=model, batch_size=size)
                cpu0 = cpu_seconds()
                t0 = time.perf_counter()
                for _ in runner.map(_partitions(texts, PARTITION_SIZE)):
                    pass
                runner.close()
                times.setdefault((procs, size), []).append(
                    (time.perf_counter() - t0, cpu_seconds() - cpu0))
    rows = []
    for (procs, size), runs in times.items():
        seconds, cpu = min(w for w, _ in runs), min(c for _, c in runs)
        median_cpu = statistics.median(c for _, c in runs)
        rows.append({"processes": procs, "batch_size": size, "rounds": len(runs),
                     "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
                     "median_cpu_seconds": round(median_cpu, 2),
                     "abstracts_per_s": round(len(papers) / seconds, 1),
                     "abstracts_per_cpu_s": round(len(papers) / cpu, 1),
                     "load_average": os.getloadavg()[0], "texts": len(texts)})
        print(f"  {procs} proc, batch {size:>4}: {seconds:7.2f} s wall, {cpu:7.2f} s CPU "
              f"(median {median_cpu:.2f}), {len(papers) / cpu:6.1f} abstracts per CPU-s",
              file=sys.stderr, flush=True)
    return rows


# reporting --------------------------------------------------------------------------------
def markdown(result: dict[str, Any]) -> str:
    """The markdown table of a run."""
    f = result["facts"]
    lines = [f"### {result['name']}: {f['papers']} papers, {f['entities']} entities, "
             f"{f['links']} links, {f['triples']} triples",
             "",
             f"{result['when']} · {result['machine']} · model `{result['model']}` · "
             f"pipeline {', '.join(f['pipeline'])} · load average at the end "
             f"{f['load_average'][0]:.1f} (the machine is shared: compare CPU seconds)",
             "",
             "| stage | wall s | CPU s | throughput (wall) | per CPU-s | peak RSS MB | "
             "peak PSS MB | load | notes |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in result["rows"]:
        tp = f"{r['throughput']:,} {r['unit']}/s" if r.get("throughput") else ""
        per_cpu = f"{r['per_cpu_second']:,}" if r.get("per_cpu_second") else ""
        notes = ""
        if r["stage"] == "extract":
            notes = (f"{r['processes']} proc, batch {r['batch_size']}; "
                     f"{r['ratio_to_tokenizer_cpu']}x the CPU time of bare tokenization "
                     f"({r['tokenize_cpu_seconds']} s; wall {r['ratio_to_tokenizer']}x); "
                     f"time by component on {r['profile_texts']} texts: "
                     + ", ".join(f"{k} {v} s" for k, v in r["profile_seconds"].items()))
        elif r["stage"] == "resolve":
            notes = f"{r['mentions']:,} mentions → {r['entities']:,} entities"
        elif r["stage"] == "SPARQL":
            notes = f"{len(r['queries'])} ready queries, slowest median {r['max_median_ms']} ms"
        elif r["stage"] == "write":
            notes = (f"{r['files']} files; wall s by writer: "
                     + ", ".join(f"{k} {v}" for k, v in r["writers"].items()))
        pss = f"{r['peak_pss_mb']:,}" if r.get("peak_pss_mb") else ""
        load = f"{r['load_average']:.1f}" if r.get("load_average") is not None else ""
        lines.append(f"| {r['stage']} | {r['seconds']:.2f} | {r.get('cpu_seconds', 0):.2f} | "
                     f"{tp} | {per_cpu} | {r['peak_rss_mb']:,} | {pss} | {load} | {notes} |")
    if result.get("cli"):
        c = result["cli"]
        lines += ["", f"Cold `{c['command']}` in a fresh process: **{c['seconds']} s** wall, "
                      f"{c['cpu_seconds']} s CPU, peak RSS {c['peak_rss_mb']} MB "
                      f"(exit {c['exit_code']}; load average {c['load_average'][0]:.1f})."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", nargs="*", type=Path, default=None,
                    help="input files (default: the bundled listings, or --n generated)")
    ap.add_argument("--n", type=int, default=None, help="generate N abstracts")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--model", default=None, help="model directory (default: packaged)")
    ap.add_argument("--processes", type=int, default=None, help="extraction processes")
    ap.add_argument("--batch-size", type=int, default=None)
    ap.add_argument("--name", default=None, help="result name (default: bundled or N)")
    ap.add_argument("--work", type=Path, default=None, help="work directory (default: temp)")
    ap.add_argument("--no-html", action="store_true", help="do not write the HTML views")
    ap.add_argument("--cli", action="store_true", help="also time a cold `kg build`")
    ap.add_argument("--extract-limit", type=float, default=None, metavar="SECONDS",
                    help="stop extraction after SECONDS and skip the later stages: the "
                         "ingest, the extraction rate and memory at this scale only")
    ap.add_argument("--tune", action="store_true",
                    help="only time extraction for processes 1,2 x batch sizes 16..256")
    args = ap.parse_args(argv)

    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.corpus:
        inputs, name = list(args.corpus), args.name or "corpus"
    elif args.n:
        name = args.name or (f"{args.n // 1000}k" if args.n >= 1000 else str(args.n))
        t0 = time.perf_counter()
        inputs = [generate(args.n, work / f"generated-{args.n}.jsonl", seed=args.seed)]
        print(f"generated {args.n} abstracts in {time.perf_counter() - t0:.1f} s",
              file=sys.stderr)
    else:
        from kg.ingest import bundled_listings

        inputs, name = bundled_listings(), args.name or "bundled"
    model = str(Path(args.model).resolve()) if args.model else None
    RESULTS.mkdir(parents=True, exist_ok=True)
    print(f"bench {name}: {', '.join(map(str, inputs[:3]))}", file=sys.stderr)
    result: dict[str, Any] = {
        "name": name, "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} CPUs, "
                   f"Python {platform.python_version()}",
        "model": args.model or "packaged",
        "kg": str(Path(kg.__file__).parent),  # the checkout measured (sys.path[0] above)
        "command": "python bench/bench_pipeline.py " + " ".join(argv or sys.argv[1:]),
    }
    if args.tune:
        rows = tune(inputs, model, [8, 16, 64], [1, 2])
        result["tuning"] = rows
        (RESULTS / f"tune-{name}.json").write_text(json.dumps(result, indent=1) + "\n",
                                                   encoding="utf-8")
        return 0
    result.update(run_stages(inputs, work, model=model, n_process=args.processes,
                             batch_size=args.batch_size, html=not args.no_html,
                             partial=RESULTS / f"pipeline-{name}.partial.json",
                             extract_limit=args.extract_limit))
    (RESULTS / f"pipeline-{name}.partial.json").unlink(missing_ok=True)
    if args.cli:
        result["cli"] = cold_cli(inputs, work, model)
    (RESULTS / f"pipeline-{name}.json").write_text(json.dumps(result, indent=1) + "\n",
                                                   encoding="utf-8")
    if not result.get("partial"):
        table = markdown(result)
        (RESULTS / f"pipeline-{name}.md").write_text(table, encoding="utf-8")
        print(table)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
