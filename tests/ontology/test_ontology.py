"""The ontology modules: they parse, resolve their imports offline, carry the terms of the public
vocabulary with labels and definitions, and hold the domain data as specified in
docs/vocabulary-contract.md."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS

from otmlops.namespaces import ISA95, MAP, MLOPS, RAMI
from otmlops.ontology import loader
from tests.support.cli import run_cli
from tests.support.paths import REPO

REF = Namespace("https://w3id.org/otmlops/reference#")
OUR_NAMESPACES = (str(RAMI), str(ISA95), str(MLOPS), str(MAP), str(REF))
MODULE_IRIS = {
    "otmlops.ttl": "https://w3id.org/otmlops/ontology",
    "rami.ttl": "https://w3id.org/otmlops/rami",
    "isa95.ttl": "https://w3id.org/otmlops/isa95",
    "mlops.ttl": "https://w3id.org/otmlops/mlops",
    "map.ttl": "https://w3id.org/otmlops/map",
    "reference-mapping.ttl": "https://w3id.org/otmlops/reference",
}

LAYERS = [
    "AssetLayer",
    "IntegrationLayer",
    "CommunicationLayer",
    "InformationLayer",
    "FunctionalLayer",
    "BusinessLayer",
]
LEVELS = [
    "ProductLevel",
    "FieldDeviceLevel",
    "ControlDeviceLevel",
    "StationLevel",
    "WorkCentersLevel",
    "EnterpriseLevel",
    "ConnectedWorldLevel",
]
PHASES = [
    "TypeDevelopment",
    "TypeMaintenanceUsage",
    "InstanceProduction",
    "InstanceMaintenanceUsage",
]
ISA_LEVELS = [f"Level{i}" for i in range(5)]
TOP_EQUIPMENT = [
    "Enterprise",
    "Site",
    "Area",
    "WorkCenter",
    "WorkUnit",
    "EquipmentModule",
    "ControlModule",
]
WORK_CENTER_KINDS = ["ProcessCell", "ProductionUnit", "ProductionLine", "StorageZone"]
WORK_UNIT_KINDS = ["Unit", "WorkCell", "StorageUnit"]
CATEGORIES = ["Production", "Maintenance", "Quality", "Inventory"]
GENERIC = [
    "ResourceManagement",
    "DefinitionManagement",
    "DetailedScheduling",
    "Dispatching",
    "ExecutionManagement",
    "DataCollection",
    "Tracking",
    "PerformanceAnalysis",
]
FUNCTIONS = [
    "OrderProcessing",
    "ProductionScheduling",
    "ProductionControl",
    "MaterialAndEnergyControl",
    "Procurement",
    "QualityAssurance",
    "ProductInventoryControl",
    "ProductCostAccounting",
    "ProductShippingAdministration",
    "MaintenanceManagement",
    "ResearchDevelopmentAndEngineering",
    "MarketingAndSales",
]
STAGES = [
    "DataCollection",
    "DataPreparation",
    "DataLabelling",
    "FeatureEngineering",
    "ModelTraining",
    "ModelEvaluation",
    "ModelRegistration",
    "ModelDeployment",
    "ModelServing",
    "Monitoring",
    "Retraining",
]
COMPONENTS = [
    "CICDComponent",
    "SourceCodeRepository",
    "WorkflowOrchestrationComponent",
    "FeatureStore",
    "ModelTrainingInfrastructure",
    "ModelRegistry",
    "MLMetadataStore",
    "ModelServingComponent",
    "MonitoringComponent",
]
ROLES = [
    "BusinessStakeholder",
    "SolutionArchitect",
    "DataScientist",
    "DataEngineer",
    "SoftwareEngineer",
    "DevOpsEngineer",
    "MLEngineer",
    "DomainExpert",
    "QualityEngineer",
    "ProcessEngineer",
    "OTEngineer",
    "Operator",
]
PRINCIPLES = [
    "CICDAutomation",
    "WorkflowOrchestrationPrinciple",
    "Reproducibility",
    "Versioning",
    "Collaboration",
    "ContinuousTrainingAndEvaluation",
    "MetadataTrackingAndLogging",
    "ContinuousMonitoring",
    "FeedbackLoops",
]

#: The public vocabulary of docs/vocabulary-contract.md, term by term: (IRI, rdf:type it must have).
CONTRACT_TERMS: list[tuple[URIRef, URIRef]] = (
    [(RAMI.Layer, OWL.Class), (RAMI.HierarchyLevel, OWL.Class), (RAMI.LifeCyclePhase, OWL.Class)]
    + [(RAMI[n], RAMI.Layer) for n in LAYERS]
    + [(RAMI[n], RAMI.HierarchyLevel) for n in LEVELS]
    + [(RAMI[n], RAMI.LifeCyclePhase) for n in PHASES]
    + [(ISA95.Level, OWL.Class)]
    + [(ISA95[n], ISA95.Level) for n in ISA_LEVELS]
    + [(ISA95[n], OWL.Class) for n in TOP_EQUIPMENT + WORK_CENTER_KINDS + WORK_UNIT_KINDS]
    + [(ISA95.partOf, OWL.ObjectProperty)]
    + [(ISA95[c + g], ISA95.Activity) for c in CATEGORIES for g in GENERIC]
    + [
        (MLOPS.UseCase, OWL.Class),
        (MLOPS.hasStage, OWL.ObjectProperty),
        (MLOPS.LifecycleStage, OWL.Class),
    ]
    + [(MLOPS[n], OWL.Class) for n in STAGES]
    + [
        (MAP[n], OWL.ObjectProperty)
        for n in (
            "layer",
            "hierarchyLevel",
            "lifeCyclePhase",
            "ownedBy",
            "deployedOn",
            "usesDataFrom",
        )
    ]
)

#: docs/vocabulary-contract.md additions that others build against.
CONTRACT_EXTRA: list[tuple[URIRef, URIRef]] = (
    [
        (RAMI.TypePhase, OWL.Class),
        (RAMI.InstancePhase, OWL.Class),
        (RAMI.order, OWL.DatatypeProperty),
        (RAMI.directlyAbove, OWL.ObjectProperty),
        (RAMI.directlyBelow, OWL.ObjectProperty),
        (RAMI.above, OWL.TransitiveProperty),
        (RAMI.below, OWL.TransitiveProperty),
        (ISA95.levelNumber, OWL.DatatypeProperty),
        (ISA95.Equipment, OWL.Class),
        (ISA95.Sensor, OWL.Class),
        (ISA95.Actuator, OWL.Class),
        (ISA95.mayBePartOf, OWL.AnnotationProperty),
        (ISA95.FunctionalElement, OWL.Class),
        (ISA95.Function, OWL.Class),
        (ISA95.Activity, OWL.Class),
        (ISA95.OperationsCategory, OWL.Class),
        (ISA95.GenericActivity, OWL.Class),
        (ISA95.category, OWL.ObjectProperty),
        (ISA95.genericActivity, OWL.ObjectProperty),
        (ISA95.atLevel, OWL.ObjectProperty),
        (ISA95.partOf, OWL.TransitiveProperty),
        (MLOPS.Component, OWL.Class),
        (MLOPS.usesComponent, OWL.ObjectProperty),
        (MLOPS.Role, OWL.Class),
        (MLOPS.Principle, OWL.Class),
        (MAP.rationale, OWL.AnnotationProperty),
        (MAP.LevelCorrespondence, OWL.Class),
        (MAP.ramiLevel, OWL.ObjectProperty),
        (MAP.isa95Level, OWL.ObjectProperty),
        (MAP.equipmentClass, OWL.AnnotationProperty),
        (MAP.outsideIsa95, OWL.DatatypeProperty),
        (MAP.expectedPhaseKind, OWL.AnnotationProperty),
        (MAP.ReferencePlacement, OWL.Class),
        (MAP.placesClass, OWL.AnnotationProperty),
        (MAP.DataSource, OWL.Class),
        (MAP.ComputeResource, OWL.Class),
        (MAP.EdgeDevice, OWL.Class),
        (MAP.IndustrialPC, OWL.Class),
        (MAP.LineServer, OWL.Class),
        (MAP.PlantServer, OWL.Class),
        (MAP.DataCentre, OWL.Class),
        (MAP.CloudTenant, OWL.Class),
        (MAP.locatedAt, OWL.ObjectProperty),
    ]
    + [(ISA95[n], ISA95.Function) for n in FUNCTIONS]
    + [(ISA95[c + "Operations"], ISA95.OperationsCategory) for c in CATEGORIES]
    + [(ISA95[g], ISA95.GenericActivity) for g in GENERIC]
    + [(MLOPS[n], OWL.Class) for n in COMPONENTS]
    + [(MLOPS[n], MLOPS.Role) for n in ROLES]
    + [(MLOPS[n], MLOPS.Principle) for n in PRINCIPLES]
    + [
        (MLOPS[n], OWL.Class)
        for n in (
            "Model",
            "ModelVersion",
            "Dataset",
            "FeatureSet",
            "Deployment",
            "PipelineRun",
            "Metric",
        )
    ]
)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return loader.load_ontology()


def _english_labels(graph: Graph, term: URIRef) -> list[Literal]:
    return [
        o
        for o in graph.objects(term, RDFS.label)
        if isinstance(o, Literal) and o.language == "en" and str(o).strip()
    ]


def _definitions(graph: Graph, term: URIRef) -> list[Literal]:
    return [
        o
        for o in graph.objects(term, SKOS.definition)
        if isinstance(o, Literal) and len(str(o).strip()) >= 20
    ]


def _values(graph: Graph, cls: URIRef) -> set[URIRef]:
    return set(graph.subjects(RDF.type, cls))


# --- files and imports ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MODULE_IRIS))
def test_every_module_parses_and_declares_its_ontology(name: str) -> None:
    graph = Graph().parse(REPO / "ontology" / name, format="turtle")
    assert (URIRef(MODULE_IRIS[name]), RDF.type, OWL.Ontology) in graph


def test_index_imports_the_four_modules_and_they_resolve_from_the_catalog() -> None:
    files = loader.module_files()
    assert files[0].name == "otmlops.ttl"
    assert sorted(p.name for p in files) == [
        "isa95.ttl",
        "map.ttl",
        "mlops.ttl",
        "otmlops.ttl",
        "rami.ttl",
    ]
    index = Graph().parse(REPO / "ontology" / "otmlops.ttl")
    imported = {str(o) for o in index.objects(URIRef(loader.INDEX_IRI), OWL.imports)}
    assert imported == {MODULE_IRIS[n] for n in ("rami.ttl", "isa95.ttl", "mlops.ttl", "map.ttl")}


def test_catalog_maps_every_ontology_and_version_iri_to_an_existing_file() -> None:
    root = ET.parse(REPO / "ontology" / "catalog-v001.xml").getroot()
    entries = {el.attrib["name"]: el.attrib["uri"] for el in root.iter() if el.tag.endswith("uri")}
    for name, iri in MODULE_IRIS.items():
        assert entries[iri] == name
        assert entries[iri + "/0.1.0"] == name
        assert (REPO / "ontology" / name).is_file()


def test_imports_missing_from_the_catalog_are_an_error_not_a_download(tmp_path) -> None:
    (tmp_path / "catalog-v001.xml").write_text(
        '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">'
        '<uri name="https://example.org/a" uri="a.ttl"/></catalog>'
    )
    (tmp_path / "a.ttl").write_text(
        "<https://example.org/a> a <http://www.w3.org/2002/07/owl#Ontology> ;\n"
        "  <http://www.w3.org/2002/07/owl#imports> <https://example.org/elsewhere> .\n"
    )
    with pytest.raises(Exception, match="https://example.org/elsewhere.*not in catalog"):
        loader.import_closure("https://example.org/a", tmp_path)


# --- metadata, labels, definitions ----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MODULE_IRIS))
def test_ontology_metadata(name: str) -> None:
    graph = Graph().parse(REPO / "ontology" / name)
    iri = URIRef(MODULE_IRIS[name])
    assert graph.value(iri, OWL.versionIRI) == URIRef(MODULE_IRIS[name] + "/0.1.0")
    assert str(graph.value(iri, OWL.versionInfo)) == "0.1.0"
    assert graph.value(iri, DCTERMS.license) == URIRef(
        "https://www.apache.org/licenses/LICENSE-2.0"
    )
    assert graph.value(iri, DCTERMS.creator) is not None
    assert graph.value(iri, DCTERMS.title) is not None
    assert graph.value(iri, DCTERMS.description) is not None


@pytest.mark.parametrize(("term", "kind"), CONTRACT_TERMS, ids=lambda x: str(x).split("#")[-1])
def test_design_contract_term_exists_with_label_and_definition(onto: Graph, term, kind) -> None:
    assert (term, RDF.type, kind) in onto, f"{term} is not a {kind}"
    assert _english_labels(onto, term), f"{term} has no rdfs:label @en"
    assert _definitions(onto, term), f"{term} has no skos:definition"


@pytest.mark.parametrize(("term", "kind"), CONTRACT_EXTRA, ids=lambda x: str(x).split("#")[-1])
def test_vocabulary_contract_term_exists(onto: Graph, term, kind) -> None:
    assert (term, RDF.type, kind) in onto, f"{term} is not a {kind}"


def test_every_term_in_our_namespaces_has_an_english_label_and_a_definition(onto: Graph) -> None:
    reference = loader.load_reference_mapping()
    graph = onto + reference
    terms = {
        s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(OUR_NAMESPACES)
    }
    missing = sorted(
        str(t) for t in terms if not _english_labels(graph, t) or not _definitions(graph, t)
    )
    assert len(terms) > 200
    assert missing == []


def test_every_term_used_from_our_namespaces_is_declared(onto: Graph) -> None:
    used = {
        t
        for triple in onto
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith(OUR_NAMESPACES)
    }
    undeclared = sorted(str(t) for t in used if (t, RDF.type, None) not in onto)
    assert undeclared == []


def test_external_terms_are_declared_for_owl_dl(onto: Graph) -> None:
    mls = Namespace("http://www.w3.org/ns/mls#")
    prov = Namespace("http://www.w3.org/ns/prov#")
    dcat = Namespace("http://www.w3.org/ns/dcat#")
    for cls in (
        mls.Model,
        mls.Data,
        mls.Run,
        mls.EvaluationMeasure,
        prov.Entity,
        prov.Activity,
        dcat.Dataset,
    ):
        assert (cls, RDF.type, OWL.Class) in onto, cls
    assert (SKOS.definition, RDF.type, OWL.AnnotationProperty) in onto


# --- RAMI 4.0 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "names"),
    [(RAMI.Layer, LAYERS), (RAMI.HierarchyLevel, LEVELS), (RAMI.LifeCyclePhase, PHASES)],
)
def test_rami_axes_are_complete_and_ordered(onto: Graph, cls, names) -> None:
    members = _values(onto, cls) | {
        s for sub in onto.subjects(RDFS.subClassOf, cls) for s in onto.subjects(RDF.type, sub)
    }
    assert members == {RAMI[n] for n in names}
    orders = [onto.value(RAMI[n], RAMI.order) for n in names]
    assert orders == [Literal(i) for i in range(1, len(names) + 1)]


@pytest.mark.parametrize("names", [LAYERS, LEVELS])
def test_directly_above_links_neighbours_only(onto: Graph, names) -> None:
    pairs = {
        (s, o) for s, o in onto.subject_objects(RAMI.directlyAbove) if s in {RAMI[n] for n in names}
    }
    assert pairs == {(RAMI[names[i + 1]], RAMI[names[i]]) for i in range(len(names) - 1)}


def test_above_is_transitive_super_property_of_directly_above(onto: Graph) -> None:
    assert (RAMI.directlyAbove, RDFS.subPropertyOf, RAMI.above) in onto
    assert (RAMI.directlyBelow, RDFS.subPropertyOf, RAMI.below) in onto
    assert (RAMI.above, OWL.inverseOf, RAMI.below) in onto
    assert (RAMI.directlyAbove, OWL.inverseOf, RAMI.directlyBelow) in onto
    assert (RAMI.order, RDF.type, OWL.FunctionalProperty) in onto


def test_phase_kinds(onto: Graph) -> None:
    assert _values(onto, RAMI.TypePhase) == {RAMI.TypeDevelopment, RAMI.TypeMaintenanceUsage}
    assert _values(onto, RAMI.InstancePhase) == {
        RAMI.InstanceProduction,
        RAMI.InstanceMaintenanceUsage,
    }
    assert (RAMI.TypePhase, OWL.disjointWith, RAMI.InstancePhase) in onto


def _all_disjoint_groups(graph: Graph) -> list[set[URIRef]]:
    return [
        set(Collection(graph, graph.value(n, OWL.members)))
        for n in graph.subjects(RDF.type, OWL.AllDisjointClasses)
    ]


@pytest.mark.parametrize(
    "group",
    [
        {RAMI.Layer, RAMI.HierarchyLevel, RAMI.LifeCyclePhase},
        {ISA95[n] for n in TOP_EQUIPMENT},
        {MLOPS[n] for n in STAGES},
    ],
    ids=["rami-axes", "isa95-equipment", "mlops-stages"],
)
def test_disjointness_axioms(onto: Graph, group) -> None:
    assert group in _all_disjoint_groups(onto)


# --- ISA-95 ---------------------------------------------------------------------------------


def test_isa95_levels_are_numbered(onto: Graph) -> None:
    assert _values(onto, ISA95.Level) == {ISA95[n] for n in ISA_LEVELS}
    for i in range(5):
        assert onto.value(ISA95[f"Level{i}"], ISA95.levelNumber) == Literal(i)


def test_equipment_hierarchy_classes(onto: Graph) -> None:
    for name in TOP_EQUIPMENT:
        assert (ISA95[name], RDFS.subClassOf, ISA95.Equipment) in onto
    for name in WORK_CENTER_KINDS:
        assert (ISA95[name], RDFS.subClassOf, ISA95.WorkCenter) in onto
    for name in WORK_UNIT_KINDS:
        assert (ISA95[name], RDFS.subClassOf, ISA95.WorkUnit) in onto
    for name in ("Sensor", "Actuator"):
        assert (ISA95[name], RDFS.subClassOf, ISA95.ControlModule) in onto


def test_may_be_part_of_is_the_contract_table(onto: Graph) -> None:
    pairs = {(s.split("#")[1], o.split("#")[1]) for s, o in onto.subject_objects(ISA95.mayBePartOf)}
    assert pairs == {
        ("Site", "Enterprise"),
        ("Area", "Site"),
        ("Area", "Enterprise"),
        ("ProductionLine", "Site"),
        ("ProcessCell", "Site"),
        ("ProductionUnit", "Site"),
        ("WorkCenter", "Area"),
        ("WorkUnit", "WorkCenter"),
        ("EquipmentModule", "WorkUnit"),
        ("EquipmentModule", "EquipmentModule"),
        ("ControlModule", "WorkUnit"),
        ("ControlModule", "EquipmentModule"),
        ("ControlModule", "ControlModule"),
    }


def test_twelve_functions_each_with_a_level(onto: Graph) -> None:
    functions = _values(onto, ISA95.Function)
    assert functions == {ISA95[n] for n in FUNCTIONS}
    for function in functions:
        levels = set(onto.objects(function, ISA95.atLevel))
        assert levels and levels <= {ISA95.Level3, ISA95.Level4}, function


def test_32_activities_each_with_category_generic_activity_and_level(onto: Graph) -> None:
    activities = _values(onto, ISA95.Activity)
    assert len(activities) == 32
    assert len(_values(onto, ISA95.OperationsCategory)) == 4
    assert len(_values(onto, ISA95.GenericActivity)) == 8
    for c in CATEGORIES:
        for g in GENERIC:
            activity = ISA95[c + g]
            assert activity in activities
            assert list(onto.objects(activity, ISA95.category)) == [ISA95[c + "Operations"]]
            assert list(onto.objects(activity, ISA95.genericActivity)) == [ISA95[g]]
            assert list(onto.objects(activity, ISA95.atLevel)) == [ISA95.Level3]


# --- MLOps ----------------------------------------------------------------------------------


def test_mlops_counts(onto: Graph) -> None:
    assert set(onto.subjects(RDFS.subClassOf, MLOPS.LifecycleStage)) == {MLOPS[n] for n in STAGES}
    assert set(onto.subjects(RDFS.subClassOf, MLOPS.Component)) == {MLOPS[n] for n in COMPONENTS}
    assert _values(onto, MLOPS.Role) == {MLOPS[n] for n in ROLES}
    assert _values(onto, MLOPS.Principle) == {MLOPS[n] for n in PRINCIPLES}
    orders = sorted(int(onto.value(MLOPS[n], MLOPS.stageOrder)) for n in STAGES)
    assert orders == list(range(1, len(STAGES) + 1))


def test_artefacts_are_aligned_by_iri(onto: Graph) -> None:
    mls = Namespace("http://www.w3.org/ns/mls#")
    prov = Namespace("http://www.w3.org/ns/prov#")
    dcat = Namespace("http://www.w3.org/ns/dcat#")
    expected = [
        (MLOPS.Model, mls.Model),
        (MLOPS.Model, prov.Entity),
        (MLOPS.Dataset, dcat.Dataset),
        (MLOPS.Dataset, mls.Data),
        (MLOPS.PipelineRun, mls.Run),
        (MLOPS.PipelineRun, prov.Activity),
        (MLOPS.Metric, mls.EvaluationMeasure),
    ]
    for sub, sup in expected:
        assert (sub, RDFS.subClassOf, sup) in onto, (sub, sup)
    # aligned, never imported
    assert not any(
        str(o).startswith(("http://www.w3.org/ns/", "http://data.europa.eu/"))
        for o in onto.objects(None, OWL.imports)
    )


# --- bridge ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prop", "target"),
    [
        (MAP.layer, RAMI.Layer),
        (MAP.hierarchyLevel, RAMI.HierarchyLevel),
        (MAP.lifeCyclePhase, RAMI.LifeCyclePhase),
        (MAP.ownedBy, ISA95.FunctionalElement),
    ],
)
def test_placement_properties_have_ranges(onto: Graph, prop, target) -> None:
    assert onto.value(prop, RDFS.range) == target
    assert onto.value(prop, RDFS.domain) is not None


def test_link_properties_have_no_range(onto: Graph) -> None:
    for prop in (MAP.deployedOn, MAP.usesDataFrom):
        assert onto.value(prop, RDFS.range) is None
        assert onto.value(prop, RDFS.domain) is not None


def test_level_correspondence_data(onto: Graph) -> None:
    rows = {}
    for corr in _values(onto, MAP.LevelCorrespondence):
        level = onto.value(corr, MAP.ramiLevel)
        assert len(str(onto.value(corr, MAP.rationale) or "")) > 40, corr
        rows[str(level).split("#")[1]] = (
            {str(o).split("#")[1] for o in onto.objects(corr, MAP.isa95Level)},
            {str(o).split("#")[1] for o in onto.objects(corr, MAP.equipmentClass)},
            onto.value(corr, MAP.outsideIsa95),
        )
    true = Literal(True)
    assert rows == {
        "ProductLevel": (set(), set(), true),
        "FieldDeviceLevel": ({"Level1"}, {"ControlModule"}, None),
        "ControlDeviceLevel": ({"Level1", "Level2"}, {"EquipmentModule", "ControlModule"}, None),
        "StationLevel": ({"Level2"}, {"WorkUnit"}, None),
        "WorkCentersLevel": ({"Level3"}, {"WorkCenter", "Area", "Site"}, None),
        "EnterpriseLevel": ({"Level4"}, {"Enterprise"}, None),
        "ConnectedWorldLevel": (set(), set(), true),
    }


def test_expected_phase_kinds(onto: Graph) -> None:
    kinds = {str(s).split("#")[1]: o for s, o in onto.subject_objects(MAP.expectedPhaseKind)}
    assert kinds == {
        "ModelTraining": RAMI.TypePhase,
        "ModelEvaluation": RAMI.TypePhase,
        "FeatureEngineering": RAMI.TypePhase,
        "ModelServing": RAMI.InstancePhase,
        "Monitoring": RAMI.InstancePhase,
    }


# --- HTML documentation ---------------------------------------------------------------------


@pytest.mark.slow
def test_html_docs_are_generated_offline(tmp_path) -> None:
    result = run_cli("ontology", "html", "--out", str(tmp_path / "html"))
    assert result.returncode == 0, result.stderr
    pages = {p.name for p in (tmp_path / "html").iterdir()}
    assert pages == {
        "index.html",
        "otmlops.html",
        "rami.html",
        "isa95.html",
        "mlops.html",
        "map.html",
        "individuals.html",
    }
    rami = (tmp_path / "html" / "rami.html").read_text(encoding="utf-8")
    assert "RAMI 4.0 hierarchy level" in rami and "otmlops RAMI 4.0 module" in rami
    index = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert 'href="isa95.html"' in index
    individuals = (tmp_path / "html" / "individuals.html").read_text(encoding="utf-8")
    assert "rami:ConnectedWorldLevel" in individuals
    assert "Quality performance analysis" in individuals
