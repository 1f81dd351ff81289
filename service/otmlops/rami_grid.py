"""The RAMI 4.0 coverage matrix as grids: per life cycle phase, layers (rows, Business on top as
in the RAMI 4.0 picture) by hierarchy levels (columns, Product to Connected World), with the
number of stages in each cell.

Input is any answer with ``layer``, ``level``, ``phase`` and ``stages`` columns, such as that of
``stages-by-rami-cell``; the axes keep the order in which the answer lists them (axis order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyoxigraph as ox

from otmlops.errors import UsageError
from otmlops.results_format import _table, shorten

GRID_COLUMNS = ("layer", "level", "phase", "stages")
EMPTY_CELL = "."


def _name(term: object, prefixes: Mapping[str, str] | None,
          labels: Mapping[str, str] | None) -> str:
    if isinstance(term, ox.NamedNode):
        return (labels or {}).get(term.value) or shorten(term.value, prefixes)
    return "" if term is None else str(getattr(term, "value", term))


def grid_text(header: Sequence[str], rows: Sequence[Sequence[object]],
              prefixes: Mapping[str, str] | None = None,
              labels: Mapping[str, str] | None = None, width: int | None = None) -> str:
    """One layer x level grid per life cycle phase; UsageError if the answer lacks a column."""
    missing = [c for c in GRID_COLUMNS if c not in header]
    if missing:
        raise UsageError("--grid needs an answer with the columns "
                         f"{', '.join(GRID_COLUMNS)} (stages-by-rami-cell); this one lacks "
                         f"{', '.join(missing)}")
    at = {c: header.index(c) for c in GRID_COLUMNS}
    layers: dict[object, None] = {}
    levels: dict[object, None] = {}
    phases: dict[object, None] = {}
    cells: dict[tuple[object, object, object], str] = {}
    for row in rows:
        layer, level, phase, stages = (row[at[c]] for c in GRID_COLUMNS)
        layers.setdefault(layer)
        levels.setdefault(level)
        phases.setdefault(phase)
        count = getattr(stages, "value", "") or ""
        cells[(layer, level, phase)] = count if count not in ("", "0") else EMPTY_CELL
    if not rows:
        return "(no cells)\n"
    out: list[str] = []
    head = ["layer", *(_name(v, prefixes, labels) for v in levels)]
    right = [False] + [True] * len(levels)
    for phase in phases:
        title = _name(phase, prefixes, labels)
        short = _name(phase, prefixes, None)
        out.append(title if title == short else f"{title} ({short})")
        body = [[_name(layer, prefixes, labels),
                 *(cells.get((layer, level, phase), EMPTY_CELL) for level in levels)]
                for layer in reversed(list(layers))]
        out.append(_table(head, body, width, count=False, right=right, wrap_header=True))
    return "\n".join(out)
