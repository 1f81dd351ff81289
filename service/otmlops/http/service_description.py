"""The SPARQL 1.1 Service Description returned by GET /sparql without a query."""

from __future__ import annotations

import pyoxigraph as ox

from otmlops import __version__
from otmlops.runner import formats

SD = "http://www.w3.org/ns/sparql-service-description#"
_RESULT_FORMAT_IRIS = {
    "application/sparql-results+json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "application/sparql-results+xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "text/csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "text/tab-separated-values": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "text/turtle": "http://www.w3.org/ns/formats/Turtle",
    "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
    "application/rdf+xml": "http://www.w3.org/ns/formats/RDF_XML",
    "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
    "application/trig": "http://www.w3.org/ns/formats/TriG",
    "application/n-quads": "http://www.w3.org/ns/formats/N-Quads",
}


def description_turtle(endpoint: str, *, updates: bool) -> str:
    """Turtle text of the description; ``endpoint`` is the URL the client used."""
    languages = ["sd:SPARQL11Query"] + (["sd:SPARQL11Update"] if updates else [])
    result_formats = ",\n        ".join(f"<{iri}>" for iri in _RESULT_FORMAT_IRIS.values())
    input_formats = ",\n        ".join(f"<{_RESULT_FORMAT_IRIS[m]}>" for m in formats.GRAPH_FORMATS)
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
    media = formats.graph_media_type(accept)
    text = description_turtle(endpoint, updates=updates)
    if media == "text/turtle":
        return media, text.encode("utf-8")
    triples = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    body = ox.serialize(triples, format=formats.GRAPH_FORMATS[media])
    assert body is not None  # given no output file, serialize returns the bytes
    return media, body
