"""The public namespaces (docs/vocabulary-contract.md); users' files depend on these IRIs."""

from rdflib import Namespace

RAMI = Namespace("https://w3id.org/otmlops/rami#")
ISA95 = Namespace("https://w3id.org/otmlops/isa95#")
MLOPS = Namespace("https://w3id.org/otmlops/mlops#")
MAP = Namespace("https://w3id.org/otmlops/map#")
OTMLOPS = Namespace("https://w3id.org/otmlops/")

#: Prefixes every query, report and serialisation of ours declares.
PREFIXES: dict[str, str] = {
    "rami": str(RAMI),
    "isa95": str(ISA95),
    "mlops": str(MLOPS),
    "map": str(MAP),
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


def sparql_prologue() -> str:
    """PREFIX lines for all project prefixes, so queries stay short."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
