"""Bridging triples from AAS content to otmlops terms (rules beyond RDFS, see docs/importers.md).

The official AAS RDF keeps submodel elements as blank nodes and puts the meaning of a submodel in
its ``semanticId``, so subclass axioms cannot say "an AI Deployment submodel is a serving stage".
These rules do, and the importer writes their output into the same graph as the AAS itself:

- an AAS whose asset is an *Instance*, whose ``globalAssetId`` is no placeholder and that
  describes no product or AI artefact (``rules/aas.toml``) describes equipment when a class rule
  gives its class (an ``isa95:`` ``assetType``, or a user's rule); the asset is typed, labelled
  and linked to the shell. Instance assets that no rule covers are listed once, untyped;
- IDTA 02011 Hierarchical Structures: HasPart / IsPartOf between entities -> ``isa95:partOf``
  between their assets (parts take a class from the rules, else the class below their whole's),
  SameAs -> ``owl:sameAs`` (``aas_structure``);
- IDTA 02059 AI Deployment submodel -> ``mlops:Deployment`` (an artefact) and a
  ``mlops:ModelServing`` stage ``<submodel>#ModelServing`` (stages and artefacts are disjoint, so
  the stage gets its own IRI, ``align:describedBy`` the submodel); the shell becomes an
  ``mlops:UseCase`` that has the stage; when the shell's asset is equipment the stage is
  ``map:deployedOn`` it; each ``LiveMonitoring`` collection -> ``mlops:Monitoring`` stage
  ``<submodel>#Monitoring`` of the same use case;
- IDTA 02060 AI Model Nameplate submodel -> ``mlops:Model``; IDTA 02058 AI Dataset -> ``mlops:Dataset``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import aas_core3_1.types as aas
import pyoxigraph as ox

from otmlops.importers.aas_rdf import RDF_TYPE, identifiable_iri, semantic_id
from otmlops.importers.aas_rules import AasRules
from otmlops.importers.aas_sources import source_triples
from otmlops.importers.aas_structure import structure_triples
from otmlops.importers.identity import mirror, same_as, serial_iri
from otmlops.importers.isa95_model import equipment_classes
from otmlops.namespaces import ISA95, MAP, MLOPS

ALIGN = "https://w3id.org/otmlops/alignment#"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
HAS_SHELL = ox.NamedNode(ALIGN + "hasAssetAdministrationShell")
DESCRIBED_BY = ox.NamedNode(ALIGN + "describedBy")
IDTA = "https://admin-shell.io/idta/"
AI_DEPLOYMENT = IDTA + "SubmodelTemplate/AIDeployment/"
AI_NAMEPLATE = IDTA + "SubmodelTemplate/AIModelNameplate/"
AI_DATASET = IDTA + "SubmodelTemplate/AIDataset/"
#: the LiveMonitoring collection itself, not its members (".../LiveMonitoring/Confidence/1/0")
_LIVE_MONITORING = re.compile(re.escape(IDTA) + r"AIDeployment/LiveMonitoring/\d+/\d+$")


def _n(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _elements(elements: list[aas.SubmodelElement] | None) -> Iterator[aas.SubmodelElement]:
    for element in elements or ():
        yield element
        if isinstance(element, aas.SubmodelElementCollection | aas.SubmodelElementList):
            yield from _elements(element.value)
        elif isinstance(element, aas.Entity):
            yield from _elements(element.statements)


def _is_absolute_iri(value: str | None) -> bool:
    return value is not None and identifiable_iri(value, "urn:x:").value == value


def bridge_triples(
    env: aas.Environment,
    base: str,
    nodes: dict[int, ox.NamedNode | ox.BlankNode],
    counts: dict[str, int],
    rules: AasRules,
    notes: list[str] | None = None,
) -> list[ox.Triple]:
    """Triples that make the AAS content visible to the competency questions; ``nodes`` maps
    ``id(sdk_object)`` to the RDF node the writer made for it; ``notes`` receives what the
    report should say once (instance assets without a class)."""
    out: list[ox.Triple] = []
    add = out.append
    submodels = {sm.id: sm for sm in env.submodels or ()}
    seen: set[str] = set()
    classes: dict[str, str] = {}
    unclassified: list[str] = []
    equipment_of: dict[str, ox.NamedNode | None] = {}
    for shell in env.asset_administration_shells or ():
        own = [
            submodels[k.value]
            for ref in shell.submodels or ()
            for k in ref.keys[:1]
            if k.value in submodels
        ]
        seen.update(sm.id for sm in own)
        verdict = asset_class(shell, [semantic_id(sm) for sm in own], rules)
        info = shell.asset_information
        equipment = None
        if verdict in _NOT_PLANT:
            counts[_NOT_PLANT[verdict]] += 1
        elif verdict is None:
            unclassified.append(info.global_asset_id or shell.id)
        else:
            equipment = ox.NamedNode(info.global_asset_id or "")
            classes[equipment.value] = verdict
            add(ox.Triple(equipment, RDF_TYPE, ox.NamedNode(str(ISA95) + verdict)))
            add(ox.Triple(equipment, RDFS_LABEL, ox.Literal(shell.id_short or shell.id)))
            add(ox.Triple(equipment, HAS_SHELL, identifiable_iri(shell.id, base)))
            counts[f"equipment (isa95:{verdict}, AAS assets)"] += 1
        equipment_of[shell.id] = equipment
    for shell in env.asset_administration_shells or ():
        shell_node = identifiable_iri(shell.id, base)
        for sm in (
            submodels[k.value]
            for ref in shell.submodels or ()
            for k in ref.keys[:1]
            if k.value in submodels
        ):
            out.extend(
                _submodel_rules(sm, base, nodes, counts, shell, shell_node, equipment_of[shell.id])
            )
            out.extend(source_triples(sm, base, nodes, counts, equipment_of[shell.id]))
    for sm in env.submodels or ():
        if sm.id not in seen:
            out.extend(_submodel_rules(sm, base, nodes, counts, None, None, None))
            out.extend(source_triples(sm, base, nodes, counts, None))
    ids = {
        equipment: {sid}
        for shell in env.asset_administration_shells or ()
        if (equipment := equipment_of[shell.id]) is not None
        and (sid := serial_identity(shell.asset_information.specific_asset_ids)) is not None
    }
    out.extend(structure_triples(env, classes, rules, counts, unclassified, ids))
    if ids:
        counts["equipment with an asset identity (owl:sameAs)"] += len(ids)
        out.extend(t for node, others in ids.items() for t in same_as(node, others))
        out.extend(mirror(out, ids))
    if unclassified and notes is not None:
        listed = ", ".join(sorted(set(unclassified))[:_LISTED])
        more = len(set(unclassified)) - _LISTED
        notes.append(
            f"{len(set(unclassified))} instance asset(s) have no ISA-95 class (no rule "
            f"of rules/aas.toml or --rules matches their assetType or submodels), so "
            f"they are not typed as equipment: {listed}" + (f" and {more} more" if more > 0 else "")
        )
    return out


_LISTED = 5
_NOT_PLANT = {
    "type": "assets of kind Type or NotApplicable (not plant equipment)",
    "placeholder": "placeholder asset ids (templates; not plant equipment)",
    "product": "product or AI assets (not plant equipment)",
    "no-id": "instance shells without an asset IRI (not plant equipment)",
}


def serial_identity(specific: list[aas.SpecificAssetID] | None) -> ox.NamedNode | None:
    """The meeting IRI of manufacturer and serial number among specific asset ids (of a shell's
    asset or of a bill-of-material entity)."""
    found = {
        (s.name or "").replace("_", "").replace(" ", "").lower(): s.value for s in specific or ()
    }
    manufacturer = found.get("manufacturername") or found.get("manufacturer")
    serial = found.get("serialnumber")
    return serial_iri(manufacturer, serial) if manufacturer and serial else None


def asset_class(
    shell: aas.AssetAdministrationShell, submodel_ids: list[str], rules: AasRules
) -> str | None:
    """The ISA-95 class of the shell's asset, one of the ``_NOT_PLANT`` verdicts, or None
    (an instance asset no rule covers)."""
    info = shell.asset_information
    if info.asset_kind != aas.AssetKind.INSTANCE:
        return "type"
    if not _is_absolute_iri(info.global_asset_id):
        return "no-id"
    if rules.is_placeholder(info.global_asset_id or ""):
        return "placeholder"
    if any(s.startswith(prefix) for s in submodel_ids for prefix, _ in rules.not_equipment):
        return "product"
    if info.asset_type and info.asset_type.startswith(str(ISA95)):
        local = info.asset_type[len(str(ISA95)) :]
        if local in equipment_classes():
            return local
    return rules.class_for(info.asset_type, submodel_ids)


def _submodel_rules(
    sm: aas.Submodel,
    base: str,
    nodes: dict[int, ox.NamedNode | ox.BlankNode],
    counts: dict[str, int],
    shell: aas.AssetAdministrationShell | None,
    shell_node: ox.NamedNode | None,
    equipment: ox.NamedNode | None,
) -> Iterator[ox.Triple]:
    node = identifiable_iri(sm.id, base)
    sid = semantic_id(sm)
    if sid.startswith(AI_NAMEPLATE):
        counts["AI models (mlops:Model)"] += 1
        yield ox.Triple(node, RDF_TYPE, _n(MLOPS.Model))
    elif sid.startswith(AI_DATASET):
        counts["AI datasets (mlops:Dataset)"] += 1
        yield ox.Triple(node, RDF_TYPE, _n(MLOPS.Dataset))
    elif sid.startswith(AI_DEPLOYMENT):
        counts["AI deployments (mlops:Deployment + mlops:ModelServing stage)"] += 1
        yield ox.Triple(node, RDF_TYPE, _n(MLOPS.Deployment))
        serving = stage_iri(node, "ModelServing")
        yield ox.Triple(serving, RDF_TYPE, _n(MLOPS.ModelServing))
        yield ox.Triple(serving, RDFS_LABEL, ox.Literal(f"model serving ({sm.id_short or sm.id})"))
        yield ox.Triple(serving, DESCRIBED_BY, node)
        if equipment is not None:
            yield ox.Triple(serving, _n(MAP.deployedOn), equipment)
        if shell_node is not None and shell is not None:
            yield ox.Triple(shell_node, RDF_TYPE, _n(MLOPS.UseCase))
            yield ox.Triple(shell_node, RDFS_LABEL, ox.Literal(shell.id_short or shell.id))
            yield ox.Triple(shell_node, _n(MLOPS.hasStage), serving)
        monitors = [
            e for e in _elements(sm.submodel_elements) if _LIVE_MONITORING.match(semantic_id(e))
        ]
        for n, element in enumerate(monitors, start=1):
            counts["live-monitoring elements (mlops:Monitoring stage)"] += 1
            monitor = stage_iri(node, "Monitoring" if len(monitors) == 1 else f"Monitoring{n}")
            yield ox.Triple(monitor, RDF_TYPE, _n(MLOPS.Monitoring))
            yield ox.Triple(
                monitor, RDFS_LABEL, ox.Literal(f"live monitoring ({sm.id_short or sm.id})")
            )
            yield ox.Triple(monitor, DESCRIBED_BY, nodes[id(element)])
            if shell_node is not None:
                yield ox.Triple(shell_node, _n(MLOPS.hasStage), monitor)


def stage_iri(submodel: ox.NamedNode, stage: str) -> ox.NamedNode:
    """A stable IRI for a stage derived from a submodel: ``<submodel IRI>#ModelServing`` (or
    ``-ModelServing`` when the submodel IRI already has a fragment)."""
    return ox.NamedNode(submodel.value + ("-" if "#" in submodel.value else "#") + stage)
