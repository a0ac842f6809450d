"""The one exception root of kg, with one subclass per stage.

Every message says what was wrong, where (a value or ``file:line``) and how to fix it.
The CLI maps each class to a documented exit code (see ``EXIT_CODES``).
"""

from __future__ import annotations


class KGError(Exception):
    """Root of every error raised by kg."""

    exit_code = 1


class UsageError(KGError):
    """A bad option or argument given by the user."""

    exit_code = 2


class InputError(KGError):
    """An input file or record that cannot be read at all."""

    exit_code = 3


class ExtractError(KGError):
    """The extraction pipeline cannot be loaded or run."""

    exit_code = 4


class ResolveError(KGError):
    """Entity resolution failed, e.g. a malformed overrides file."""

    exit_code = 5


class GraphError(KGError):
    """The graph, its RDF form, or a query over it failed."""

    exit_code = 6


class OutputError(KGError):
    """An output directory could not be written."""

    exit_code = 7


class ServeError(KGError):
    """The SPARQL endpoint could not be started."""

    exit_code = 8


EXIT_CODES: dict[int, str] = {
    0: "success (warnings about bad input records may have been printed)",
    1: "unexpected internal error",
    2: "usage error: bad option or argument",
    3: "input error: no input could be read",
    4: "extraction error: the pipeline could not be loaded or run",
    5: "resolution error: e.g. a malformed overrides file",
    6: "graph or query error: e.g. a SPARQL syntax error",
    7: "output error: the output directory could not be written",
    8: "serve error: the SPARQL endpoint could not start",
    130: "interrupted (Ctrl-C); the previous output directory is left intact",
}
