"""The public namespaces (docs/vocabulary-contract.md); users' files depend on these IRIs.

The IRIs are plain strings here. ``RAMI``, ``ISA95``, ``MLOPS``, ``MAP`` and ``OTMLOPS`` are
rdflib ``Namespace`` objects, built on first use: importing rdflib costs a fifth of a second,
and the commands that only query the store (pyoxigraph) never need it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Namespace

#: Namespace name -> IRI of our own vocabularies.
NAMESPACE_IRIS: dict[str, str] = {
    "RAMI": "https://w3id.org/otmlops/rami#",
    "ISA95": "https://w3id.org/otmlops/isa95#",
    "MLOPS": "https://w3id.org/otmlops/mlops#",
    "MAP": "https://w3id.org/otmlops/map#",
    "OTMLOPS": "https://w3id.org/otmlops/",
}

#: Prefixes every query, report and serialisation of ours declares.
PREFIXES: dict[str, str] = {
    "rami": NAMESPACE_IRIS["RAMI"],
    "isa95": NAMESPACE_IRIS["ISA95"],
    "mlops": NAMESPACE_IRIS["MLOPS"],
    "map": NAMESPACE_IRIS["MAP"],
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "mls": "http://www.w3.org/ns/mls#",
    "sh": "http://www.w3.org/ns/shacl#",
}

if TYPE_CHECKING:
    RAMI: Namespace
    ISA95: Namespace
    MLOPS: Namespace
    MAP: Namespace
    OTMLOPS: Namespace


def __getattr__(name: str) -> Namespace:
    """``RAMI``, ``ISA95``, ... as rdflib Namespaces, made on first access and then kept."""
    iri = NAMESPACE_IRIS.get(name)
    if iri is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rdflib import Namespace

    value = Namespace(iri)
    globals()[name] = value
    return value
