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


def shorten(iri: str, prefixes: Mapping[str, str] | None = None) -> str:
    """``prefix:local`` when a known namespace matches and the local part is simple."""
    for prefix, ns in (prefixes or PREFIXES).items():
        if iri.startswith(ns):
            local = iri[len(ns):]
            if local and all(c.isalnum() or c in "_-." for c in local) and local[-1] != ".":
                return f"{prefix}:{local}"
    return f"<{iri}>"


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


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    rows = [list(r) for r in rows]
    widths = [len(h) for h in header]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    count = f"({len(rows)} row{'s' if len(rows) != 1 else ''})"
    return "\n".join([line, rule, *body, count]) + "\n"


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

    doc = {"head": {"vars": ["s", "p", "o"]},
           "results": {"bindings": [dict(zip("spo", map(enc, r), strict=True)) for r in rows]}}
    return json.dumps(doc).encode()


def _triples_delimited(rows: list[tuple[object, object, object]], delimiter: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["s", "p", "o"])
    for row in rows:
        writer.writerow([getattr(t, "value", str(t)) for t in row])
    return buf.getvalue().encode()


def render(outcome: Outcome, fmt: str = "table",
           prefixes: Mapping[str, str] | None = None) -> bytes:
    """Serialise ``outcome`` (consumes it) in ``fmt``: table, csv, tsv or json."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if isinstance(outcome, ox.QueryTriples):
        rows = _triples_as_rows(outcome)
        if fmt == "json":
            return _triples_json(rows)
        if fmt in ("csv", "tsv"):
            return _triples_delimited(rows, "," if fmt == "csv" else "\t")
        return _table(["s", "p", "o"],
                      ([term_text(t, prefixes) for t in r] for r in rows)).encode()
    if fmt != "table":
        result_format = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                         "json": ox.QueryResultsFormat.JSON}[fmt]
        return outcome.serialize(format=result_format)
    if isinstance(outcome, ox.QueryBoolean):
        return b"true\n" if bool(outcome) else b"false\n"
    names = [v.value for v in outcome.variables]
    return _table(names, ([term_text(sol[n], prefixes) for n in names] for sol in outcome)
                  ).encode()
