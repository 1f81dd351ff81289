"""HTML documentation of the ontology with pyLODE, generated offline.

One page per module, one page for the whole ontology, and an index page linking them.
"""

from __future__ import annotations

import html
import importlib.metadata
import logging
import sys
import types
from pathlib import Path
from typing import Any

from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, Graph, URIRef

from otmlops.errors import OtmlopsError
from otmlops.ontology.loader import INDEX_IRI, load_ontology, module_files, parse_file


def _import_pylode() -> Any:  # pyLODE has no type information
    """Import pyLODE's OntPub. pyLODE 3.4.x reads its version from a pyproject.toml that its
    wheel does not ship; give it the installed version instead so the import works."""
    if "pylode.version" not in sys.modules:
        try:
            version = importlib.metadata.version("pylode")
        except importlib.metadata.PackageNotFoundError as exc:
            raise OtmlopsError("HTML docs need pyLODE: pip install 'otmlops[docs]'") from exc
        stub = types.ModuleType("pylode.version")
        stub.__dict__["__version__"] = version
        sys.modules["pylode.version"] = stub
    try:
        from pylode import OntPub
    except ImportError as exc:
        raise OtmlopsError(f"cannot import pyLODE: {exc}") from exc
    logging.getLogger().setLevel(logging.WARNING)  # pyLODE logs progress at INFO on the root
    return OntPub


def _merged_for_docs() -> Graph:
    """The whole ontology with only the index's ontology header, so the page has one title."""
    graph = load_ontology()
    for onto in list(graph.subjects(RDF.type, OWL.Ontology)):
        if onto != URIRef(INDEX_IRI):
            graph.remove((onto, None, None))
    graph.remove((None, OWL.imports, None))
    return graph


def _title(graph: Graph) -> str:
    for onto in graph.subjects(RDF.type, OWL.Ontology):
        title = graph.value(onto, DCTERMS.title)
        if title is not None:
            return str(title)
    return "ontology"


def _individuals_page(graph: Graph) -> str:
    """pyLODE's OntPub documents classes and properties only; list the individuals ourselves."""
    rows = []
    for ind in sorted(set(graph.subjects(RDF.type, OWL.NamedIndividual)), key=str):
        types = sorted(
            graph.namespace_manager.normalizeUri(str(t))
            for t in graph.objects(ind, RDF.type)
            if t != OWL.NamedIndividual
        )
        label = graph.value(ind, RDFS.label) or ""
        definition = graph.value(ind, SKOS.definition) or ""
        name = graph.namespace_manager.normalizeUri(str(ind))
        rows.append(
            f'    <tr id="{html.escape(name)}"><td><code>{html.escape(name)}</code></td>'
            f"<td>{html.escape(str(label))}</td><td>{html.escape(', '.join(types))}</td>"
            f"<td>{html.escape(str(definition))}</td></tr>"
        )
    body = "\n".join(rows)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        "<title>otmlops named individuals</title></head>\n<body>\n"
        "  <h1>otmlops named individuals</h1>\n  <table>\n"
        "    <tr><th>IRI</th><th>Label</th><th>Types</th><th>Definition</th></tr>\n"
        f"{body}\n  </table>\n</body>\n</html>\n"
    )


def write_html(out_dir: Path) -> list[Path]:
    """Write the pages into ``out_dir`` (created if needed); return the files written."""
    ontpub = _import_pylode()
    out_dir.mkdir(parents=True, exist_ok=True)
    pages: list[tuple[Path, str]] = []
    merged = _merged_for_docs()
    target = out_dir / "otmlops.html"
    ontpub(ontology=merged, sort_subjects=True).make_html(destination=target)
    pages.append((target, _title(merged)))
    for path in module_files():
        if path.stem == "otmlops":
            continue
        graph = parse_file(path)
        graph.remove((None, OWL.imports, None))
        target = out_dir / f"{path.stem}.html"
        ontpub(ontology=graph, sort_subjects=True).make_html(destination=target)
        pages.append((target, _title(graph)))
    individuals = out_dir / "individuals.html"
    individuals.write_text(_individuals_page(load_ontology()), encoding="utf-8")
    pages.append(
        (
            individuals,
            "Named individuals (axis values, levels, functions, activities, "
            "roles, principles, correspondences)",
        )
    )
    index = out_dir / "index.html"
    items = "\n".join(f'    <li><a href="{p.name}">{html.escape(t)}</a></li>' for p, t in pages)
    index.write_text(
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        "<title>otmlops ontology documentation</title></head>\n<body>\n"
        "  <h1>otmlops ontology documentation</h1>\n"
        "  <p>Generated offline by <code>otmlops ontology html</code> with pyLODE.</p>\n"
        f"  <ul>\n{items}\n  </ul>\n</body>\n</html>\n",
        encoding="utf-8",
    )
    return [index] + [p for p, _ in pages]
