"""otmlops.media_types: the format tables come from pyoxigraph's registry, and the service
description lists the W3C format IRIs of what the endpoint produces and reads.
(Negotiation with q-values is covered in test_http_units.py.)"""

from __future__ import annotations

import pyoxigraph as ox

from otmlops import media_types
from otmlops.http.service_description import description

W3C = "http://www.w3.org/ns/formats/"
SD = "http://www.w3.org/ns/sparql-service-description#"


def test_tables_hold_the_media_types_clients_use() -> None:
    assert list(media_types.RESULT_FORMATS) == [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ]
    assert list(media_types.GRAPH_FORMATS) == [
        "text/turtle",
        "application/n-triples",
        "application/rdf+xml",
        "application/ld+json",
        "application/trig",
        "application/n-quads",
    ]
    assert list(media_types.INPUT_FORMATS) == [*media_types.GRAPH_FORMATS, "text/n3"]
    assert media_types.input_format("application/x-turtle;charset=utf-8") == ox.RdfFormat.TURTLE
    assert media_types.input_format("text/plain") is None
    assert media_types.content_type("text/csv") == "text/csv; charset=utf-8"
    assert media_types.content_type("application/rdf+xml") == "application/rdf+xml"


def test_format_iris_are_the_w3c_ones() -> None:
    names = {
        ox.RdfFormat.TURTLE: "Turtle",
        ox.RdfFormat.N_TRIPLES: "N-Triples",
        ox.RdfFormat.RDF_XML: "RDF_XML",
        ox.RdfFormat.JSON_LD: "JSON-LD",  # pyoxigraph 0.5 says .../ns/formats/data/JSON-LD
        ox.RdfFormat.TRIG: "TriG",
        ox.RdfFormat.N_QUADS: "N-Quads",
        ox.QueryResultsFormat.JSON: "SPARQL_Results_JSON",
        ox.QueryResultsFormat.XML: "SPARQL_Results_XML",
        ox.QueryResultsFormat.CSV: "SPARQL_Results_CSV",
        ox.QueryResultsFormat.TSV: "SPARQL_Results_TSV",
    }
    for fmt, name in names.items():
        assert media_types.format_iri(fmt) == W3C + name


def test_service_description_lists_the_registry_formats() -> None:
    media, body = description("http://127.0.0.1/sparql", "application/n-triples", updates=False)
    assert media == "application/n-triples"
    triples = list(ox.parse(body, ox.RdfFormat.N_TRIPLES))

    def objects(predicate: str) -> set[str]:
        return {t.object.value for t in triples if t.predicate.value == SD + predicate}

    produced = [*media_types.RESULT_FORMATS.values(), *media_types.GRAPH_FORMATS.values()]
    assert objects("resultFormat") == {media_types.format_iri(f) for f in produced}
    assert objects("inputFormat") == {
        media_types.format_iri(f) for f in media_types.GRAPH_FORMATS.values()
    }
    assert all(iri.startswith(W3C) for iri in objects("resultFormat") | objects("inputFormat"))
