"""Every catalogue query, with exact expected answers, on every backend.

The answers are worked out by hand from the data (tests/data/queries/gaps-plant.ttl says what was
planted there; the case studies are examples/*.ttl), not copied from a run. Stores are opened
once per module and backend: embedded on disk, in memory, and a real ``oxigraph serve``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from otmlops.catalogue import load_catalogue, run_named_query
from otmlops.results_format import term_text
from otmlops.store import open_store
from tests.support.oxigraph_server import start_server, stop_server
from tests.support.paths import DATA, EXAMPLES

GAPS = DATA / "queries" / "gaps-plant.ttl"
PREFIXES = {
    "gx": "https://example.org/gaps#",
    "pdm": "https://w3id.org/otmlops/examples/pdm-machinery#",
    "qp": "https://w3id.org/otmlops/examples/quality-esmf#",
    "opc": "http://opcfoundation.org/UA/Machinery_Example/",
    "esmf": "https://eclipse-esmf.github.io/ontologies/I4.0/Equipment/",
    "rami": "https://w3id.org/otmlops/rami#",
    "isa95": "https://w3id.org/otmlops/isa95#",
    "mlops": "https://w3id.org/otmlops/mlops#",
    "map": "https://w3id.org/otmlops/map#",
}
BACKENDS = ("disk", "memory", "remote")


def _short(term: object) -> str | None:
    """``prefix:rest`` for IRIs in PREFIXES, the plain value for numbers, ``text@lang``."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        for prefix, ns in PREFIXES.items():
            if term.value.startswith(ns):
                return f"{prefix}:{term.value[len(ns) :]}"
        return term.value
    return term_text(term)


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """The backend under test; remote starts one ``oxigraph serve`` per dataset store."""
    yield request.param


def _open(kind: str, tmp_path_factory: pytest.TempPathFactory, files: list[Path]):
    proc = None
    if kind == "disk":
        location = str(tmp_path_factory.mktemp("store") / "store")
    elif kind == "memory":
        location = "memory"
    else:
        proc, location = start_server(tmp_path_factory.mktemp("oxigraph") / "db")
    store = open_store(location)
    for f in files:
        store.load(f)
    return store, proc


@pytest.fixture(scope="module")
def gaps(backend: str, tmp_path_factory: pytest.TempPathFactory):
    store, proc = _open(backend, tmp_path_factory, [GAPS])
    yield store
    store.close()
    if proc:
        stop_server(proc)


@pytest.fixture(scope="module")
def pdm(backend: str, tmp_path_factory: pytest.TempPathFactory):
    store, proc = _open(backend, tmp_path_factory, [EXAMPLES / "pdm-machinery.ttl"])
    yield store
    store.close()
    if proc:
        stop_server(proc)


@pytest.fixture(scope="module")
def quality(backend: str, tmp_path_factory: pytest.TempPathFactory):
    store, proc = _open(backend, tmp_path_factory, [EXAMPLES / "quality-esmf.ttl"])
    yield store
    store.close()
    if proc:
        stop_server(proc)


def rows(
    store, query_id: str, *params: str, columns: tuple[str, ...] | None = None
) -> list[tuple[str | None, ...]]:
    """The answer as a sorted list of rows of compact terms (``gx:UC1``, ``rami:StationLevel``)."""
    outcome = run_named_query(store, query_id, list(params))
    assert isinstance(outcome, ox.QuerySolutions)
    names = columns or tuple(v.value for v in outcome.variables)
    return sorted(
        (tuple(_short(sol[n]) for n in names) for sol in outcome),
        key=lambda r: tuple(x or "" for x in r),
    )


# --- the gaps plant -----------------------------------------------------------------------------


def test_stages_without_owner(gaps) -> None:
    assert rows(gaps, "stages-without-owner", columns=("useCase", "stage")) == [
        ("gx:UC1", "gx:UC1_Serve"),
        ("gx:UC2", "gx:UC2_Evaluate"),
    ]


def test_use_cases_by_area(gaps) -> None:
    # AreaA: UC1 through its stages on ModA1/CellA1/LineA1, UC3 deployed on the area itself;
    # AreaB: UC2 (as a whole and through stages on UnitB1); AreaC: nothing.
    assert rows(gaps, "use-cases-by-area", columns=("area", "useCases")) == [
        ("gx:AreaA", "2"),
        ("gx:AreaB", "1"),
        ("gx:AreaC", "0"),
    ]


def test_stages_by_rami_cell(gaps) -> None:
    got = rows(gaps, "stages-by-rami-cell", columns=("layer", "level", "phase", "stages"))
    assert len(got) == 6 * 7 * 4
    occupied = sorted(r for r in got if r[3] != "0")
    assert occupied == sorted(
        [
            (
                "rami:IntegrationLayer",
                "rami:ControlDeviceLevel",
                "rami:InstanceMaintenanceUsage",
                "1",
            ),
            ("rami:FunctionalLayer", "rami:EnterpriseLevel", "rami:InstanceProduction", "1"),
            ("rami:FunctionalLayer", "rami:StationLevel", "rami:InstanceMaintenanceUsage", "1"),
            (
                "rami:InformationLayer",
                "rami:FieldDeviceLevel",
                "rami:InstanceMaintenanceUsage",
                "1",
            ),
            ("rami:IntegrationLayer", "rami:StationLevel", "rami:InstanceMaintenanceUsage", "1"),
            ("rami:FunctionalLayer", "rami:WorkCentersLevel", "rami:InstanceMaintenanceUsage", "1"),
            ("rami:BusinessLayer", "rami:ConnectedWorldLevel", "rami:TypeDevelopment", "1"),
        ]
    )


def test_stages_by_rami_cell_is_in_axis_order(gaps) -> None:
    outcome = run_named_query(gaps, "stages-by-rami-cell")
    first = next(iter(outcome))
    assert (_short(first["layer"]), _short(first["level"]), _short(first["phase"])) == (
        "rami:AssetLayer",
        "rami:ProductLevel",
        "rami:TypeDevelopment",
    )


def test_empty_rami_cells(gaps) -> None:
    got = rows(gaps, "empty-rami-cells")
    assert len(got) == 168 - 7
    assert ("rami:FunctionalLayer", "rami:StationLevel", "rami:InstanceMaintenanceUsage") not in got
    assert ("rami:AssetLayer", "rami:ProductLevel", "rami:TypeDevelopment") in got


def test_models_on_equipment_area(gaps) -> None:
    assert rows(
        gaps,
        "models-on-equipment",
        "equipment=https://example.org/gaps#AreaA",
        columns=("useCase", "stage", "deployedOn"),
    ) == [
        ("gx:UC1", "gx:UC1_Collect", "gx:ModA1"),
        ("gx:UC1", "gx:UC1_Monitor", "gx:LineA1"),
        ("gx:UC1", "gx:UC1_Serve", "gx:CellA1"),
        ("gx:UC3", None, "gx:AreaA"),
    ]


def test_models_on_equipment_cell(gaps) -> None:
    assert rows(
        gaps,
        "models-on-equipment",
        "equipment=<https://example.org/gaps#CellA1>",
        columns=("useCase", "stage", "deployedOn"),
    ) == [("gx:UC1", "gx:UC1_Collect", "gx:ModA1"), ("gx:UC1", "gx:UC1_Serve", "gx:CellA1")]


def test_impact_of_equipment(gaps) -> None:
    assert rows(
        gaps,
        "impact-of-equipment",
        "equipment=https://example.org/gaps#CellA1",
        columns=("useCase", "stage", "dependency", "via"),
    ) == [
        ("gx:UC1", "gx:UC1_Collect", "map:deployedOn", "gx:ModA1"),
        ("gx:UC1", "gx:UC1_Collect", "map:usesDataFrom", "gx:SensA1"),
        ("gx:UC1", "gx:UC1_Serve", "map:deployedOn", "gx:CellA1"),
        ("gx:UC1", "gx:UC1_Train", "map:usesDataFrom", "gx:SensA1"),
    ]


def test_impact_of_unknown_equipment_is_empty(gaps) -> None:
    assert rows(gaps, "impact-of-equipment", "equipment=https://example.org/gaps#Nowhere") == []


def test_serving_without_monitoring(gaps) -> None:
    assert rows(gaps, "serving-without-monitoring") == [("gx:UC2", "gx:UC2_Serve")]


def test_level_mismatches(gaps) -> None:
    assert rows(
        gaps,
        "level-mismatches",
        columns=("useCase", "stage", "level", "equipment", "equipmentClass"),
    ) == [
        ("gx:UC1", "gx:UC1_Monitor", "rami:FieldDeviceLevel", "gx:LineA1", "isa95:WorkCenter"),
        ("gx:UC2", "gx:UC2_Serve", "rami:WorkCentersLevel", "gx:UnitB1", "isa95:WorkUnit"),
    ]


def test_owner_load(gaps) -> None:
    assert rows(gaps, "owner-load", columns=("owner", "ownerKind", "stages", "useCases")) == [
        ("isa95:MaterialAndEnergyControl", "isa95:Function", "1", "1"),
        ("isa95:ProductionDataCollection", "isa95:Activity", "2", "2"),
        ("isa95:ProductionPerformanceAnalysis", "isa95:Activity", "1", "1"),
        ("isa95:QualityExecutionManagement", "isa95:Activity", "1", "1"),
        ("isa95:ResearchDevelopmentAndEngineering", "isa95:Function", "1", "1"),
    ]
    first = next(iter(run_named_query(gaps, "owner-load")))
    assert _short(first["owner"]) == "isa95:ProductionDataCollection"  # busiest first


def test_it_ot_boundary_crossings(gaps) -> None:
    assert rows(
        gaps, "it-ot-boundary-crossings", columns=("useCase", "stage", "stageLevel", "source")
    ) == [
        ("gx:UC1", "gx:UC1_Train", "rami:EnterpriseLevel", "gx:SensA1"),
        ("gx:UC3", "gx:UC3_Train", "rami:ConnectedWorldLevel", "gx:SensB1"),
    ]


def test_stages_by_layer(gaps) -> None:
    assert rows(gaps, "stages-by-layer") == sorted(
        [
            ("rami:AssetLayer", "0"),
            ("rami:IntegrationLayer", "2"),
            ("rami:CommunicationLayer", "0"),
            ("rami:InformationLayer", "1"),
            ("rami:FunctionalLayer", "3"),
            ("rami:BusinessLayer", "1"),
        ]
    )


def test_use_case_overview(gaps) -> None:
    assert rows(gaps, "use-case-overview") == [
        ("gx:UC1", "Spindle anomaly detection@en", "4", "3", "4"),
        ("gx:UC2", "Vision quality check@en", "3", "2", "2"),
        ("gx:UC3", "Energy forecast@en", "1", "1", "1"),
    ]


def test_stages_missing_placement(gaps) -> None:
    assert rows(gaps, "stages-missing-placement") == [
        ("gx:UC2", "gx:UC2_Evaluate", "map:layer"),
        ("gx:UC2", "gx:UC2_Evaluate", "map:lifeCyclePhase"),
    ]


def test_owners_by_category(gaps) -> None:
    assert rows(gaps, "owners-by-category") == [
        ("isa95:InventoryOperations", "0", "0"),
        ("isa95:MaintenanceOperations", "0", "0"),
        ("isa95:ProductionOperations", "2", "3"),
        ("isa95:QualityOperations", "1", "1"),
    ]


def test_reference_deviation(gaps) -> None:
    assert rows(gaps, "reference-deviation") == [
        (
            "gx:UC1",
            "gx:UC1_Monitor",
            "mlops:Monitoring",
            "map:hierarchyLevel",
            "rami:FieldDeviceLevel",
        ),
        (
            "gx:UC1",
            "gx:UC1_Train",
            "mlops:ModelTraining",
            "map:lifeCyclePhase",
            "rami:InstanceProduction",
        ),
        ("gx:UC3", "gx:UC3_Train", "mlops:ModelTraining", "map:layer", "rami:BusinessLayer"),
    ]


def test_unmonitored_equipment(gaps) -> None:
    # CellA1 is covered: UC1's monitoring runs on LineA1, which contains it.
    assert rows(gaps, "unmonitored-equipment") == [("gx:UnitB1", "gx:UC2", "gx:UC2_Serve")]


def test_phase_mismatches(gaps) -> None:
    assert rows(gaps, "phase-mismatches") == [
        (
            "gx:UC1",
            "gx:UC1_Train",
            "mlops:ModelTraining",
            "rami:InstanceProduction",
            "rami:TypePhase",
        )
    ]


def test_dangling_links(gaps) -> None:
    assert rows(gaps, "dangling-links") == [
        ("gx:UC1_Monitor", "map:usesDataFrom", "gx:Ghost"),
        ("gx:UC2_Evaluate", "map:deployedOn", "gx:GhostServer"),
        ("gx:UC3_Train", "map:usesDataFrom", "gx:Ghost"),
    ]


def test_stages_of_use_case(gaps) -> None:
    assert rows(
        gaps,
        "stages-of-use-case",
        "useCase=https://example.org/gaps#UC2",
        columns=("stage", "kind", "layer", "level", "phase", "owner", "deployedOn"),
    ) == [
        (
            "gx:UC2_Collect",
            "mlops:DataCollection",
            "rami:IntegrationLayer",
            "rami:StationLevel",
            "rami:InstanceMaintenanceUsage",
            "isa95:ProductionDataCollection",
            "gx:UnitB1",
        ),
        (
            "gx:UC2_Evaluate",
            "mlops:ModelEvaluation",
            None,
            "rami:EnterpriseLevel",
            None,
            None,
            "gx:GhostServer",
        ),
        (
            "gx:UC2_Serve",
            "mlops:ModelServing",
            "rami:FunctionalLayer",
            "rami:WorkCentersLevel",
            "rami:InstanceMaintenanceUsage",
            "isa95:QualityExecutionManagement",
            "gx:UnitB1",
        ),
    ]


def test_stages_in_rami_cell_with_prefixed_names(gaps) -> None:
    assert rows(
        gaps,
        "stages-in-rami-cell",
        "layer=rami:IntegrationLayer",
        "level=rami:StationLevel",
        "phase=rami:InstanceMaintenanceUsage",
        columns=("useCase", "stage"),
    ) == [("gx:UC2", "gx:UC2_Collect")]


def test_use_cases_by_label_ignores_case(gaps) -> None:
    assert rows(gaps, "use-cases-by-label", "text=VISION", columns=("useCase",)) == [("gx:UC2",)]
    assert rows(gaps, "use-cases-by-label", "text=e", columns=("useCase",)) == [
        ("gx:UC1",),
        ("gx:UC2",),
        ("gx:UC3",),
    ]


def test_equipment_load(gaps) -> None:
    # stage deployments counted at the equipment and every container of it
    assert rows(gaps, "equipment-load", "minStages=2", columns=("equipment", "stages")) == [
        ("gx:AreaA", "3"),
        ("gx:AreaB", "2"),
        ("gx:CellA1", "2"),
        ("gx:Ent", "6"),
        ("gx:LineA1", "3"),
        ("gx:ProcB", "2"),
        ("gx:Site1", "5"),
        ("gx:UnitB1", "2"),
    ]
    default = rows(gaps, "equipment-load", columns=("equipment", "stages"))
    assert ("gx:ModA1", "1") in default and ("gx:GhostServer", "1") in default
    assert len(default) == 10


def test_injection_in_string_parameter_is_just_text(gaps) -> None:
    hostile = 'x")) } ; DROP ALL ; SELECT * { ?s ?p ?o FILTER (("'
    before = gaps.triple_count()
    assert rows(gaps, "use-cases-by-label", f"text={hostile}") == []
    assert gaps.triple_count() == before


# --- a user's own class hierarchy and containment -------------------------------------------

USER_CLASSES = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix isa95: <https://w3id.org/otmlops/isa95#> .
@prefix rami: <https://w3id.org/otmlops/rami#> .
@prefix mlops: <https://w3id.org/otmlops/mlops#> .
@prefix map: <https://w3id.org/otmlops/map#> .
@prefix gx: <https://example.org/gaps#> .

# two steps and an equivalence away from the ISA-95 classes the correspondences name
gx:PickRobot rdfs:subClassOf gx:Robot .
gx:Robot owl:equivalentClass gx:Machine .
gx:Machine rdfs:subClassOf isa95:WorkUnit .
gx:ThermoProbe rdfs:subClassOf gx:Probe .
gx:Probe rdfs:subClassOf isa95:ControlModule .

gx:Robot7 a gx:PickRobot ; isa95:partOf gx:LineA1 .
gx:Probe7 a gx:ThermoProbe ; isa95:partOf gx:Robot7 .

gx:UC9 a mlops:UseCase ; mlops:hasStage gx:UC9_Forecast , gx:UC9_Watch , gx:UC9_Edge .
gx:UC9_Forecast a mlops:ModelServing ;
    map:hierarchyLevel rami:EnterpriseLevel ;
    map:deployedOn gx:Robot7 ;
    map:usesDataFrom gx:Probe7 .
# monitoring reads a probe inside the robot: the robot's serving counts as monitored
gx:UC9_Watch a mlops:Monitoring ; map:usesDataFrom gx:Probe7 .
# serving on a leaf with nothing monitored around it
gx:Probe8 a gx:ThermoProbe ; isa95:partOf gx:UnitB1 .
gx:UC9_Edge a mlops:ModelServing ; map:deployedOn gx:Probe8 .
"""


@pytest.fixture(scope="module")
def user_classes(backend: str, tmp_path_factory: pytest.TempPathFactory):
    extra = tmp_path_factory.mktemp("user-classes") / "user-classes.ttl"
    extra.write_text(USER_CLASSES, encoding="utf-8")
    store, proc = _open(backend, tmp_path_factory, [GAPS, extra])
    yield store
    store.close()
    if proc:
        stop_server(proc)


def test_questions_over_a_users_own_classes_and_containment(user_classes) -> None:
    # the queries read asserted types once and close them over the class table themselves
    # (docs/queries.md); the answers must be those of "?x a ?class" with full entailment
    mismatches = rows(
        user_classes, "level-mismatches", columns=("stage", "level", "equipment", "equipmentClass")
    )
    assert ("gx:UC9_Forecast", "rami:EnterpriseLevel", "gx:Robot7", "isa95:WorkUnit") in mismatches
    crossings = rows(user_classes, "it-ot-boundary-crossings", columns=("stage", "source"))
    assert ("gx:UC9_Forecast", "gx:Probe7") in crossings
    unmonitored = rows(user_classes, "unmonitored-equipment")
    assert unmonitored == [
        ("gx:Probe8", "gx:UC9", "gx:UC9_Edge"),
        ("gx:UnitB1", "gx:UC2", "gx:UC2_Serve"),
    ]
    areas = dict(rows(user_classes, "use-cases-by-area"))
    assert areas["gx:AreaA"] == "3"  # UC1, UC3 and, through Robot7 inside LineA1, UC9


# --- the case studies ----------------------------------------------------------------------------


def test_case_studies_have_no_gaps(pdm, quality) -> None:
    for store in (pdm, quality):
        for qid in (
            "stages-without-owner",
            "serving-without-monitoring",
            "level-mismatches",
            "stages-missing-placement",
            "phase-mismatches",
            "reference-deviation",
            "dangling-links",
            "unmonitored-equipment",
        ):
            assert rows(store, qid) == [], qid


def test_pdm_use_cases_by_area(pdm) -> None:
    assert rows(pdm, "use-cases-by-area") == [("pdm:MouldingHall", "1")]


def test_quality_use_cases_by_area(quality) -> None:
    assert rows(quality, "use-cases-by-area") == [("qp:MachiningArea", "1")]


def test_pdm_models_on_line(pdm) -> None:
    uc = "pdm:PredictiveMaintenanceExampleMachine01"
    assert rows(
        pdm,
        "models-on-equipment",
        "equipment=https://w3id.org/otmlops/examples/pdm-machinery#MouldingLine1",
        columns=("useCase", "stage", "deployedOn"),
    ) == [
        (uc, None, "opc:i=5003"),
        (uc, "pdm:DataCollection", "opc:i=5015"),
        (uc, "pdm:ModelDeployment", "opc:i=5003"),
        (uc, "pdm:ModelServing", "opc:i=5003"),
        (uc, "pdm:Monitoring", "pdm:MouldingLine1"),
    ]


def test_pdm_impact_of_machine(pdm) -> None:
    uc = "pdm:PredictiveMaintenanceExampleMachine01"
    dep, data = "map:deployedOn", "map:usesDataFrom"
    assert rows(
        pdm,
        "impact-of-equipment",
        "equipment=http://opcfoundation.org/UA/Machinery_Example/i=5003",
        columns=("useCase", "stage", "dependency", "via"),
    ) == [
        (uc, None, dep, "opc:i=5003"),
        (uc, "pdm:DataCollection", dep, "opc:i=5015"),
        (uc, "pdm:DataCollection", data, "opc:i=5003"),
        (uc, "pdm:DataCollection", data, "opc:i=5015"),
        (uc, "pdm:DataPreparation", data, "opc:i=5003"),
        (uc, "pdm:ModelDeployment", dep, "opc:i=5003"),
        (uc, "pdm:ModelServing", dep, "opc:i=5003"),
        (uc, "pdm:ModelServing", data, "opc:i=5015"),
        (uc, "pdm:Monitoring", data, "opc:i=5003"),
        (uc, "pdm:Retraining", data, "opc:i=5003"),
    ]


def test_pdm_it_ot_boundary_crossings(pdm) -> None:
    # preparation, monitoring (Work Centers) and retraining (Enterprise) read the work cell
    assert rows(pdm, "it-ot-boundary-crossings", columns=("stage", "stageLevel", "source")) == [
        ("pdm:DataPreparation", "rami:WorkCentersLevel", "opc:i=5003"),
        ("pdm:Monitoring", "rami:WorkCentersLevel", "opc:i=5003"),
        ("pdm:Retraining", "rami:EnterpriseLevel", "opc:i=5003"),
    ]


def test_quality_it_ot_boundary_crossings(quality) -> None:
    # data sources that are not equipment (measured values, settings) do not count
    assert rows(quality, "it-ot-boundary-crossings", columns=("stage", "source")) == [
        ("qp:Monitoring", "qp:BoreGauge10"),
        ("qp:Retraining", "esmf:Station/Housing_10"),
    ]


def test_pdm_owner_load(pdm) -> None:
    got = {r[0]: r[2] for r in rows(pdm, "owner-load")}
    assert got == {
        "isa95:MaintenancePerformanceAnalysis": "2",
        "isa95:ResearchDevelopmentAndEngineering": "2",
        "isa95:MaintenanceDataCollection": "1",
        "isa95:MaintenanceTracking": "1",
        "isa95:MaintenanceDefinitionManagement": "1",
        "isa95:MaintenanceDispatching": "1",
        "isa95:MaintenanceExecutionManagement": "1",
        "isa95:MaintenanceManagement": "1",
    }


def test_pdm_rami_coverage(pdm) -> None:
    assert len(rows(pdm, "empty-rami-cells")) == 168 - 11
    cells = {r[:3]: r[3] for r in rows(pdm, "stages-by-rami-cell")}
    assert cells[("rami:FunctionalLayer", "rami:EnterpriseLevel", "rami:TypeDevelopment")] == "4"
    assert sum(int(n) for n in cells.values()) == 14  # stages x layers they span
    assert rows(
        pdm,
        "stages-in-rami-cell",
        "layer=rami:FunctionalLayer",
        "level=rami:EnterpriseLevel",
        "phase=rami:TypeDevelopment",
        columns=("stage",),
    ) == [
        ("pdm:FeatureEngineering",),
        ("pdm:ModelEvaluation",),
        ("pdm:ModelTraining",),
        ("pdm:Retraining",),
    ]


def test_every_catalogue_query_runs_with_its_example(pdm) -> None:
    for query in load_catalogue().values():
        outcome = run_named_query(pdm, query.id, query.example_assignments(0))
        assert isinstance(outcome, ox.QuerySolutions), query.id
        list(outcome)


def test_catalogue_examples_name_case_study_terms(pdm) -> None:
    """Examples in the metadata are real calls: on the case study they find something."""
    for query in load_catalogue().values():
        if query.params:
            outcome = run_named_query(pdm, query.id, query.example_assignments(0))
            assert list(outcome), f"{query.id}: example {query.examples[0]!r} finds nothing"


# --- compute resources that host stages ------------------------------------------------------

HOSTS = """
@prefix gx: <https://example.org/gaps#> .
@prefix rami: <https://w3id.org/otmlops/rami#> .
@prefix mlops: <https://w3id.org/otmlops/mlops#> .
@prefix map: <https://w3id.org/otmlops/map#> .
gx:EdgeA1 a map:EdgeDevice ; map:locatedAt gx:CellA1 ; map:hierarchyLevel rami:StationLevel .
gx:Cloud a map:CloudTenant ; map:hierarchyLevel rami:ConnectedWorldLevel .
gx:UC8 a mlops:UseCase ; mlops:hasStage gx:UC8_Serve , gx:UC8_Monitor , gx:UC8_Train , gx:UC8_Prep .
gx:UC8_Serve a mlops:ModelServing ; map:hierarchyLevel rami:StationLevel ;
    map:deployedOn gx:EdgeA1 .
gx:UC8_Monitor a mlops:Monitoring ; map:hierarchyLevel rami:WorkCentersLevel ;
    map:deployedOn gx:EdgeA1 .
gx:UC8_Train a mlops:ModelTraining ; map:hierarchyLevel rami:ConnectedWorldLevel ;
    map:deployedOn gx:Cloud ; map:usesDataFrom gx:EdgeA1 .
gx:UC8_Prep a mlops:DataPreparation ; map:hierarchyLevel rami:StationLevel ;
    map:usesDataFrom gx:EdgeA1 .
"""


@pytest.fixture(scope="module")
def hosts(backend: str, tmp_path_factory: pytest.TempPathFactory):
    extra = tmp_path_factory.mktemp("hosts") / "hosts.ttl"
    extra.write_text(HOSTS, encoding="utf-8")
    store, proc = _open(backend, tmp_path_factory, [GAPS, extra])
    yield store
    store.close()
    if proc:
        stop_server(proc)


def test_a_host_is_judged_by_the_equipment_it_stands_at(hosts) -> None:
    # serving at Station on an edge PC at a work cell fits; monitoring at Work Centers on the same
    # PC does not (reported with the PC and the class of its work cell); the cloud stands nowhere
    mismatches = rows(
        hosts,
        "level-mismatches",
        columns=("useCase", "stage", "level", "equipment", "equipmentClass"),
    )
    assert [m for m in mismatches if m[0] == "gx:UC8"] == [
        ("gx:UC8", "gx:UC8_Monitor", "rami:WorkCentersLevel", "gx:EdgeA1", "isa95:WorkUnit")
    ]
    # data from the edge PC at a work cell is OT data: training in the cloud crosses the boundary,
    # preparation at Station does not
    crossings = rows(hosts, "it-ot-boundary-crossings", columns=("stage", "source"))
    assert [c for c in crossings if c[0].startswith("gx:UC8")] == [("gx:UC8_Train", "gx:EdgeA1")]
    assert [r for r in rows(hosts, "dangling-links") if "UC8" in r[0]] == []
    # where the models run: the edge PC stands at CellA1 in LineA1 in AreaA
    on_line = rows(
        hosts,
        "models-on-equipment",
        "equipment=https://example.org/gaps#LineA1",
        columns=("useCase", "stage", "deployedOn"),
    )
    assert ("gx:UC8", "gx:UC8_Serve", "gx:EdgeA1") in on_line
    assert not [r for r in on_line if r[1] == "gx:UC8_Train"]  # the cloud stands nowhere
    # AreaA: UC1 and UC3 as on the gaps plant (test_use_cases_by_area), and UC8 through its
    # edge PC
    assert dict(rows(hosts, "use-cases-by-area"))["gx:AreaA"] == "3"
