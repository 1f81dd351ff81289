"""Load the bundled ontology with its owl:imports resolved from the package, never the network.

Imports are resolved through ``catalog-v001.xml`` (the OASIS catalog Protege also reads), so
the same files work in a source checkout, in an installed wheel and in Protege. Finding the
files (``module_files``) needs only pyoxigraph; rdflib is imported by the functions that return
rdflib Graphs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from otmlops.errors import InputError, OtmlopsError
from otmlops.rdfio import format_of_path, parse_triples, rdflib_name, scan
from otmlops.resources import ontology_dir
from otmlops.xml_guard import check_xml

if TYPE_CHECKING:
    from rdflib import Graph

#: IRI of the index ontology that imports every module.
INDEX_IRI = "https://w3id.org/otmlops/ontology"
#: IRI of the reference mapping (data, not imported by the index).
REFERENCE_IRI = "https://w3id.org/otmlops/reference"
CATALOG_FILE = "catalog-v001.xml"
_CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"


def read_catalog(folder: Path | None = None) -> dict[str, Path]:
    """Map each ontology IRI (and version IRI) in the folder's catalog to its file."""
    folder = folder or ontology_dir()
    path = folder / CATALOG_FILE
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise OtmlopsError(f"cannot read ontology catalog {path}: {exc}") from exc
    return {el.attrib["name"]: folder / el.attrib["uri"] for el in root.iter(f"{_CATALOG_NS}uri")}


def parse_file(path: Path, graph: Graph | None = None) -> Graph:
    """Parse one RDF file into ``graph`` (format from the extension, Turtle if it has none we
    know); errors name the file, and the line and column where otmlops.rdfio finds them."""
    from rdflib import Graph

    graph = graph if graph is not None else Graph()
    fmt = _format(path)
    try:
        if fmt == ox.RdfFormat.RDF_XML:
            check_xml(path, str(path))  # entity bombs are refused before parsing
        graph.parse(path, format=rdflib_name(fmt))
    except InputError:
        raise
    except FileNotFoundError as exc:
        raise InputError("file not found", source=str(path)) from exc
    except Exception as exc:  # rdflib raises many types; users need the file and the place
        # the one syntax-error mapper says where (file:line:column) if Oxigraph agrees
        scan(path, fmt, base_iri=path.resolve().as_uri(), source_name=str(path))
        lines = getattr(exc, "lines", None)  # rdflib's Turtle BadSyntax: newlines before it
        why = getattr(exc, "_why", None) or str(exc)
        raise InputError(
            f"cannot parse: {why}",
            source=str(path),
            line=lines + 1 if isinstance(lines, int) else None,
        ) from exc
    return graph


def _format(path: Path) -> ox.RdfFormat:
    return format_of_path(path) or ox.RdfFormat.TURTLE


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_OWL_ONTOLOGY = "http://www.w3.org/2002/07/owl#Ontology"
_OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"


def _imports_of(path: Path) -> list[str]:
    """The ontologies ``path``'s owl:Ontology imports (read with pyoxigraph: no rdflib)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", source=str(path)) from None
    triples = parse_triples(data, _format(path), base_iri=None, source_name=str(path))
    ontologies = {
        t.subject
        for t in triples
        if t.predicate.value == _RDF_TYPE and t.object == ox.NamedNode(_OWL_ONTOLOGY)
    }
    return sorted(
        t.object.value
        for t in triples
        if t.predicate.value == _OWL_IMPORTS
        and t.subject in ontologies
        and isinstance(t.object, ox.NamedNode)
    )


def import_closure(iri: str = INDEX_IRI, folder: Path | None = None) -> list[Path]:
    """Files of ``iri`` and everything it imports, depth first, each once, ``iri``'s file first;
    siblings in the order of the catalog."""
    catalog = read_catalog(folder)
    seen: list[Path] = []

    def visit(current: str, importer: str | None) -> None:
        path = catalog.get(current)
        if path is None:
            where = f" (imported by {importer})" if importer else ""
            raise OtmlopsError(
                f"ontology {current}{where} is not in {CATALOG_FILE}; "
                "otmlops resolves imports offline only"
            )
        if path in seen:
            return
        seen.append(path)
        order = list(catalog)  # catalog order: rami, isa95, mlops, map
        for imported in sorted(
            _imports_of(path), key=lambda i: order.index(i) if i in order else len(order)
        ):
            visit(imported, current)

    visit(iri, None)
    return seen


def module_files() -> list[Path]:
    """The files of the bundled ontology: the index ontology first, then the modules."""
    return import_closure(INDEX_IRI)


def reference_mapping_file() -> Path:
    return read_catalog()[REFERENCE_IRI]


@lru_cache(maxsize=1)
def _ontology_ntriples() -> str:
    from rdflib import Graph

    graph = Graph()
    for path in module_files():
        parse_file(path, graph)
    return graph.serialize(format="nt")


def load_ontology() -> Graph:
    """The whole ontology (index plus imported modules) as one rdflib Graph, prefixes bound."""
    from rdflib import Graph

    graph = Graph()
    graph.parse(data=_ontology_ntriples(), format="nt")
    _bind_prefixes(graph)
    return graph


def load_reference_mapping() -> Graph:
    """The reference mapping on its own (without the ontology)."""
    graph = parse_file(reference_mapping_file())
    _bind_prefixes(graph)
    return graph


def _bind_prefixes(graph: Graph) -> None:
    from rdflib import URIRef

    from otmlops.namespaces import PREFIXES

    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, URIRef(iri), replace=True)
    graph.bind("ref", URIRef("https://w3id.org/otmlops/reference#"), replace=True)
