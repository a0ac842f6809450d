"""View dicts (see :mod:`kg.view.model`) → self-contained HTML pages.

Network pages are vis-network 9.1.2 networks (inlined from the pyvis package; the node and
edge records are those pyvis makes) drawn by our own template and script in ``assets/``:
no CDN link, no request of any kind, so a page opens from ``file://`` offline. All text
from the papers reaches the page as JSON in a ``<script type="application/json">`` block
(with ``<``, ``>`` and ``&`` escaped) and is put into the page with ``textContent`` only.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from kg.errors import OutputError

#: The vis-network build shipped inside pyvis 0.3.2 (the one its templates inline).
VIS_DIR = ("templates", "lib", "vis-9.1.2")


def script_json(obj: Any) -> str:
    """JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e``, ``\\u0026`` so no value can
    close the element (``</script>``) or open a comment (``<!--``); U+2028/2029 are escaped
    too. ``JSON.parse`` gives back the same strings.

    Examples
    --------
    >>> script_json({"t": "</script><!--"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


#: A trailing source-map comment: dev tools would try to fetch the map file.
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=\S+\s*$", re.M)


def _check_inline(name: str, text: str) -> None:
    """Refuse a script or stylesheet that would end its inline element early."""
    lowered = text.lower()
    if "</script" in lowered or "</style" in lowered or "<!--" in lowered:
        raise OutputError(f"{name} contains '</script', '</style' or '<!--' and cannot be "
                          "inlined in a page; remove it from the file")


@cache
def asset(name: str) -> str:
    """The text of ``kg/view/assets/<name>`` (checked safe to inline when JS or CSS)."""
    text = resources.files("kg.view").joinpath("assets", name).read_text("utf-8")
    if name.endswith((".js", ".css")):
        _check_inline(name, text)
    return text


@cache
def vis_assets() -> tuple[str, str]:
    """The vis-network script and stylesheet bundled with pyvis (read from the package
    folder: importing pyvis would also import IPython, seconds of a cold build)."""
    from importlib.util import find_spec

    spec = find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise OutputError("the pyvis package is missing; install pyvis==0.3.2")
    base = Path(list(spec.submodule_search_locations)[0]).joinpath(*VIS_DIR)
    try:
        js = (base / "vis-network.min.js").read_text("utf-8")
        css = (base / "vis-network.css").read_text("utf-8")
    except OSError as err:
        raise OutputError(f"vis-network is missing from the pyvis package at {base}: {err}; "
                          "reinstall pyvis==0.3.2") from err
    js = _SOURCE_MAP.sub("", js)
    for name, text in (("vis-network.min.js", js), ("vis-network.css", css)):
        _check_inline(name, text)
    return js, css


def _environment() -> Any:
    from jinja2 import Environment, select_autoescape

    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    return env


def vis_scene(scene: dict[str, Any], styles: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A scene's nodes and edges as vis-network records.

    The records are those a pyvis ``Network(directed=True)`` makes with ``add_node`` and
    ``add_edge`` (same keys, same order), built directly: pyvis checks every edge against
    a list of all node ids, and importing it costs seconds.
    """
    nodes: list[dict[str, Any]] = []
    known: set[Any] = set()
    for node in scene["nodes"]:
        if node["id"] in known:  # pyvis keeps the first node of an id
            continue
        known.add(node["id"])
        # Colours come from the per-type groups of the options (see ``vis_options``); size
        # and label grow with the square root of the degree, so hubs do not dwarf the rest.
        record: dict[str, Any] = {"group": node["type"],
                                  "value": round(math.sqrt(node["degree"]), 3),
                                  "degree": node["degree"], "x": node["x"], "y": node["y"],
                                  "type": node["type"]}
        if node.get("date"):
            record["date"] = node["date"]
        record["id"] = node["id"]
        if node["label"]:  # without a label (papers) the panel and the hover show the title
            record["label"] = node["label"]
        record["shape"] = styles[node["type"]]["shape"]
        nodes.append(record)
    # drawn undirected (no arrows): the panel names the role
    edges = [{"role": edge["role"], "from": edge["from"], "to": edge["to"]}
             for edge in scene["edges"] if edge["from"] in known and edge["to"] in known]
    return {**scene, "nodes": nodes, "edges": edges}


def vis_options(styles: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The vis-network options: ``assets/options.json`` plus one group per node type."""
    options = json.loads(asset("options.json"))
    options["groups"] = {
        kind: {"shape": style["shape"],
               "color": {"background": style["color"], "border": style["border"],
                         "highlight": {"background": style["color"], "border": "#111111"},
                         "hover": {"background": style["color"], "border": "#111111"}}}
        for kind, style in styles.items()}
    return options


def network_html(page: dict[str, Any]) -> str:
    """The HTML of a network page (graph, type or ego views)."""
    return "".join(network_html_parts(page))


def network_html_parts(page: dict[str, Any]) -> Iterator[str]:
    """:func:`network_html` in pieces, to write a large page without holding it whole."""
    js, css = vis_assets()
    data = dict(page)
    data["scenes"] = {key: vis_scene(s, page["styles"]) for key, s in page["scenes"].items()}
    data["options"] = vis_options(page["styles"])
    template = _environment().from_string(asset("view.html"))
    from markupsafe import Markup

    return template.generate(
        page=page,
        data=Markup(script_json(data)),
        vis_js=Markup(js),
        vis_css=Markup(css),
        view_js=Markup(asset("view.js")),
        view_css=Markup(asset("view.css")),
    )


def index_html(page: dict[str, Any]) -> str:
    """The HTML of the overview page."""
    from markupsafe import Markup

    template = _environment().from_string(asset("index.html"))
    return template.render(page=page, view_css=Markup(asset("view.css")))
