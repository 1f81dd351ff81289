"""Media types of SPARQL results and RDF, and content negotiation with q-values.

The formats come from pyoxigraph's registry (``QueryResultsFormat``, ``RdfFormat``: media
types and the W3C format IRIs the service description lists); this module adds the aliases
clients send and the negotiation. It imports no web framework: the query workers negotiate
and serialise answers themselves (so serialisation never runs on the server's event loop),
and the CLI uses the same tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from otmlops.errors import NotAcceptable  # 406, in the one error table
from otmlops.rdfio.formats import FORMATS, INPUT_MEDIA_TYPES, bare_media_type, format_of_media_type

#: SELECT/ASK result formats by media type; the first is the default.
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    bare_media_type(f.media_type): f
    for f in (
        ox.QueryResultsFormat.JSON,
        ox.QueryResultsFormat.XML,
        ox.QueryResultsFormat.CSV,
        ox.QueryResultsFormat.TSV,
    )
}
#: Aliases clients send that mean one of the above.
RESULT_ALIASES: dict[str, str] = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
}

#: CONSTRUCT/DESCRIBE and Graph Store formats by media type; the first is the default.
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    bare_media_type(f.media_type): f for f in FORMATS if f is not ox.RdfFormat.N3
}
#: Aliases an Accept header may name for one of the above.
GRAPH_ALIASES: dict[str, str] = {
    "application/x-turtle": "text/turtle",
    "text/n-triples": "application/n-triples",
    "text/plain": "application/n-triples",
    "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
    "application/json": "application/ld+json",
    "application/x-trig": "application/trig",
    "text/x-nquads": "application/n-quads",
}
#: Formats the service accepts as request bodies (GSP PUT/POST, /validate), each by its own
#: media type; aliases are accepted too (:func:`input_format`).
INPUT_FORMATS: dict[str, ox.RdfFormat] = {
    m: f for m, f in INPUT_MEDIA_TYPES.items() if bare_media_type(f.media_type) == m
}

#: Format IRIs the registry gets wrong: pyoxigraph 0.5 names JSON-LD
#: ``https://www.w3.org/ns/formats/data/JSON-LD``, which is not in the W3C list of format IRIs.
_IRI_FIXES = {"https://www.w3.org/ns/formats/data/JSON-LD": "http://www.w3.org/ns/formats/JSON-LD"}

#: Media types whose text is always UTF-8 (charset added on the way out).
_TEXT_TYPES = (
    "text/",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/ld+json",
    "application/sparql-results+json",
)


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    params: tuple[tuple[str, str], ...] = ()

    def matches(self, media_type: str) -> int:
        """Specificity of the match (3 exact, 2 type/*, 1 */*) or 0 for no match."""
        mtype, _, msub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type != mtype:
            return 0
        if self.subtype == "*":
            return 2
        return 3 if self.subtype == msub else 0


def split_media_type(value: str) -> tuple[str, dict[str, str]]:
    """``'text/turtle; charset=UTF-8'`` -> ``('text/turtle', {'charset': 'UTF-8'})``."""
    main, *params = value.split(";")
    parsed: dict[str, str] = {}
    for param in params:
        key, sep, val = param.partition("=")
        if sep:
            parsed[key.strip().lower()] = val.strip().strip('"')
    return main.strip().lower(), parsed


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header; malformed entries are skipped, absent header means ``*/*``."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges: list[MediaRange] = []
    for item in header.split(","):
        if not item.strip():
            continue
        media, params = split_media_type(item)
        mtype, sep, msub = media.partition("/")
        if not sep or not mtype or not msub:
            if media == "*":
                mtype, msub = "*", "*"
            else:
                continue
        try:
            q = float(params.pop("q", "1"))
        except ValueError:
            q = 1.0
        q = min(max(q, 0.0), 1.0)
        ranges.append(MediaRange(mtype, msub, q, tuple(sorted(params.items()))))
    return ranges or [MediaRange("*", "*", 1.0)]


def negotiate(accept: str | None, offered: list[str], aliases: dict[str, str] | None = None) -> str:
    """Pick the offered media type the client prefers (highest q, then most specific range,
    then the server's order). Aliases (e.g. application/json) count as their target."""
    ranges = parse_accept(accept)
    aliases = aliases or {}
    best: tuple[float, int, int] | None = None
    choice: str | None = None
    for index, media in enumerate(offered):
        names = [media] + [alias for alias, target in aliases.items() if target == media]
        q, spec = 0.0, 0
        for rng in ranges:
            # aliases only count when named exactly, never through a wildcard
            s = max([rng.matches(media)] + [3 for name in names[1:] if rng.matches(name) == 3])
            if s > spec:  # the most specific matching range decides the q-value
                q, spec = rng.q, s
            elif s == spec and s > 0:
                q = max(q, rng.q)
        if spec == 0 or q <= 0:
            continue
        key = (q, spec, -index)
        if best is None or key > best:
            best, choice = key, media
    if choice is None:
        raise NotAcceptable(offered)
    return choice


def content_type(media_type: str) -> str:
    """The Content-Type header value for a produced media type (UTF-8 charset for text)."""
    if media_type.startswith(_TEXT_TYPES):
        return f"{media_type}; charset=utf-8"
    return media_type


def result_media_type(accept: str | None) -> str:
    return negotiate(accept, list(RESULT_FORMATS), RESULT_ALIASES)


def graph_media_type(accept: str | None, *, datasets: bool = True) -> str:
    offered = [
        m
        for m, f in GRAPH_FORMATS.items()
        if datasets or not f.supports_datasets or m == "application/ld+json"
    ]
    return negotiate(accept, offered, GRAPH_ALIASES)


def input_format(content_type_header: str | None) -> ox.RdfFormat | None:
    """The RDF format named by a request's Content-Type, or None if unsupported."""
    return format_of_media_type(content_type_header)


def format_iri(fmt: ox.RdfFormat | ox.QueryResultsFormat) -> str:
    """The W3C IRI of a format (http://www.w3.org/ns/formats/...), from the registry."""
    return _IRI_FIXES.get(fmt.iri, fmt.iri)
