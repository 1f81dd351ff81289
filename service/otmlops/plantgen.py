"""Synthetic plant generator: an ISA-95 equipment hierarchy with ML use cases mapped onto it.

Deterministic by seed, so benchmarks and tests can be repeated and compared. The output uses only
the public vocabulary (rami:, isa95:, mlops:, map:) and asserts direct facts only (direct
isa95:partOf edges, most specific classes); queries on the store see the entailments.

What is in it (by default 95 % of the triples describe equipment and 5 % use cases; a plant
has far more sensors than ML use cases, and query cost grows with the number of stages):

- Enterprise > Site > Area > WorkCenter (ProcessCell, ProductionUnit, ProductionLine,
  StorageZone) > WorkUnit (Unit, WorkCell, StorageUnit) > EquipmentModule > ControlModule
  (sensors and actuators), each with a type, an rdfs:label and one isa95:partOf edge;
- use cases (mlops:UseCase) homed on a work unit, each with the ten lifecycle stages placed on
  the three RAMI 4.0 axes, owned by ISA-95 activities, deployed on equipment and using sensor data;
- planted defects at fixed rates: stages without owner, stages whose hierarchy level does not fit
  the equipment they run on, training stages in an instance phase, use cases that serve a model
  but lack a monitoring stage, and links to equipment that is described nowhere.

Command line: ``python -m otmlops.plantgen --size 100k --seed 1 --out plant.nt``.
Library: ``generate(100_000, seed=1, out=path)`` returns a :class:`PlantStats`.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
RAMI = "https://w3id.org/otmlops/rami#"
ISA95 = "https://w3id.org/otmlops/isa95#"
MLOPS = "https://w3id.org/otmlops/mlops#"
MAP = "https://w3id.org/otmlops/map#"
#: Namespace of generated individuals; the seed is part of it so two plants never collide.
BASE = "https://plant.example.org/gen/"

SIZES = {
    "small": 10_000,
    "medium": 100_000,
    "large": 1_000_000,
    "10k": 10_000,
    "100k": 100_000,
    "1m": 1_000_000,
}

# Rates of planted defects (fractions).
P_NO_OWNER = 0.08
P_LEVEL_MISMATCH = 0.05
P_PHASE_MISMATCH = 0.03
P_NO_MONITORING = 0.08
P_DANGLING = 0.01
P_USE_CASE_DEPLOYED = 0.3
#: Default share of the triples that describe use cases (the rest is the equipment hierarchy).
USE_CASE_SHARE = 0.05
#: Fewest use cases in any plant, so small plants still exercise every query.
MIN_USE_CASES = 12

#: Work center kind -> the work unit kind it contains.
WORK_CENTER_KINDS = (
    ("ProductionLine", "WorkCell", "Line"),
    ("ProcessCell", "Unit", "Cell"),
    ("ProductionUnit", "Unit", "Unit"),
    ("StorageZone", "StorageUnit", "Zone"),
)


def _iri(local: str) -> str:
    return f"<{local}>"


def _lit(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@en'


def _t(ns: str, local: str) -> str:
    return f"<{ns}{local}>"


@dataclass
class Stage:
    kind: str
    layer: str
    level: str
    phase: str
    owners: tuple[str, ...]
    #: where it is deployed: None, "unit" (the home work unit), "module", "center"
    deploy: str | None
    #: sensors it reads (count)
    reads: int


#: The ten stages with a sensible default placement (consistent with the level correspondence).
STAGES: tuple[Stage, ...] = (
    Stage(
        "DataCollection",
        "IntegrationLayer",
        "ControlDeviceLevel",
        "InstanceMaintenanceUsage",
        ("ProductionDataCollection", "MaintenanceDataCollection", "QualityDataCollection"),
        "module",
        3,
    ),
    Stage(
        "DataPreparation",
        "InformationLayer",
        "WorkCentersLevel",
        "TypeDevelopment",
        ("ProductionDataCollection", "QualityDataCollection"),
        "center",
        0,
    ),
    Stage(
        "FeatureEngineering",
        "InformationLayer",
        "WorkCentersLevel",
        "TypeDevelopment",
        ("ResearchDevelopmentAndEngineering",),
        None,
        0,
    ),
    Stage(
        "ModelTraining",
        "FunctionalLayer",
        "EnterpriseLevel",
        "TypeDevelopment",
        ("ResearchDevelopmentAndEngineering",),
        None,
        2,
    ),
    Stage(
        "ModelEvaluation",
        "FunctionalLayer",
        "EnterpriseLevel",
        "TypeDevelopment",
        ("QualityPerformanceAnalysis", "ResearchDevelopmentAndEngineering"),
        None,
        0,
    ),
    Stage(
        "ModelRegistration",
        "InformationLayer",
        "EnterpriseLevel",
        "TypeMaintenanceUsage",
        ("ProductionDefinitionManagement", "MaintenanceDefinitionManagement"),
        None,
        0,
    ),
    Stage(
        "ModelDeployment",
        "FunctionalLayer",
        "StationLevel",
        "InstanceProduction",
        ("ProductionDispatching", "MaintenanceDispatching"),
        "unit",
        0,
    ),
    Stage(
        "ModelServing",
        "FunctionalLayer",
        "StationLevel",
        "InstanceMaintenanceUsage",
        (
            "ProductionExecutionManagement",
            "MaintenanceExecutionManagement",
            "QualityExecutionManagement",
        ),
        "unit",
        1,
    ),
    Stage(
        "Monitoring",
        "InformationLayer",
        "WorkCentersLevel",
        "InstanceMaintenanceUsage",
        (
            "ProductionPerformanceAnalysis",
            "MaintenancePerformanceAnalysis",
            "QualityPerformanceAnalysis",
        ),
        "center",
        2,
    ),
    Stage(
        "Retraining",
        "FunctionalLayer",
        "EnterpriseLevel",
        "TypeMaintenanceUsage",
        ("ResearchDevelopmentAndEngineering", "MaintenanceResourceManagement"),
        None,
        1,
    ),
)
#: Level that does not fit each deployment target (for planted level mismatches).
WRONG_LEVEL = {"module": "WorkCentersLevel", "unit": "FieldDeviceLevel", "center": "StationLevel"}
USE_CASE_TOPICS = (
    "Pump predictive maintenance",
    "Visual quality inspection",
    "Energy forecasting",
    "Spindle wear detection",
    "Batch yield prediction",
    "Anomaly detection",
    "Tool life estimation",
    "Scrap prediction",
)


@dataclass
class PlantStats:
    """What was generated, so callers can check query answers against the planted facts."""

    seed: int
    triples: int = 0
    equipment: int = 0
    areas: int = 0
    use_cases: int = 0
    stages: int = 0
    stages_without_owner: int = 0
    level_mismatches: int = 0
    phase_mismatches: int = 0
    serving_without_monitoring: int = 0
    dangling_links: int = 0
    #: A few IRIs that exist in every plant, for parameterised queries.
    samples: dict[str, str] = field(default_factory=dict)


class _Plant:
    def __init__(self, target: int, seed: int, use_case_share: float = USE_CASE_SHARE) -> None:
        if not 0 < use_case_share < 1:
            raise ValueError("use_case_share must lie between 0 and 1")
        self.use_case_share = use_case_share
        self.rng = random.Random(seed)
        self.seed = seed
        self.target = target
        self.ns = f"{BASE}{seed}/"
        self.stats = PlantStats(seed=seed)
        self.units: list[
            tuple[str, str, list[str], list[str]]
        ] = []  # unit, center, modules, sensors

    def node(self, path: str) -> str:
        return f"<{self.ns}{path}>"

    def equipment(self, iri: str, cls: str, label: str, parent: str | None) -> Iterator[str]:
        self.stats.equipment += 1
        yield f"{iri} {RDF_TYPE} {_t(ISA95, cls)} .\n"
        yield f"{iri} {RDFS_LABEL} {_lit(label)} .\n"
        if parent:
            yield f"{iri} {_t(ISA95, 'partOf')} {parent} .\n"

    def hierarchy(self, budget: int) -> Iterator[str]:
        rng = self.rng
        ent = self.node("enterprise")
        self.stats.samples["enterprise"] = ent[1:-1]
        yield from self.equipment(ent, "Enterprise", "Example Manufacturing Group", None)
        produced = 2
        site_no = 0
        while produced < budget:
            site_no += 1
            site = self.node(f"s{site_no}")
            yield from self.equipment(site, "Site", f"Site {site_no}", ent)
            produced += 3
            for a in range(1, rng.randint(3, 6) + 1):
                area = self.node(f"s{site_no}/a{a}")
                self.stats.areas += 1
                self.stats.samples.setdefault("area", area[1:-1])
                yield from self.equipment(area, "Area", f"Site {site_no} Area {a}", site)
                produced += 3
                for w in range(1, rng.randint(2, 5) + 1):
                    wc_kind, wu_kind, word = WORK_CENTER_KINDS[rng.randrange(4)]
                    center = self.node(f"s{site_no}/a{a}/w{w}")
                    self.stats.samples.setdefault("workCenter", center[1:-1])
                    yield from self.equipment(
                        center, wc_kind, f"Site {site_no} Area {a} {word} {w}", area
                    )
                    produced += 3
                    for u in range(1, rng.randint(2, 5) + 1):
                        unit = self.node(f"s{site_no}/a{a}/w{w}/u{u}")
                        yield from self.equipment(
                            unit, wu_kind, f"{word} {w} {wu_kind} {u}", center
                        )
                        produced += 3
                        modules: list[str] = []
                        sensors: list[str] = []
                        for m in range(1, rng.randint(2, 4) + 1):
                            module = self.node(f"s{site_no}/a{a}/w{w}/u{u}/m{m}")
                            modules.append(module)
                            yield from self.equipment(
                                module, "EquipmentModule", f"{wu_kind} {u} module {m}", unit
                            )
                            produced += 3
                            for c in range(1, rng.randint(2, 6) + 1):
                                cm = self.node(f"s{site_no}/a{a}/w{w}/u{u}/m{m}/c{c}")
                                kind = "Sensor" if rng.random() < 0.75 else "Actuator"
                                if kind == "Sensor":
                                    sensors.append(cm)
                                yield from self.equipment(
                                    cm, kind, f"module {m} {kind} {c}", module
                                )
                                produced += 3
                        if sensors:
                            self.units.append((unit, center, modules, sensors))
                if produced >= budget:
                    break

    def use_case(self, n: int) -> Iterator[str]:
        rng, st = self.rng, self.stats
        unit, center, modules, sensors = self.units[rng.randrange(len(self.units))]
        uc = self.node(f"uc{n}")
        st.use_cases += 1
        if "useCase" not in st.samples:
            st.samples["useCase"] = uc[1:-1]
            st.samples["deployedUnit"] = unit[1:-1]
            st.samples["deployedArea"] = unit[1:-1].rsplit("/", 2)[0]
        topic = USE_CASE_TOPICS[rng.randrange(len(USE_CASE_TOPICS))]
        yield f"{uc} {RDF_TYPE} {_t(MLOPS, 'UseCase')} .\n"
        yield f"{uc} {RDFS_LABEL} {_lit(f'{topic} {n}')} .\n"
        if rng.random() < P_USE_CASE_DEPLOYED:
            yield f"{uc} {_t(MAP, 'deployedOn')} {center} .\n"
        monitored = rng.random() >= P_NO_MONITORING
        if not monitored:
            st.serving_without_monitoring += 1
        for spec in STAGES:
            if spec.kind == "Monitoring" and not monitored:
                continue
            stage = self.node(f"uc{n}/{spec.kind}")
            st.stages += 1
            level, phase = spec.level, spec.phase
            yield f"{uc} {_t(MLOPS, 'hasStage')} {stage} .\n"
            yield f"{stage} {RDF_TYPE} {_t(MLOPS, spec.kind)} .\n"
            yield f"{stage} {RDFS_LABEL} {_lit(f'{topic} {n}: {spec.kind}')} .\n"
            yield f"{stage} {_t(MAP, 'layer')} {_t(RAMI, spec.layer)} .\n"
            if spec.deploy and rng.random() < P_LEVEL_MISMATCH:
                level = WRONG_LEVEL[spec.deploy]
                st.level_mismatches += 1
            yield f"{stage} {_t(MAP, 'hierarchyLevel')} {_t(RAMI, level)} .\n"
            if spec.kind == "ModelTraining" and rng.random() < P_PHASE_MISMATCH:
                phase = "InstanceProduction"
                st.phase_mismatches += 1
            yield f"{stage} {_t(MAP, 'lifeCyclePhase')} {_t(RAMI, phase)} .\n"
            if rng.random() < P_NO_OWNER:
                st.stages_without_owner += 1
            else:
                owner = spec.owners[rng.randrange(len(spec.owners))]
                yield f"{stage} {_t(MAP, 'ownedBy')} {_t(ISA95, owner)} .\n"
            target = {"unit": unit, "center": center, "module": modules[0], None: None}[spec.deploy]
            if target:
                yield f"{stage} {_t(MAP, 'deployedOn')} {target} .\n"
            for _ in range(spec.reads):
                if rng.random() < P_DANGLING:
                    st.dangling_links += 1
                    source = self.node(f"unknown/{n}/{spec.kind}")
                else:
                    source = sensors[rng.randrange(len(sensors))]
                yield f"{stage} {_t(MAP, 'usesDataFrom')} {source} .\n"

    def lines(self) -> Iterator[str]:
        seen: set[str] = set()
        for line in self.hierarchy(int(self.target * (1 - self.use_case_share))):
            self.stats.triples += 1
            yield line
        n = 0
        while self.stats.triples < self.target or n < MIN_USE_CASES:
            n += 1
            for line in self.use_case(n):
                # usesDataFrom may pick the same sensor twice; keep the output a set of triples
                if "usesDataFrom" in line:
                    if line in seen:
                        if "/unknown/" in line:
                            self.stats.dangling_links -= 1  # the same dangling link twice
                        continue
                    seen.add(line)
                self.stats.triples += 1
                yield line


def iter_ntriples(
    n_triples_target: int, seed: int = 1, use_case_share: float = USE_CASE_SHARE
) -> tuple[Iterator[str], PlantStats]:
    """Lines of N-Triples for a plant of about ``n_triples_target`` triples, and the stats object
    that fills in while the lines are consumed."""
    plant = _Plant(n_triples_target, seed, use_case_share)
    return plant.lines(), plant.stats


def generate(
    n_triples_target: int,
    seed: int = 1,
    out: Path | str | None = None,
    use_case_share: float = USE_CASE_SHARE,
) -> PlantStats | tuple[bytes, PlantStats]:
    """Generate a plant. With ``out``: write N-Triples there and return the stats; without:
    return (N-Triples bytes, stats)."""
    lines, stats = iter_ntriples(n_triples_target, seed, use_case_share)
    if out is None:
        return "".join(lines).encode("utf-8"), stats
    with open(out, "w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(lines)
    return stats


def parse_size(text: str) -> int:
    key = text.strip().lower()
    if key in SIZES:
        return SIZES[key]
    multiplier = {"k": 1_000, "m": 1_000_000}.get(key[-1:], 1)
    digits = key[:-1] if key[-1:] in "km" else key
    try:
        return int(float(digits) * multiplier)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"size {text!r}: use small, medium, large, or a number such as 10k, 250k, 1M"
        ) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size",
        type=parse_size,
        default="10k",
        help="target triples: small|medium|large or e.g. 10k, 100k, 1M",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="N-Triples file to write")
    parser.add_argument(
        "--use-case-share",
        type=float,
        default=USE_CASE_SHARE,
        help=f"share of triples describing use cases (default {USE_CASE_SHARE})",
    )
    args = parser.parse_args(argv)
    stats = generate(args.size, args.seed, args.out, args.use_case_share)
    assert isinstance(stats, PlantStats)
    print(
        f"{args.out}: {stats.triples} triples, {stats.equipment} equipment, "
        f"{stats.use_cases} use cases, {stats.stages} stages",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
