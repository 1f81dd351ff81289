"""The RAMI 4.0 cube as grids: per life cycle phase, layers (rows, Business on top as in the
RAMI 4.0 picture) by hierarchy levels (columns, Product to Connected World).

Any answer with ``layer``, ``level`` and ``phase`` columns can be drawn: with a ``stages``
column (``stages-by-rami-cell``) each cell holds that number, otherwise (``stages-in-rami-cell``)
it lists the ``stage`` values placed there, one per line, and only phases that hold a stage are
drawn. The axes come from the ontology in the store (``rami:order``), so every cell is drawn,
whatever the answer holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from otmlops.errors import UsageError
from otmlops.results_format import _table, shorten

if TYPE_CHECKING:
    from otmlops.store.base import Store

AXIS_COLUMNS = ("layer", "level", "phase")
EMPTY_CELL = "."
RAMI = "https://w3id.org/otmlops/rami#"


@dataclass(frozen=True)
class Axes:
    """The values of the three axes, each in ``rami:order``."""

    layers: tuple[str, ...]
    levels: tuple[str, ...]
    phases: tuple[str, ...]


def read_axes(store: Store) -> Axes:
    """The layers, hierarchy levels and life cycle phases the store's ontology defines."""
    outcome = store.query(
        f"SELECT ?axis ?item WHERE {{ VALUES ?axis {{ <{RAMI}Layer> <{RAMI}HierarchyLevel> "
        f"<{RAMI}LifeCyclePhase> }} ?item a ?axis ; <{RAMI}order> ?order }} "
        "ORDER BY ?axis ?order",
        entailment=False,
    )
    found: dict[str, list[str]] = {"Layer": [], "HierarchyLevel": [], "LifeCyclePhase": []}
    assert isinstance(outcome, ox.QuerySolutions)  # a SELECT query
    for row in outcome:
        values = found[row["axis"].value[len(RAMI) :]]
        if row["item"].value not in values:
            values.append(row["item"].value)
    return Axes(
        tuple(found["Layer"]), tuple(found["HierarchyLevel"]), tuple(found["LifeCyclePhase"])
    )


def _name(iri: str, prefixes: Mapping[str, str] | None, labels: Mapping[str, str] | None) -> str:
    return (labels or {}).get(iri) or shorten(iri, prefixes)


def _local(term: object, prefixes: Mapping[str, str] | None, strip: bool) -> str:
    """A stage as a cell line: its short name, without the prefix when ``strip``."""
    if not isinstance(term, ox.NamedNode):
        return str(getattr(term, "value", term))
    short = shorten(term.value, prefixes)
    return short.partition(":")[2] if strip and not short.startswith("<") else short


def grid_text(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    axes: Axes,
    prefixes: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    width: int | None = None,
) -> str:
    """One layer x level grid per life cycle phase; UsageError if the answer lacks a column."""
    missing = [c for c in AXIS_COLUMNS if c not in header]
    if missing or ("stages" not in header and "stage" not in header):
        raise UsageError(
            "--grid needs an answer with layer, level and phase columns and a "
            "stages count (stages-by-rami-cell) or a stage column "
            f"(stages-in-rami-cell); this one has {', '.join(header)}"
        )
    at = {c: header.index(c) for c in header}
    counting = "stages" in header
    stages = [r[at["stage"]] for r in rows] if not counting else []
    spaces = {
        shorten(t.value, prefixes).partition(":")[0] for t in stages if isinstance(t, ox.NamedNode)
    }
    strip = len(spaces) == 1  # one namespace: its prefix says nothing
    cells: dict[tuple[str, str, str], list[str]] = {}
    for row in rows:
        layer, level, phase = (getattr(row[at[c]], "value", "") for c in AXIS_COLUMNS)
        key = (layer, level, phase)
        if counting:
            count = getattr(row[at["stages"]], "value", "")
            if count not in ("", "0"):
                cells[key] = [count]
        else:
            text = _local(row[at["stage"]], prefixes, strip)
            found = cells.setdefault(key, [])
            if text not in found:
                found.append(text)
    head = ["layer", *(_name(v, prefixes, labels) for v in axes.levels)]
    right = [False] + [counting] * len(axes.levels)
    out: list[str] = []
    # a list of stages draws only the phases that hold some; the matrix draws all of them
    phases = [ph for ph in axes.phases if counting or any(key[2] == ph for key in cells)]
    if not phases:
        return "(no stages placed)\n"
    for phase in phases:
        title, short = _name(phase, prefixes, labels), shorten(phase, prefixes)
        out.append(title if title == short else f"{title} ({short})")
        body: list[list[str]] = []
        for layer in reversed(axes.layers):
            column = [sorted(cells.get((layer, level, phase), [])) for level in axes.levels]
            depth = max([1, *(len(c) for c in column)])
            if body and not counting:
                body.append([""] * (len(axes.levels) + 1))  # a blank line between layers
            for i in range(depth):
                body.append(
                    [
                        _name(layer, prefixes, labels) if i == 0 else "",
                        *((c[i] if i < len(c) else (EMPTY_CELL if i == 0 else "")) for c in column),
                    ]
                )
        out.append(_table(head, body, width, count=False, right=right, wrap_header=True))
    return "\n".join(out)
