"""SHACL property paths (RDF structures) as SPARQL property path strings.

The same string is the path's identity in a validation result, so results from pySHACL and from
the fast engine compare equal whatever blank nodes the paths are written with.
"""

from __future__ import annotations

from rdflib import RDF, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node


class UnsupportedPath(ValueError):
    """A path structure that is not a well-formed SHACL path."""


def path_to_sparql(graph: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return f"<{path}>"
    if not isinstance(path, BNode):
        raise UnsupportedPath(f"not a path: {path!r}")
    if (path, RDF.first, None) in graph:
        items = list(Collection(graph, path))
        if len(items) < 2:
            raise UnsupportedPath("a sequence path needs two or more members")
        return "(" + "/".join(path_to_sparql(graph, i) for i in items) + ")"
    for pred, fmt in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(path, pred)
        if inner is not None:
            text = path_to_sparql(graph, inner)
            if not isinstance(inner, URIRef) and not text.startswith("("):
                text = f"({text})"
            return "(" + fmt.format(text) + ")"
    alt = graph.value(path, SH.alternativePath)
    if alt is not None:
        items = list(Collection(graph, alt))
        return "(" + "|".join(path_to_sparql(graph, i) for i in items) + ")"
    raise UnsupportedPath("unknown path structure")
