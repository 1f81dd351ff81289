"""The SPARQL 1.1 Service Description returned by GET /sparql without a query."""

from __future__ import annotations

import pyoxigraph as ox

from otmlops import __version__
from otmlops.media_types import GRAPH_FORMATS, RESULT_FORMATS, format_iri, graph_media_type

SD = "http://www.w3.org/ns/sparql-service-description#"


def description_turtle(endpoint: str, *, updates: bool) -> str:
    """Turtle text of the description; ``endpoint`` is the URL the client used."""
    languages = ["sd:SPARQL11Query"] + (["sd:SPARQL11Update"] if updates else [])
    produced: list[ox.RdfFormat | ox.QueryResultsFormat] = [
        *RESULT_FORMATS.values(),
        *GRAPH_FORMATS.values(),
    ]
    result_formats = ",\n        ".join(f"<{format_iri(f)}>" for f in produced)
    input_formats = ",\n        ".join(f"<{format_iri(f)}>" for f in GRAPH_FORMATS.values())
    return f"""@prefix sd: <{SD}> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

[] a sd:Service ;
    rdfs:label "otmlops SPARQL endpoint" ;
    dcterms:description "otmlops {__version__}: MLOps lifecycle on RAMI 4.0 and ISA-95. The default graph of a query is the union of all named graphs unless the request names a dataset." ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage {", ".join(languages)} ;
    sd:feature sd:UnionDefaultGraph, sd:EmptyGraphs ;
    sd:resultFormat
        {result_formats} ;
    sd:inputFormat
        {input_formats} ;
    sd:defaultDataset [
        a sd:Dataset ;
        sd:defaultGraph [ a sd:Graph ]
    ] .
"""


def description(endpoint: str, accept: str | None, *, updates: bool) -> tuple[str, bytes]:
    """(media type, body) of the description in the RDF syntax the client prefers."""
    media = graph_media_type(accept)
    text = description_turtle(endpoint, updates=updates)
    if media == "text/turtle":
        return media, text.encode("utf-8")
    triples = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    body = ox.serialize(triples, format=GRAPH_FORMATS[media])
    assert body is not None  # given no output file, serialize returns the bytes
    return media, body
