"""The ``kg`` command line: a thin adapter over the Python API.

Each command parses options, calls one library function and prints. Errors derived from
:class:`kg.errors.KGError` become one-line messages and the exit codes listed by
``kg --help`` (and in README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.errors import EXIT_CODES, KGError

_EXIT_HELP = "\n".join(f"  {code:>3}  {text}" for code, text in EXIT_CODES.items())


class _Group(click.Group):
    """Turns KGError into a one-line message and its documented exit code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KGError as err:
            click.echo(f"kg: error: {err}", err=True)
            sys.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo("kg: interrupted; nothing was replaced", err=True)
            sys.exit(130)


@click.group(cls=_Group, epilog="Exit codes:\n\n\b\n" + _EXIT_HELP)
@click.version_option(package_name="kg")
def cli() -> None:
    """Build a knowledge graph of methods, models, datasets, metrics and tasks from papers."""


def _echo_problem(problem: object) -> None:
    click.echo(f"kg: {problem}", err=True)


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), default=None,
              help="Output directory (replaced atomically). [default: kg-out, or DIR of --update]")
@click.option("--format", "fmt", default=None,
              help="Input format instead of sniffing: hf, jsonl, csv, bibtex, arxiv.")
@click.option("--overrides", type=click.Path(path_type=Path), default=None,
              help="Must-merge / must-not-merge pairs for entity resolution.")
@click.option("--update", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, metavar="DIR",
              help="Add INPUTS to the build in DIR: old texts are not extracted again and "
                   "existing entities keep their ids.")
@click.option("--dask", default=None, metavar="SCHEDULER|local",
              help="Extract on a Dask cluster (tcp://HOST:8786), or 'local' for a "
                   "LocalCluster of two processes on 127.0.0.1.")
@click.option("--processes", "-j", type=click.IntRange(min=1), default=None,
              help="Local extraction processes. [default: fastest measured: 1 below 500 "
                   "texts, else every CPU]")
@click.option("--model", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Extraction model directory instead of the packaged one.")
@click.option("--no-html", is_flag=True, help="Do not write the HTML views.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def build(inputs: tuple[Path, ...], out: Path | None, fmt: str | None, overrides: Path | None,
          update: Path | None, dask: str | None, processes: int | None, model: Path | None,
          no_html: bool, quiet: bool) -> None:
    """Build the graph from INPUTS (default: the bundled sample listings) into --out.

    With no INPUTS, kg reads the five bundled sample listings: arXiv abstracts as listed
    by Hugging Face daily papers (huggingface.co/papers). With --update DIR, INPUTS are
    added to the earlier build in DIR, which is replaced (or --out is written).
    """
    from kg.pipeline import build as build_graph

    if not inputs and update is None:
        click.echo("kg: no input given; building from the bundled sample listings "
                   "(arXiv abstracts as listed by Hugging Face daily papers)", err=True)
    if out is None and update is None:
        out = Path("kg-out")
    result = build_graph(list(inputs), out=out, format=fmt, overrides=overrides,
                         html=not no_html, progress=not quiet, on_problem=_echo_problem,
                         update=update, dask=dask, n_process=processes, model=model)
    if update is not None:
        click.echo(f"kg: {result.extracted} new texts extracted, {result.cached} from the "
                   "cache", err=True)
    click.echo(result.summary())


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Output JSONL (default: standard output).")
@click.option("--format", "fmt", default=None, help="Input format instead of sniffing.")
def extract(input_path: Path, output: Path | None, fmt: str | None) -> None:
    """Find entity mentions in each text of INPUT.

    INPUT is JSONL with {"id", "text"} lines, or any input format of `kg build`.
    Writes {"id", "entities": [{"start", "end", "type", "text", "score", "source"}]} lines.
    """
    from kg.extract import extract_file

    n = extract_file(input_path, output, format=fmt, on_problem=_echo_problem)
    click.echo(f"kg: {n} texts processed", err=True)


@cli.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, path_type=Path))
@click.option("--abstracts", is_flag=True, help="GSAP-NER: score abstracts (text_unit_0) only.")
@click.option("--predictions", type=click.Path(path_type=Path), default=None,
              help="Also save the predictions as JSONL here.")
def eval_(gold: Path, abstracts: bool, predictions: Path | None) -> None:
    """Run the default pipeline on GOLD.jsonl and print the figures of score.py."""
    from kg.extract.evaluate import evaluate

    click.echo(evaluate(gold, abstracts=abstracts, predictions=predictions).report())


@cli.command()
@click.option("--gold-dir", type=click.Path(exists=True, path_type=Path),
              default=Path("../shared/gold"), show_default=True,
              help="Directory of the annotated corpora.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="Where to write the model (default: the packaged model directory).")
@click.option("--seed", default=0, show_default=True, help="Random seed.")
@click.option("--max-minutes", default=None, type=float,
              help="Stop the second phase after this long (the weights then depend on the "
                   "machine's speed; without it the same machine gives the same weights).")
def train(gold_dir: Path, output: Path | None, seed: int, max_minutes: float | None) -> None:
    """Retrain the shipped NER model from the visible gold corpora (dev splits held out)."""
    from kg.extract.train import train_recipe as train_model

    path = train_model(gold_dir, output=output, seed=seed, max_minutes=max_minutes)
    click.echo(f"kg: model written to {path}")


@cli.command()
@click.argument("directory", type=click.Path(exists=True, path_type=Path))
@click.argument("query", required=False)
@click.option("--file", "query_file", type=click.Path(exists=True, path_type=Path),
              help="Read the SPARQL query from this file.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="How to print the results.")
@click.option("--bind", multiple=True, metavar="NAME=VALUE",
              help="Bind a variable (IRIs in <...>, else a literal); repeatable.")
def query(directory: Path, query: str | None, query_file: Path | None, fmt: str,
          bind: tuple[str, ...]) -> None:
    """Run a SPARQL QUERY (or --file) over the graph built in DIRECTORY.

    QUERY may also name a ready query of ontology/queries: shared-datasets, top-datasets,
    top-metrics, top-models, evaluated-on-dataset, used-together, papers-proposing-model,
    link-evidence, results-on-dataset. The kg prefixes (kg:, dcterms:, skos:, prov:, ...)
    are predeclared.
    """
    from kg.query import run_cli_query

    click.echo(run_cli_query(directory, query, query_file=query_file, fmt=fmt, bind=bind))


@cli.command()
@click.argument("directory", type=click.Path(exists=True, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; loopback by default.")
@click.option("--port", default=7878, show_default=True, help="TCP port to listen on.")
@click.option("--timeout", default=30.0, show_default=True, help="Query timeout in seconds.")
@click.option("--limit", default=10000, show_default=True, help="Result cap (rows).")
def serve(directory: Path, host: str, port: int, timeout: float, limit: int) -> None:
    """Serve DIRECTORY's graph as a read-only SPARQL 1.1 endpoint at /query."""
    from kg.serve import serve as serve_graph

    serve_graph(directory, host=host, port=port, timeout=timeout, limit=limit)


@cli.command()
@click.argument("directory", type=click.Path(exists=True, path_type=Path))
@click.option("--top", default=2000, show_default=True,
              help="Show at most this many nodes per view (top by degree).")
def view(directory: Path, top: int) -> None:
    """Write the interactive HTML views of DIRECTORY into DIRECTORY/html."""
    from kg.view import write_views

    files = write_views(directory, top=top)
    click.echo(f"kg: {len(files)} HTML files written to {Path(directory) / 'html'}")


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="kg")
