"""``otmlops summary``: load the ontology, the reference mapping and the case studies and say
what is in them. It is the first thing a new user runs, so it needs no store and no network."""

from __future__ import annotations

import argparse
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from otmlops.namespaces import ISA95, MAP, MLOPS, RAMI
from otmlops.ontology.loader import (
    load_ontology,
    load_reference_mapping,
    module_files,
    parse_file,
)
from otmlops.resources import examples_dir

_PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "summary", parents=[common],
        help="load the ontology, reference mapping and case studies and summarise them",
        description="Load the bundled ontology, the reference mapping and the case studies "
        "(or the mapping files given) and print what they contain.")
    parser.add_argument("files", nargs="*", type=Path, metavar="MAPPING",
                        help="mapping files to summarise (default: the bundled case studies)")
    parser.set_defaults(func=_cmd_summary)


def _label(graph: Graph, term) -> str:
    for label in graph.objects(term, RDFS.label):
        return str(label)
    try:
        return graph.namespace_manager.normalizeUri(term)
    except Exception:
        return str(term)


def _module_counts(path: Path) -> tuple[str, int, int, int]:
    graph = parse_file(path)
    onto = next(iter(graph.subjects(RDF.type, OWL.Ontology)), None)
    own = str(onto) + "#" if onto is not None else ""
    ours = [s for s in set(graph.subjects()) if isinstance(s, URIRef) and str(s).startswith(own)]
    classes = sum(1 for s in ours if (s, RDF.type, OWL.Class) in graph)
    props = sum(1 for s in ours if any((s, RDF.type, t) in graph for t in _PROPERTY_TYPES))
    individuals = sum(1 for s in ours if (s, RDF.type, OWL.NamedIndividual) in graph)
    return path.name, classes, props, individuals


def _stage_line(graph: Graph, stage) -> str:
    kinds = [k for k in graph.objects(stage, RDF.type)
             if (k, RDFS.subClassOf, MLOPS.LifecycleStage) in graph]
    kind = _label(graph, kinds[0]) if kinds else "?"
    level = ", ".join(sorted(_label(graph, o) for o in graph.objects(stage, MAP.hierarchyLevel)))
    phase = ", ".join(sorted(_label(graph, o) for o in graph.objects(stage, MAP.lifeCyclePhase)))
    owner = ", ".join(sorted(_label(graph, o) for o in graph.objects(stage, MAP.ownedBy)))
    return f"{kind:<20} {level or '-':<15} {phase or '-':<27} {owner or '(no owner)'}"


def _stage_order(graph: Graph, stage) -> int:
    for kind in graph.objects(stage, RDF.type):
        order = graph.value(kind, MLOPS.stageOrder)
        if order is not None:
            return int(order)
    return 99


def _summarise_case(ontology: Graph, path: Path) -> list[str]:
    data = parse_file(path)
    graph = ontology + data
    lines = [f"Case study {path.name}:"]
    for use_case in sorted(data.subjects(RDF.type, MLOPS.UseCase)):
        stages = sorted(graph.objects(use_case, MLOPS.hasStage),
                        key=lambda s: (_stage_order(graph, s), str(s)))
        lines.append(f"  use case: {_label(graph, use_case)} ({len(stages)} stages)")
        for stage in stages:
            lines.append(f"    {_stage_line(graph, stage)}")
        equipment = set(graph.objects(use_case, MAP.deployedOn))
        for stage in stages:
            equipment |= set(graph.objects(stage, MAP.deployedOn))
            equipment |= set(graph.objects(stage, MAP.usesDataFrom))
        lines.append("    equipment and data sources:")
        for item in sorted(equipment, key=lambda e: _label(graph, e)):
            kinds = sorted(_label(graph, k) for k in graph.objects(item, RDF.type)
                           if str(k).startswith((str(ISA95), str(MAP))))
            lines.append(f"      {_label(graph, item)} [{', '.join(kinds) or 'untyped'}]")
    return lines


def _cmd_summary(args: argparse.Namespace) -> int:
    ontology = load_ontology()
    print(f"otmlops ontology: {len(ontology)} triples in {len(module_files())} files")
    print(f"  {'module':<14} {'classes':>8} {'properties':>11} {'individuals':>12}")
    for path in module_files():
        name, classes, props, individuals = _module_counts(path)
        if path.name == "otmlops.ttl":
            print(f"  {name:<14} (index: imports the modules below)")
            continue
        print(f"  {name:<14} {classes:>8} {props:>11} {individuals:>12}")
    print(f"  RAMI 4.0: {len(set(ontology.subjects(RDF.type, RAMI.Layer)))} layers, "
          f"{len(set(ontology.subjects(RDF.type, RAMI.HierarchyLevel)))} hierarchy levels; "
          f"ISA-95: {len(set(ontology.subjects(RDF.type, ISA95.Function)))} functions, "
          f"{len(set(ontology.subjects(RDF.type, ISA95.Activity)))} activities")

    reference = load_reference_mapping()
    placed = {reference.value(p, MAP.placesClass)
              for p in reference.subjects(RDF.type, MAP.ReferencePlacement)}
    stage_classes = set(ontology.subjects(RDFS.subClassOf, MLOPS.LifecycleStage))
    component_classes = set(ontology.subjects(RDFS.subClassOf, MLOPS.Component))
    print(f"Reference mapping: {len(placed & stage_classes)}/{len(stage_classes)} stages and "
          f"{len(placed & component_classes)}/{len(component_classes)} components placed")

    files = args.files or sorted(examples_dir().glob("*.ttl"))
    for path in files:
        print()
        print("\n".join(_summarise_case(ontology, path)))
    return 0
