"""Convert RDF terms between pyoxigraph (the fast engine) and rdflib (pySHACL, reports).

Blank node labels are kept, so a node keeps its identity whichever engine reported it.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


#: Any term pyoxigraph hands out (a subject, object or query binding).
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def to_rdflib(term: OxTerm) -> Node:
    """The rdflib term; TypeError for an RDF 1.2 triple term, which the rdflib graphs used
    for validation cannot hold."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    raise TypeError(f"unsupported term {term!r}")


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def sparql_term(term: Node) -> str:
    """The term in SPARQL syntax (full IRIs, escaped literals); blank nodes are refused."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        lex = (
            str(term)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
        if term.language:
            return f'"{lex}"@{term.language}'
        if term.datatype is not None and str(term.datatype) not in (_XSD_STRING, _LANG_STRING):
            return f'"{lex}"^^<{term.datatype}>'
        return f'"{lex}"'
    raise ValueError(f"cannot write {term!r} in a SPARQL query")


def triples_to_rdflib(triples: Iterable[ox.Triple | ox.Quad], graph: Graph) -> None:
    """Add pyoxigraph triples (or the triples of quads) to an rdflib graph."""
    add = graph.add
    cache: dict[OxTerm, Node] = {}
    for t in triples:
        s, p, o = t.subject, t.predicate, t.object
        rs = cache.get(s)
        if rs is None:
            rs = cache[s] = to_rdflib(s)
        rp = cache.get(p)
        if rp is None:
            rp = cache[p] = to_rdflib(p)
        add((rs, rp, to_rdflib(o)))
