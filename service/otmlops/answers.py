"""Answers for people: a query's outcome as a table with rdfs:labels beside the IRIs, IRIs
shortened with our prefixes and those of the user's loaded files, fitted to the terminal; or,
for the RAMI 4.0 coverage matrix, as grids (otmlops.rami_grid).

The CLI's table format comes from here; csv/tsv/json stay the standard SPARQL results formats
(otmlops.results_format.render).
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import TYPE_CHECKING, TextIO

import pyoxigraph as ox

from otmlops.labels import DEFAULT_LANG, fetch_labels
from otmlops.results_format import iris_in, solution_rows, table_text

if TYPE_CHECKING:
    from otmlops.store.base import QueryOutcome, Store


def terminal_width(stream: TextIO | None = None) -> int | None:
    """Line length to fit: $COLUMNS when set, else the terminal's width when ``stream`` (stdout)
    is one; None (no limit) when the output goes to a file or a pipe."""
    env = os.environ.get("COLUMNS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    stream = stream or sys.stdout
    try:
        is_tty = stream.isatty()
    except (AttributeError, ValueError):
        is_tty = False
    return shutil.get_terminal_size().columns if is_tty else None


def readable_text(
    store: Store,
    outcome: QueryOutcome,
    *,
    lang: str = DEFAULT_LANG,
    labels: bool = True,
    width: int | None = None,
    grid: bool = False,
) -> str:
    """The table (or with ``grid`` the RAMI 4.0 grids) of ``outcome``, which it consumes."""
    if isinstance(outcome, ox.QueryBoolean):
        return "true\n" if bool(outcome) else "false\n"
    header, rows = solution_rows(outcome)
    prefixes = store.prefixes()
    if grid:
        from otmlops.rami_grid import grid_text, read_axes

        axes = read_axes(store)
        iris = {*axes.layers, *axes.levels, *axes.phases}
        names = fetch_labels(store, iris, lang) if labels else {}
        return grid_text(header, rows, axes, prefixes, names, width)
    names = fetch_labels(store, iris_in(rows), lang) if labels else {}
    return table_text(header, rows, prefixes, names, width)
