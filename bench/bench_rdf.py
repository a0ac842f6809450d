"""Benchmark the RDF side of kg: bulk load and ready queries at scale, and the export.

1. A synthetic graph of N papers (default 1,000,000, about 20M triples) shaped like the
   output of ``kg.graph.rdf``: papers with title, abstract, date and source record;
   entities of the five types with Zipf-like popularity; ~0.85 links per paper, each
   asserted and reified by a ``kg:Evidence`` node with its provenance, and the
   ``kg:CoOccurrence`` nodes ``kg build`` stores (computed by the same code). It is written as
   N-Triples, bulk-loaded into a fresh Oxigraph store (timed), and every ready query of
   ``ontology/queries`` runs ``--repeat`` times (median reported), unbound. Queries that
   take a binding also run bound: to a typical entity (the 90th percentile of popularity among
   linked entities of its type; the paper: one linked to that dataset) and to the most
   linked one ("worst": with Zipf-like popularity it has a few percent of all links).
2. ``--export``: build the bundled sample listings with ``kg.build`` and time
   ``to_rdf`` and ``write_rdf`` (graph.ttl, graph.nt, graph.jsonld).

Targets: bulk load ≤ 2 min and each query's median ≤ 200 ms at 1M papers; export < 5 s.

Usage::

    nice -n 10 python bench/bench_rdf.py --papers 100000        # a quick run
    nice -n 10 python bench/bench_rdf.py                        # 1M papers
    python bench/bench_rdf.py --papers 0 --export               # export time only
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.graph.namespace import ID, KG  # noqa: E402
from kg.graph.rdf import (  # noqa: E402
    confidence_literal,
    cooccurrence_blocks,
    key_hash,
    nt_lines,
)

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDF_S, RDF_P, RDF_O = (f"<http://www.w3.org/1999/02/22-rdf-syntax-ns#{n}>"
                       for n in ("subject", "predicate", "object"))
DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPES = ("Method", "Model", "Dataset", "Metric", "Task")
ROLES = (("uses", 0.3), ("mentions", 0.3), ("evaluatesOn", 0.2), ("proposes", 0.1),
         ("comparesWith", 0.1))
WORDS = ("neural graph sparse attention diffusion retrieval agent vision language reward "
         "policy token kernel contrastive latent benchmark robust efficient scalable").split()


def iri(term: Any) -> str:
    return f"<{term}>"


def lit(text: str, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"' + (f"^^<{XSD}{datatype}>" if datatype else "")


def synthetic(path: Path, papers: int, seed: int = 0) -> dict[str, Any]:
    """Write the synthetic graph to ``path``; return the bindings for the queries."""
    rng = random.Random(seed)
    n_entities = max(50, papers // 10)
    # Zipf-like popularity. Cumulative weights are computed once: rng.choices(weights=...)
    # would recompute them over every entity at each call (hours at 1M papers), and gives
    # the same draws as cum_weights.
    cum_weights = list(itertools.accumulate(1.0 / (i + 1) ** 1.1 for i in range(n_entities)))
    entities = range(n_entities)
    roles = [r for r, _ in ROLES]
    role_weights = list(itertools.accumulate(w for _, w in ROLES))
    k_weights = list(itertools.accumulate((0.4, 0.4, 0.12, 0.08)))
    links: list[tuple[int, int, str]] = []
    for p in range(papers):
        k = rng.choices((0, 1, 2, 3), cum_weights=k_weights)[0]
        for e in set(rng.choices(entities, cum_weights=cum_weights, k=k)):
            role = rng.choices(roles, cum_weights=role_weights)[0]
            links.append((p, e, role))
    counts: dict[int, set[int]] = {}
    for p, e, _ in links:
        counts.setdefault(e, set()).add(p)
    base = str(ID)

    def entity(e: int) -> str:
        return f"{base}entity/e{e}-{key_hash(str(e))}"

    def paper(p: int) -> str:
        return f"{base}paper/arxiv-{p}-{key_hash(str(p))}"

    kg = {name: iri(KG[name]) for name in KG.__annotations__}
    agents = [(f"{base}extractor/{c}-0-1-0", f"{base}extraction/{c}-0-1-0")
              for c in ("ner", "gazetteer")]
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        w = fh.write
        for p in range(papers):
            s = f"<{base}paper/arxiv-{p}-{key_hash(str(p))}>"
            title = " ".join(rng.choices(WORDS, k=6)).capitalize()
            src = f"<{base}source/{key_hash(f'listing.txt {p}')}>"
            w(f"{s} {RDF_TYPE} {kg['Paper']} .\n{s} <{DCT}identifier> {lit(f'arxiv:{p}')} .\n"
              f"{s} <{DCT}title> {lit(title)} .\n"
              f"{s} <{DCT}abstract> {lit(title + '. ' + ' '.join(rng.choices(WORDS, k=30)))} .\n"
              f"{s} <{DCT}date> {lit(f'2024-{1 + p % 12:02d}-{1 + p % 28:02d}', 'date')} .\n"
              f"{s} {kg['source']} {src} .\n{src} {RDF_TYPE} {kg['SourceRecord']} .\n"
              f"{src} {kg['file']} {lit('listing.txt')} .\n"
              f"{src} {kg['line']} {lit(str(p + 1), 'integer')} .\n")
            n += 9
        scheme = f"<{base}entities>"
        w(f"{scheme} {RDF_TYPE} <{SKOS}ConceptScheme> .\n")
        n += 1
        for e in range(n_entities):
            s = f"<{base}entity/e{e}-{key_hash(str(e))}>"
            w(f"{s} {RDF_TYPE} {kg[TYPES[e % 5]]} .\n"
              f"{s} <{SKOS}prefLabel> {lit(f'{TYPES[e % 5]} {e}')} .\n"
              f"{s} <{SKOS}inScheme> {scheme} .\n"
              f"{s} {kg['paperCount']} {lit(str(len(counts.get(e, ()))), 'integer')} .\n")
            n += 4
        # the kg:CoOccurrence nodes, computed by the code kg build uses
        by_paper: dict[int, tuple[set[str], set[str]]] = {}
        for p, e, role in links:
            linked, evaluated = by_paper.setdefault(p, (set(), set()))
            linked.add(entity(e))
            if role == "evaluatesOn":
                evaluated.add(entity(e))
        cooccurrence_triples = 0
        for block in cooccurrence_blocks(
                by_paper.values(), base=base,
                labels={entity(e): f"{TYPES[e % 5]} {e}" for e in range(n_entities)},
                types={entity(e): TYPES[e % 5] for e in range(n_entities)}):
            w(nt_lines(block))
            cooccurrence_triples += len(block[1])
        del by_paper
        n += cooccurrence_triples
        for i, (p, e, role) in enumerate(links):
            ps = f"<{base}paper/arxiv-{p}-{key_hash(str(p))}>"
            es = f"<{base}entity/e{e}-{key_hash(str(e))}>"
            ev = f"<{base}evidence/{key_hash(f'link {i}')}>"
            agent, activity = agents[i % 2]
            start = rng.randrange(0, 200)
            w(f"{ps} {kg[role]} {es} .\n{ev} {RDF_TYPE} {kg['Evidence']} .\n"
              f"{ev} {RDF_S} {ps} .\n{ev} {RDF_P} {kg[role]} .\n{ev} {RDF_O} {es} .\n"
              f"{ev} {kg['sentence']} {lit('We study ' + TYPES[e % 5] + f' {e}.')} .\n"
              f"{ev} {kg['surfaceText']} {lit(f'{TYPES[e % 5]} {e}')} .\n"
              f"{ev} {kg['textField']} {lit('abstract')} .\n"
              f"{ev} {kg['startOffset']} {lit(str(start), 'integer')} .\n"
              f"{ev} {kg['endOffset']} {lit(str(start + 9), 'integer')} .\n"
              f"{ev} {kg['confidence']} {lit(str(confidence_literal(rng.random())), 'decimal')} .\n"
              f"{ev} <{PROV}wasGeneratedBy> <{activity}> .\n"
              f"{ev} <{PROV}wasAttributedTo> <{agent}> .\n")
            n += 13
        for agent, activity in agents:
            w(f"<{agent}> {RDF_TYPE} {kg['Extractor']} .\n"
              f"<{agent}> {kg['componentName']} {lit(agent.rsplit('/', 1)[1][:-6])} .\n"
              f"<{agent}> {kg['componentVersion']} {lit('0.1.0')} .\n"
              f"<{activity}> {RDF_TYPE} {kg['Extraction']} .\n"
              f"<{activity}> <{PROV}wasAssociatedWith> <{agent}> .\n")
            n += 5

    def pick(type_index: int) -> tuple[int, int]:
        """The most linked entity of a type, and a typical one: the 90th percentile."""
        linked = sorted((e for e in counts if e % 5 == type_index),
                        key=lambda e: (-len(counts[e]), e))
        return linked[0], linked[len(linked) // 10]

    dataset, model, method = pick(2), pick(1), pick(0)
    bindings = {}
    for case, i in (("worst", 0), ("typical", 1)):
        p = min(counts[dataset[i]])  # a paper linked to that dataset
        bindings[case] = {
            "shared-datasets": {"paper": paper(p)},
            "evaluated-on-dataset": {"dataset": entity(dataset[i])},
            "used-together": {"entity": entity(method[i])},
            "papers-proposing-model": {"model": entity(model[i])},
            "link-evidence": {"paper": paper(p), "entity": entity(dataset[i])},
        }
        bindings[case + "-papers"] = {"dataset": len(counts[dataset[i]]),  # type: ignore[dict-item]
                                      "model": len(counts[model[i]]),
                                      "method": len(counts[method[i]])}
    return {"triples": n, "links": len(links), "entities": n_entities, "bindings": bindings,
            "cooccurrence_triples": cooccurrence_triples}


def bench_store(papers: int, repeat: int, workdir: Path) -> dict[str, Any]:
    from rdflib import URIRef

    from kg.graph.store import GraphStore
    from kg.query import ready_queries, sparql

    nt = workdir / "synthetic.nt"
    t0 = time.perf_counter()
    info = synthetic(nt, papers)
    generate = time.perf_counter() - t0
    print(f"generated {info['triples']:,} triples ({info['links']:,} links, "
          f"{info['cooccurrence_triples']:,} in kg:CoOccurrence nodes, "
          f"{nt.stat().st_size / 1e9:.2f} GB) in {generate:.1f} s", flush=True)
    store = GraphStore.create(workdir / "store")
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    store.load_ntriples(nt)
    load = time.perf_counter() - t0
    load_avg = {"bulk_load": [round(load_before, 2), round(os.getloadavg()[0], 2)]}
    print(f"bulk load: {load:.1f} s ({info['triples'] / load:,.0f} triples/s); "
          f"{len(store):,} triples in the store; load average {load_avg['bulk_load']} "
          "(before, after)", flush=True)
    load_before = os.getloadavg()[0]
    results: dict[str, Any] = {}
    for name, query in ready_queries().items():
        cases = [(case, b[name]) for case, b in info["bindings"].items()
                 if not case.endswith("-papers") and name in b]
        # unbound, link-evidence lists the evidence of every link (by design: no limit)
        unbound = [] if name == "link-evidence" else [("unbound", {})]
        for case, bound in [*cases, *unbound]:
            bindings = {k: URIRef(v) for k, v in bound.items()}
            times, rows = [], 0
            for _ in range(repeat + 1):  # the first run warms the caches and is not counted
                t0 = time.perf_counter()
                rows = len(sparql(store, query.text, **bindings))
                times.append(time.perf_counter() - t0)
            median = statistics.median(times[1:]) * 1000
            results.setdefault(name, {})[case] = {"median_ms": round(median, 1), "rows": rows}
            print(f"  {name:24s} {case:8s} {median:8.1f} ms  {rows:6d} rows"
                  f"{'  bound: ' + ', '.join(sorted(bindings)) if bindings else ''}", flush=True)
    print(f"  papers linked to the bound entities: {info['bindings']['worst-papers']} (worst), "
          f"{info['bindings']['typical-papers']} (typical)", flush=True)
    load_avg["queries"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    print(f"  load average {load_avg['queries']} (before, after the queries)", flush=True)
    return {"papers": papers, "triples": info["triples"], "links": info["links"],
            "cooccurrence_triples": info["cooccurrence_triples"],
            "cores": os.cpu_count(), "load_average_1min": load_avg,
            "bound_entity_papers": {k: v for k, v in info["bindings"].items()
                                    if k.endswith("-papers")},
            "entities": info["entities"], "generate_s": round(generate, 1),
            "bulk_load_s": round(load, 1), "queries": results}


def bench_export(repeat: int) -> dict[str, Any]:
    import kg
    from kg.graph.rdf import to_rdf, write_rdf

    t0 = time.perf_counter()
    result = kg.build()
    print(f"built the bundled listings in {time.perf_counter() - t0:.1f} s: "
          f"{result.summary()}", flush=True)
    out: dict[str, Any] = {"papers": len(result.papers), "links": len(result.links)}
    times, to_rdf_times = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            write_rdf(result.graph, Path(tmp))
            times.append(time.perf_counter() - t0)
            sizes = {p.name: p.stat().st_size for p in Path(tmp).iterdir()}
        t0 = time.perf_counter()
        triples = len(to_rdf(result.graph))
        to_rdf_times.append(time.perf_counter() - t0)
    out.update(triples=triples, write_rdf_s=round(statistics.median(times), 2),
               to_rdf_s=round(statistics.median(to_rdf_times), 2), bytes=sizes)
    print(f"export of {triples:,} triples (graph.ttl, graph.nt, graph.jsonld): "
          f"median {out['write_rdf_s']} s; to_rdf (rdflib Graph): {out['to_rdf_s']} s",
          flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=1_000_000,
                        help="synthetic papers (0 skips the store benchmark)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query")
    parser.add_argument("--export", action="store_true",
                        help="also time the export of the bundled graph")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where to write the N-Triples and the store (default: a temp dir)")
    parser.add_argument("--json", type=Path, default=None,
                        help="write the figures here (default: bench/results/rdf-N.json)")
    args = parser.parse_args()
    report: dict[str, Any] = {}
    if args.papers:
        if args.workdir:
            args.workdir.mkdir(parents=True, exist_ok=True)
            report["store"] = bench_store(args.papers, args.repeat, args.workdir)
        else:
            with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
                report["store"] = bench_store(args.papers, args.repeat, Path(tmp))
    if args.export:
        report["export"] = bench_export(args.repeat)
    out = args.json or ROOT / "bench" / "results" / f"rdf-{args.papers}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"figures written to {out}")


if __name__ == "__main__":
    main()
