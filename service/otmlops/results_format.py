"""Render query outcomes for people (table) and programs (csv, tsv, SPARQL 1.1 results JSON).

csv/tsv/json of SELECT and ASK results use pyoxigraph's serialisers, so they follow the W3C
formats exactly. CONSTRUCT/DESCRIBE results are shown as subject/predicate/object rows (json: a
SPARQL results document with variables s, p, o) so every format works for every query.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox

from otmlops.namespaces import PREFIXES

FORMATS = ("table", "csv", "tsv", "json")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_PLAIN_DATATYPES = {_XSD + t for t in ("string", "integer", "decimal", "double", "boolean")}

Outcome = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


#: Characters a prefixed name's local part may hold here: what ``--param`` accepts back as a
#: prefixed name (otmlops.params), minus '#', so that a name never hides a fragment.
_LOCAL_FORBIDDEN = set(' \t\r\n<>"{}|^`\\#')


def shorten(iri: str, prefixes: Mapping[str, str] | None = None) -> str:
    """``prefix:local`` for the longest known namespace that leaves a simple local part, else
    ``<iri>``."""
    best: tuple[int, str] | None = None
    for prefix, ns in (prefixes or PREFIXES).items():
        if ns and iri.startswith(ns) and (best is None or len(ns) > best[0]):
            local = iri[len(ns) :]
            if local and not _LOCAL_FORBIDDEN.intersection(local) and local[-1] != ".":
                best = (len(ns), f"{prefix}:{local}")
    return best[1] if best else f"<{iri}>"


def term_text(term: object, prefixes: Mapping[str, str] | None = None) -> str:
    """A compact, readable form of a term for the table view."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value, prefixes)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"{term.value}@{term.language}"
        if term.datatype.value in _PLAIN_DATATYPES:
            return term.value
        return f"{term.value}^^{shorten(term.datatype.value, prefixes)}"
    return str(term)


def cell_text(
    term: object, prefixes: Mapping[str, str] | None = None, labels: Mapping[str, str] | None = None
) -> str:
    """A table cell for people: an IRI shortened, with its label beside it when it has one;
    a literal as its text, without a language tag."""
    if isinstance(term, ox.NamedNode):
        short = shorten(term.value, prefixes)
        label = (labels or {}).get(term.value)
        return f"{short} ({label})" if label and not _says_the_same(label, short) else short
    if isinstance(term, ox.Literal) and term.language:
        return term.value
    return term_text(term, prefixes)


def _says_the_same(label: str, short: str) -> bool:
    """Whether a label only repeats the name's local part (``Asset layer`` beside
    ``rami:AssetLayer``), which the table then leaves out."""
    local = short.rpartition(":")[2] if not short.startswith("<") else short
    return (
        "".join(filter(str.isalnum, label)).lower() == "".join(filter(str.isalnum, local)).lower()
    )


_NUMERIC = {_XSD + t for t in ("integer", "decimal", "double", "float", "int", "long")}


def _is_number(term: object) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC


def fit_widths(widths: Sequence[int], limit: int | None, minimum: int = 8) -> list[int]:
    """Column widths that fit ``limit`` characters with two spaces between columns: the widest
    columns give way first, none below ``minimum`` (or its own width); None: unchanged."""
    if limit is None:
        return list(widths)
    room = limit - 2 * (len(widths) - 1)
    if sum(widths) <= room:
        return list(widths)
    floor = [min(w, minimum) for w in widths]
    low, high = 0, max(widths)  # the largest cap on every column that still fits
    while low < high:
        cap = (low + high + 1) // 2
        if sum(max(f, min(w, cap)) for w, f in zip(widths, floor, strict=True)) <= room:
            low = cap
        else:
            high = cap - 1
    return [max(f, min(w, low)) for w, f in zip(widths, floor, strict=True)]


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the cut marked with an ellipsis."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "\u2026"


def _table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    width: int | None = None,
    *,
    count: bool = True,
    right: Sequence[bool] | None = None,
    wrap_header: bool = False,
) -> str:
    """An aligned text table; ``width`` limits the line length (None: no limit); ``right``
    right-aligns the columns marked True; ``wrap_header`` lets headers take several lines, so
    that a column is only as wide as its longest header word."""
    rows = [[" ".join(c.split()) for c in r] for r in rows]  # one line per row
    if wrap_header:
        widths = [max((len(w) for w in h.split()), default=0) for h in header]
    else:
        widths = [len(h) for h in header]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    widths = fit_widths(widths, width)
    align = right or [False] * len(widths)

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            clip(c, w).rjust(w) if r else clip(c, w).ljust(w)
            for c, w, r in zip(cells, widths, align, strict=True)
        ).rstrip()

    if wrap_header:
        import textwrap

        parts = [textwrap.wrap(h, w) or [""] for h, w in zip(header, widths, strict=True)]
        depth = max(len(p) for p in parts)
        # headers sit on the rule: shorter ones are padded from the top
        padded = [[""] * (depth - len(p)) + p for p in parts]
        head = [line([p[i] for p in padded]) for i in range(depth)]
    else:
        head = [line(header)]
    out = [*head, "  ".join("-" * w for w in widths), *map(line, rows)]
    if count:
        cut = any(len(c) > w for r in rows for c, w in zip(r, widths, strict=True))
        out.append(
            f"({len(rows)} row{'s' if len(rows) != 1 else ''}"
            + ("; cells cut at \u2026 to fit the width: --wide shows them in full)" if cut else ")")
        )
    return "\n".join(out) + "\n"


def _triples_as_rows(triples: ox.QueryTriples) -> list[tuple[object, object, object]]:
    return [(t.subject, t.predicate, t.object) for t in triples]


def _triples_json(rows: list[tuple[object, object, object]]) -> bytes:
    def enc(term: object) -> dict[str, str]:
        if isinstance(term, ox.NamedNode):
            return {"type": "uri", "value": term.value}
        if isinstance(term, ox.BlankNode):
            return {"type": "bnode", "value": term.value}
        assert isinstance(term, ox.Literal)
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD + "string":
            out["datatype"] = term.datatype.value
        return out

    doc = {
        "head": {"vars": ["s", "p", "o"]},
        "results": {"bindings": [dict(zip("spo", map(enc, r), strict=True)) for r in rows]},
    }
    return json.dumps(doc).encode()


def _triples_delimited(rows: list[tuple[object, object, object]], delimiter: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["s", "p", "o"])
    for row in rows:
        writer.writerow([getattr(t, "value", str(t)) for t in row])
    return buf.getvalue().encode()


def render(
    outcome: Outcome,
    fmt: str = "table",
    prefixes: Mapping[str, str] | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    width: int | None = None,
) -> bytes:
    """Serialise ``outcome`` (consumes it) in ``fmt``: table, csv, tsv or json. Only the table
    uses ``prefixes``, ``labels`` (IRI -> label) and ``width`` (line length; None: no limit);
    the other formats are the standard ones, untouched."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if isinstance(outcome, ox.QueryTriples):
        rows = _triples_as_rows(outcome)
        if fmt == "json":
            return _triples_json(rows)
        if fmt in ("csv", "tsv"):
            return _triples_delimited(rows, "," if fmt == "csv" else "\t")
        return table_text(["s", "p", "o"], rows, prefixes, labels, width).encode()
    if fmt != "table":
        result_format = {
            "csv": ox.QueryResultsFormat.CSV,
            "tsv": ox.QueryResultsFormat.TSV,
            "json": ox.QueryResultsFormat.JSON,
        }[fmt]
        data = outcome.serialize(format=result_format)
        assert data is not None  # given no output file, serialize returns the bytes
        return data
    if isinstance(outcome, ox.QueryBoolean):
        return b"true\n" if bool(outcome) else b"false\n"
    header, table = solution_rows(outcome)
    return table_text(header, table, prefixes, labels, width).encode()


def solution_rows(outcome: Outcome) -> tuple[list[str], list[tuple[object, ...]]]:
    """The variables and rows of a SELECT answer, or s/p/o rows of a graph (consumes it)."""
    if isinstance(outcome, ox.QueryTriples):
        return ["s", "p", "o"], list(_triples_as_rows(outcome))
    if isinstance(outcome, ox.QueryBoolean):
        raise ValueError("an ASK answer has no rows")
    names = [v.value for v in outcome.variables]
    return names, [tuple(sol[n] for n in names) for sol in outcome]


def iris_in(rows: Iterable[Sequence[object]]) -> set[str]:
    """Every IRI that occurs in ``rows``."""
    return {t.value for row in rows for t in row if isinstance(t, ox.NamedNode)}


def table_text(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    prefixes: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    width: int | None = None,
) -> str:
    """The table view of an answer's rows of terms; columns of numbers are right-aligned."""
    right = [
        bool(rows) and all(_is_number(r[i]) or r[i] is None for r in rows)
        for i in range(len(header))
    ]
    return _table(
        header, ([cell_text(t, prefixes, labels) for t in r] for r in rows), width, right=right
    )
