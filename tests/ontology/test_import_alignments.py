"""The alignment modules: readable terms, OWL 2 DL consistency with the ontology and with the
real plant and ML examples they align."""

from __future__ import annotations

import shutil

import pytest
import rdflib
from rdflib.namespace import RDFS, SKOS

from otmlops.ontology.check import run_check
from tests.support.paths import FIXTURES, REPO

ALIGNMENTS = sorted((REPO / "ontology" / "alignments").glob("*.ttl"))
MINTED = ("https://w3id.org/otmlops/alignment#", "https://w3id.org/otmlops/opcua#")
MAP_RATIONALE = rdflib.URIRef("https://w3id.org/otmlops/map#rationale")


def test_all_alignment_modules_are_there() -> None:
    assert [p.name for p in ALIGNMENTS] == ["aas.ttl", "esmf.ttl", "ml.ttl", "opcua.ttl"]


@pytest.mark.parametrize("path", ALIGNMENTS, ids=lambda p: p.name)
def test_minted_terms_have_label_and_definition(path) -> None:
    graph = rdflib.Graph().parse(path)
    minted = {
        s for s in graph.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(MINTED)
    }
    for term in minted:
        assert graph.value(term, RDFS.label) is not None, term
        assert graph.value(term, SKOS.definition) is not None, term


@pytest.mark.parametrize("path", ALIGNMENTS, ids=lambda p: p.name)
def test_every_alignment_axiom_has_a_rationale(path) -> None:
    graph = rdflib.Graph().parse(path)
    aligned = set(graph.subjects(RDFS.subClassOf, None)) | set(
        graph.subjects(RDFS.subPropertyOf, None)
    )
    aligned = {t for t in aligned if not str(t).startswith(MINTED)}
    for term in aligned:
        assert graph.value(term, MAP_RATIONALE) is not None, term


@pytest.mark.java
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")
def test_ontology_with_alignments_and_examples_is_consistent(tmp_path) -> None:
    """The ESMF example is inconsistent on its own under OWL 2 DL (upstream): it gives
    prod:hasRawMaterialName, whose range is xsd:string, the value "Raw Housing"@en, and a
    language-tagged string is no xsd:string. That one triple is taken out here."""
    esmf = rdflib.Graph().parse(FIXTURES / "esmf" / "esmf_i40_core_whitepaper_example.ttl")
    name = rdflib.URIRef(
        "https://eclipse-esmf.github.io/ontologies/I4.0/Product/hasRawMaterialName"
    )
    bad = [
        (s, p, o)
        for s, p, o in esmf.triples((None, name, None))
        if isinstance(o, rdflib.Literal) and o.language
    ]
    assert len(bad) == 1
    esmf.remove(bad[0])
    esmf_file = tmp_path / "esmf-example.nt"
    esmf.serialize(esmf_file, format="nt", encoding="utf-8")
    extra = [
        *ALIGNMENTS,
        esmf_file,
        *sorted(
            (FIXTURES / "mldcat-ap" / "releases" / "3.1.0" / "html" / "examples").glob("*.ttl")
        ),
    ]
    result = run_check(extra)
    assert result.ok, result.explanations
