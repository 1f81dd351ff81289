"""View models of the workbench: what each page shows, built from the store as plain data.

Every builder takes a store (the otmlops.store interface) and plain arguments and returns
dicts and lists, so it runs in a server worker (the ``view`` read operation) and in the CLI
(``otmlops report``) alike. Catalogue questions (queries/*.rq) answer what the catalogue
asks; the few lookups the catalogue has no question for (axes, tree children, labels) are
small queries here, never in a route handler.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import pyoxigraph as ox

from otmlops.catalogue import load_catalogue, run_named_query
from otmlops.web.terms import attach_labels, local_name, named, rows, select, text_of

if TYPE_CHECKING:
    from otmlops.validation import Validator

#: The gap questions of the Gaps page: (catalogue id, column that names the stage).
GAP_QUERIES: tuple[tuple[str, str], ...] = (
    ("stages-without-owner", "stage"),
    ("serving-without-monitoring", "servingStage"),
    ("level-mismatches", "stage"),
    ("phase-mismatches", "stage"),
    ("it-ot-boundary-crossings", "stage"),
    ("dangling-links", "source"),
    ("reference-deviation", "stage"),
)

#: Stage classes in lifecycle order (their colours in the pages follow this order).
STAGE_KINDS = (
    "DataCollection",
    "DataLabelling",
    "DataPreparation",
    "FeatureEngineering",
    "ModelTraining",
    "ModelEvaluation",
    "ModelRegistration",
    "ModelDeployment",
    "ModelServing",
    "Monitoring",
    "Retraining",
)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MLOPS_USE_CASE = "https://w3id.org/otmlops/mlops#UseCase"

#: A cell shows this many stage chips; the rest are counted ("and 12 more").
CELL_CHIPS = 12


# ----------------------------------------------------------------------------- helpers


def _catalogue_rows(
    store: Any, query_id: str, params: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    return rows(run_named_query(store, query_id, params or {}))


def _iri(t: dict[str, Any] | None) -> str | None:
    return t.get("iri") if t else None


def _kind_name(t: dict[str, Any] | None) -> str:
    return local_name(t["iri"]) if t and t.get("iri") else "LifecycleStage"


def _source_file(graph: str) -> str | None:
    """The local path of a graph named by a file: IRI (what ``otmlops load`` gives)."""
    if graph.startswith("file:"):
        return unquote(urlparse(graph).path)
    return None


def axes(store: Any) -> dict[str, list[dict[str, Any]]]:
    """RAMI 4.0 layers, hierarchy levels and life cycle phases in axis order."""
    found = select(
        store,
        """
        SELECT ?axis ?term ?order WHERE {
          VALUES (?axis ?cls) { ("layer" rami:Layer) ("level" rami:HierarchyLevel)
                                ("phase" rami:LifeCyclePhase) }
          ?term a ?cls ; rami:order ?order }""",
    )
    out: dict[str, list[dict[str, Any]]] = {"layer": [], "level": [], "phase": []}
    seen: set[tuple[str, str]] = set()
    for r in sorted(found, key=lambda r: float(r["order"]["value"])):
        key = (r["axis"]["value"], r["term"]["iri"])
        if key not in seen:
            seen.add(key)
            out[key[0]].append(r["term"])
    return out


_STAGE_TABLE = """
    SELECT ?useCase ?stage ?kind ?layer ?level ?phase ?owner ?deployedOn WHERE {
      ?useCase mlops:hasStage ?stage .
      OPTIONAL { ?stage a ?kind . ?kind rdfs:subClassOf mlops:LifecycleStage .
                 FILTER (?kind != mlops:LifecycleStage) }
      OPTIONAL { ?stage map:layer ?layer }
      OPTIONAL { ?stage map:hierarchyLevel ?level }
      OPTIONAL { ?stage map:lifeCyclePhase ?phase }
      OPTIONAL { ?stage map:ownedBy ?owner }
      OPTIONAL { ?stage map:deployedOn ?deployedOn }
    } ORDER BY ?kind ?stage"""


def stage_table(store: Any, use_case: str | None = None) -> list[dict[str, Any]]:
    """Every stage (of one use case, or all) with its placement, owners and equipment."""
    # the catalogue's stages-of-use-case, with the use case projected (and left open for all)
    found = select(store, _STAGE_TABLE, bindings={"useCase": named(use_case)} if use_case else None)
    stages: dict[str, dict[str, Any]] = {}
    for r in found:
        iri = r["stage"]["iri"] if r["stage"] and "iri" in r["stage"] else None
        if iri is None:
            continue
        s = stages.get(iri)
        if s is None:
            s = stages[iri] = {
                "stage": r["stage"],
                "useCase": r["useCase"],
                "kind": r["kind"],
                "layers": [],
                "levels": [],
                "phases": [],
                "owners": [],
                "deployedOn": [],
            }
        if s["kind"] is None and r["kind"]:
            s["kind"] = r["kind"]
        for col, key in (
            ("layer", "layers"),
            ("level", "levels"),
            ("phase", "phases"),
            ("owner", "owners"),
            ("deployedOn", "deployedOn"),
        ):
            if r[col] and r[col] not in s[key]:
                s[key].append(r[col])
    for s in stages.values():
        s["kindName"] = _kind_name(s["kind"])
    return sorted(
        stages.values(),
        key=lambda s: (
            _iri(s["useCase"]) or "",
            STAGE_KINDS.index(s["kindName"]) if s["kindName"] in STAGE_KINDS else 99,
            s["stage"]["iri"],
        ),
    )


def reference_placements(store: Any) -> dict[str, dict[str, set[str]]]:
    """Stage class IRI -> {layer, level, phase: IRIs the reference mapping foresees}."""
    found = select(
        store,
        """
        SELECT ?kind ?layer ?level ?phase WHERE {
          ?ref a map:ReferencePlacement ; map:placesClass ?kind .
          OPTIONAL { ?ref map:layer ?layer } OPTIONAL { ?ref map:hierarchyLevel ?level }
          OPTIONAL { ?ref map:lifeCyclePhase ?phase } }""",
        entailment=False,
    )
    out: dict[str, dict[str, set[str]]] = defaultdict(
        lambda: {"layer": set(), "level": set(), "phase": set()}
    )
    for r in found:
        for axis in ("layer", "level", "phase"):
            if r[axis]:
                out[r["kind"]["iri"]][axis].add(r[axis]["iri"])
    return dict(out)


def _gap_rows(store: Any) -> list[dict[str, Any]]:
    catalogue = load_catalogue()
    sections = []
    for qid, stage_col in GAP_QUERIES:
        query = catalogue.get(qid)
        if query is None:
            continue
        found = _catalogue_rows(store, qid)
        sections.append(
            {
                "id": qid,
                "title": query.title,
                "description": query.description,
                "stageColumn": stage_col,
                "columns": [r.name for r in query.results],
                "rows": found,
            }
        )
    return sections


# ----------------------------------------------------------------------------- pages


def overview(store: Any, search: str = "") -> dict[str, Any]:
    """Loaded graphs, use cases with stage and finding counts, and a label search."""
    graphs = [
        {"iri": g.iri, "triples": g.triples, "system": g.system, "file": _source_file(g.iri)}
        for g in store.graphs()
    ]
    cases = _catalogue_rows(store, "use-case-overview")
    findings: dict[str, int] = defaultdict(int)
    for section in _gap_rows(store):
        for r in section["rows"]:
            uc = _iri(r.get("useCase"))
            if uc:
                findings[uc] += 1
    for c in cases:
        c["findings"] = findings.get(_iri(c["useCase"]) or "", 0)
    cases.sort(key=lambda c: text_of(c["label"]) or c["useCase"]["iri"])
    hits = label_search(store, search) if search.strip() else []
    data = {
        "graphs": sorted(graphs, key=lambda g: (g["system"], g["iri"])),
        "useCases": cases,
        "search": search,
        "hits": hits,
        "triples": sum(g["triples"] for g in graphs),
    }
    return attach_labels(store, data)


def label_search(store: Any, text: str, limit: int = 50) -> list[dict[str, Any]]:
    """Nodes whose rdfs:label contains ``text`` (any case), with what they are."""
    found = select(
        store,
        f"""
        SELECT ?node (SAMPLE(?l) AS ?label) (SAMPLE(?c) AS ?type) WHERE {{
          ?node rdfs:label ?l .
          FILTER (CONTAINS(LCASE(STR(?l)), LCASE(?text)))
          OPTIONAL {{ ?node a ?c . FILTER (STRSTARTS(STR(?c), "https://w3id.org/otmlops/")) }}
        }} GROUP BY ?node LIMIT {int(limit)}""",
        entailment=False,
        bindings={"text": ox.Literal(text.strip())},
    )
    out = []
    for r in found:
        kind = _kind_name(r["type"]) if r["type"] else ""
        page = (
            "use-case"
            if kind == "UseCase"
            else "stage"
            if kind in STAGE_KINDS
            else "isa95"
            if r["type"] and r["type"]["iri"].startswith("https://w3id.org/otmlops/isa95#")
            else ""
        )
        out.append({"node": r["node"], "label": r["label"], "type": r["type"], "page": page})
    return sorted(out, key=lambda h: text_of(h["label"]).lower())


def rami(store: Any, use_case: str | None = None) -> dict[str, Any]:
    """Per life cycle phase, the layer x hierarchy-level grid with the stages in each cell,
    the reference mapping's cells for the shown stage classes, and deviations."""
    ax = axes(store)
    stages = stage_table(store, use_case)
    reference = reference_placements(store)
    deviating: set[tuple[str, str, str]] = set()
    for r in _catalogue_rows(store, "reference-deviation"):
        dev_stage, axis, actual = _iri(r["stage"]), _iri(r["axis"]), _iri(r["actual"])
        if dev_stage and axis and actual:
            deviating.add((dev_stage, axis, actual))
    kinds_shown = {_iri(s["kind"]) for s in stages if s["kind"]}
    ref_cells: set[tuple[str, str, str]] = set()
    for kind, ref in reference.items():
        if kind in kinds_shown or not stages:
            ref_cells.update(
                (la, le, ph) for la in ref["layer"] for le in ref["level"] for ph in ref["phase"]
            )
    cells: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for s in stages:
        s["deviations"] = sorted(
            f"{local_name(axis)} {local_name(value)}"
            for (st, axis, value) in deviating
            if st == s["stage"]["iri"]
        )
        for la in s["layers"]:
            for le in s["levels"]:
                for ph in s["phases"]:
                    cells[(la["iri"], le["iri"], ph["iri"])].append(s)
    phases = []
    for ph in ax["phase"]:
        grid = []
        for la in reversed(ax["layer"]):  # Business on top, as RAMI 4.0 draws it
            row = []
            for le in ax["level"]:
                key = (la["iri"], le["iri"], ph["iri"])
                members = cells.get(key, [])
                row.append(
                    {
                        "layer": la,
                        "level": le,
                        "count": len(members),
                        "stages": [_chip(s) for s in members],
                        "reference": key in ref_cells,
                        "deviation": any(s["deviations"] for s in members),
                    }
                )
            grid.append({"layer": la, "cells": row})
        phases.append(
            {"phase": ph, "rows": grid, "stages": sum(c["count"] for r in grid for c in r["cells"])}
        )
    cases = _catalogue_rows(store, "use-case-overview")
    cases.sort(key=lambda c: text_of(c["label"]) or c["useCase"]["iri"])
    data = {
        "axes": ax,
        "phases": phases,
        "useCase": use_case,
        "useCases": cases,
        "kinds": list(STAGE_KINDS),
        "stageCount": len(stages),
        "cellChips": CELL_CHIPS,
        "unplaced": [_chip(s) for s in stages if not (s["layers"] and s["levels"] and s["phases"])],
    }
    return attach_labels(store, data)


def rami_cell(
    store: Any, layer: str, level: str, phase: str, use_case: str | None = None
) -> dict[str, Any]:
    """The stages in one RAMI 4.0 cell (of one use case, or all) with use case, kind, owners,
    equipment and deviations from the reference: what a click on a cell lists."""
    found = _catalogue_rows(
        store,
        "stages-in-rami-cell",
        {"layer": named(layer).value, "level": named(level).value, "phase": named(phase).value},
    )
    stages = sorted(
        {
            r["stage"]["iri"]
            for r in found
            if r["stage"] and (not use_case or _iri(r["useCase"]) == use_case)
        }
    )
    chips = []
    if stages:
        values = " ".join(f"<{i}>" for i in stages)
        info = select(
            store,
            f"""
            SELECT ?stage ?useCase ?kind ?owner ?deployedOn WHERE {{
              VALUES ?stage {{ {values} }}
              ?useCase mlops:hasStage ?stage .
              OPTIONAL {{ ?stage a ?kind . ?kind rdfs:subClassOf mlops:LifecycleStage .
                         FILTER (?kind != mlops:LifecycleStage) }}
              OPTIONAL {{ ?stage map:ownedBy ?owner }}
              OPTIONAL {{ ?stage map:deployedOn ?deployedOn }} }}""",
        )
        deviations = _catalogue_rows(store, "reference-deviation")
        by_stage: dict[str, dict[str, Any]] = {}
        for r in info:
            s = by_stage.setdefault(
                r["stage"]["iri"],
                {
                    "stage": r["stage"],
                    "useCase": r["useCase"],
                    "kind": r["kind"],
                    "owners": [],
                    "deployedOn": [],
                },
            )
            s["kind"] = s["kind"] or r["kind"]
            for col, key in (("owner", "owners"), ("deployedOn", "deployedOn")):
                if r[col] and r[col] not in s[key]:
                    s[key].append(r[col])
        for iri in stages:
            chip = by_stage.get(iri)
            if chip is None:
                continue
            chip["kindName"] = _kind_name(chip["kind"])
            chip["deviations"] = sorted(
                f"{local_name(_iri(d['axis']) or '')} {local_name(_iri(d['actual']) or '')}"
                for d in deviations
                if _iri(d["stage"]) == iri
            )
            chips.append(_chip(chip))
    return attach_labels(
        store,
        {
            "layer": {"iri": layer},
            "level": {"iri": level},
            "phase": {"iri": phase},
            "useCase": use_case,
            "stages": chips,
        },
    )


def _chip(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "stage": s["stage"],
        "kind": s["kindName"],
        "useCase": s["useCase"],
        "owners": s["owners"],
        "deployedOn": s["deployedOn"],
        "deviations": s.get("deviations", []),
    }


def gaps(store: Any) -> dict[str, Any]:
    """The answers of the gap questions, each row naming its stage."""
    return attach_labels(store, {"sections": _gap_rows(store)})


def isa95_children(store: Any, node: str | None = None) -> dict[str, Any]:
    """The direct parts of an equipment node (or the top of the hierarchy), with the use cases
    deployed on each and the stages that read data from it."""
    if node:
        found = select(
            store,
            """
            SELECT ?child WHERE { { ?child isa95:partOf ?node }
                                  UNION { ?child map:locatedAt ?node } }""",
            entailment=False,
            bindings={"node": named(node)},
        )
    else:  # roots: top-level enterprises, sites and areas; else anything part of nothing
        found = select(
            store,
            """
            SELECT DISTINCT ?child WHERE {
              VALUES ?top { isa95:Enterprise isa95:Site isa95:Area }
              ?child a ?top FILTER NOT EXISTS { ?child isa95:partOf ?parent } }""",
            entailment=False,
        )
        if not found:
            found = select(
                store,
                """
                SELECT DISTINCT ?child WHERE {
                  ?x isa95:partOf ?child FILTER NOT EXISTS { ?child isa95:partOf ?parent } }""",
                entailment=False,
            )
    children = sorted({r["child"]["iri"] for r in found if r["child"] and "iri" in r["child"]})
    return attach_labels(
        store,
        {"node": {"iri": node} if node else None, "children": describe_equipment(store, children)},
    )


def describe_equipment(store: Any, iris: list[str]) -> list[dict[str, Any]]:
    """Class, number of parts (equipment and the compute resources located there),
    deployed use cases and stages, data readers of each node."""
    if not iris:
        return []
    values = " ".join(f"<{i}>" for i in iris)
    facts = select(
        store,
        f"""
        SELECT ?n ?p ?o WHERE {{
          VALUES ?n {{ {values} }}
          {{ ?n a ?o . BIND("type" AS ?p)
             FILTER(STRSTARTS(STR(?o), STR(isa95:)) || STRSTARTS(STR(?o), STR(map:))) }}
          UNION {{ ?o isa95:partOf ?n . BIND("part" AS ?p) }}
          UNION {{ ?o map:locatedAt ?n . BIND("part" AS ?p) }}
          UNION {{ ?o map:deployedOn ?n . BIND("deployed" AS ?p) }}
          UNION {{ ?o map:usesDataFrom ?n . BIND("reads" AS ?p) }} }}""",
        entailment=False,
    )
    typed = select(
        store,
        f"""
        SELECT ?x ?uc WHERE {{
          VALUES ?n {{ {values} }}
          {{ ?x map:deployedOn ?n }} UNION {{ ?x map:usesDataFrom ?n }}
          OPTIONAL {{ ?uc mlops:hasStage ?x }} }}""",
        entailment=False,
    )
    owner_case = {r["x"]["iri"]: r["uc"] for r in typed if r["uc"]}
    out: dict[str, dict[str, Any]] = {
        i: {
            "node": {"iri": i},
            "kind": None,
            "parts": 0,
            "useCases": [],
            "stages": [],
            "readers": [],
        }
        for i in iris
    }
    for r in facts:
        e = out[r["n"]["iri"]]
        what, obj = r["p"]["value"], r["o"]
        if what == "type":
            e["kind"] = obj
        elif what == "part":
            e["parts"] += 1
        elif what == "deployed":
            uc = owner_case.get(obj["iri"])
            if uc is None:
                if obj not in e["useCases"]:
                    e["useCases"].append(obj)
            else:
                e["stages"].append({"stage": obj, "useCase": uc})
                if uc not in e["useCases"]:
                    e["useCases"].append(uc)
        elif what == "reads":
            e["readers"].append({"stage": obj, "useCase": owner_case.get(obj["iri"])})
    return [out[i] for i in iris]


def equipment_path(store: Any, node: str) -> list[dict[str, Any]]:
    """The chain of asserted isa95:partOf parents from ``node`` up to the top (a compute
    resource continues at the equipment it is located at)."""
    path = [node]
    while len(path) < 20:
        found = select(
            store,
            "SELECT ?p WHERE { ?n isa95:partOf|map:locatedAt ?p } LIMIT 1",
            entailment=False,
            bindings={"n": named(path[-1])},
        )
        if not found or not found[0]["p"] or found[0]["p"].get("iri") in path:
            break
        path.append(found[0]["p"]["iri"])
    described = {e["node"]["iri"]: e for e in describe_equipment(store, path)}
    return [described[i] for i in reversed(path)]


#: The owner matrix of all use cases shows this many stages; a use case filter shows all of its.
MATRIX_ROWS = 150


def isa95(store: Any, use_case: str | None = None) -> dict[str, Any]:
    """The tree's first two levels and the owner matrix (stages x ISA-95 owners)."""
    top = isa95_children(store, None)
    for child in top["children"][:20]:
        if child["parts"]:
            child["children"] = isa95_children(store, child["node"]["iri"])["children"]
    matrix = owner_matrix(store, use_case)
    matrix["total"] = len(matrix["rows"])
    if not use_case:
        matrix["rows"] = matrix["rows"][:MATRIX_ROWS]
    cases = attach_labels(store, _catalogue_rows(store, "use-case-overview"))
    cases.sort(key=lambda c: text_of(c["label"]) or c["useCase"]["iri"])
    return {"tree": top, "matrix": matrix, "useCase": use_case, "useCases": cases}


def owner_matrix(store: Any, use_case: str | None = None) -> dict[str, Any]:
    """Stages as rows, the ISA-95 functions and activities that own any of them as columns."""
    stages = stage_table(store, use_case)
    kinds = {
        r["owner"]["iri"]: _kind_name(r["ownerKind"])
        for r in _catalogue_rows(store, "owner-load")
        if r["owner"]
    }
    owners: dict[str, dict[str, Any]] = {}
    for s in stages:
        for o in s["owners"]:
            owners.setdefault(o["iri"], {"owner": o, "kind": kinds.get(o["iri"], "")})
    columns = sorted(owners.values(), key=lambda c: (c["kind"], c["owner"]["iri"]))
    matrix_rows = [
        {
            "stage": s["stage"],
            "useCase": s["useCase"],
            "kind": s["kindName"],
            "cells": [any(o["iri"] == c["owner"]["iri"] for o in s["owners"]) for c in columns],
        }
        for s in stages
    ]
    return attach_labels(store, {"columns": columns, "rows": matrix_rows})


def _graph_of(store: Any, iri: str) -> str | None:
    found = select(
        store,
        "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1",
        entailment=False,
        bindings={"s": named(iri)},
    )
    return found[0]["g"]["iri"] if found and found[0]["g"] else None


def _source_lines(graph: str | None, iris: list[str]) -> dict[str, int]:
    """Line of each IRI's description in the file the graph was loaded from, if readable.
    Line-based files (N-Triples, N-Quads) are indexed once per file version (subject -> first
    line), which keeps pages fast on a plant-sized file; other syntaxes go through the
    validation's Turtle locator."""
    path = _source_file(graph) if graph else None
    if not path:
        return {}
    try:
        stat = Path(path).stat()
    except OSError:
        return {}
    if Path(path).suffix.lower() in (".nt", ".nq"):
        index = _subject_lines(path, stat.st_mtime_ns, stat.st_size)
        return {i: index[i] for i in iris if i in index}
    from otmlops.validation.locator import locate

    try:
        return locate(Path(path).read_text(encoding="utf-8"), graph, iris)
    except (OSError, UnicodeDecodeError):
        return {}


@lru_cache(maxsize=4)
def _subject_lines(path: str, mtime_ns: int, size: int) -> dict[str, int]:
    """IRI -> first line where it is the subject, for an N-Triples/N-Quads file (the version
    arguments make a changed file a new cache entry)."""
    index: dict[str, int] = {}
    try:
        data = Path(path).read_bytes()
    except OSError:
        return index
    for number, line in enumerate(data.split(b"\n"), 1):
        if line.startswith(b"<"):
            end = line.find(b">")
            if end > 0:
                index.setdefault(line[1:end].decode("utf-8", "replace"), number)
    return index


#: One validator per process (shapes compiled and ontology indexed once); validation is cheap
#: after that. The lock keeps threads of a thread runner from sharing it at the same time.
_VALIDATOR: list[Validator] = []
_VALIDATOR_LOCK = threading.Lock()


def findings_of(store: Any, graph: str | None, focus: list[str]) -> dict[str, Any] | None:
    """Validation report of the nodes ``focus`` (a use case and its stages) as written in
    ``graph``, with the equipment they name and its containment chain as plant context; each
    finding points at the line of its node in the graph's source file (when known). Only
    these nodes are checked, so a page on a plant-sized file stays fast."""
    if not graph or not focus:
        return None
    from otmlops.validation import Validator

    values = " ".join(f"<{i}>" for i in focus)
    graph_iri = named(graph).value  # checked: safe to write into the query text
    data = list(
        store.query(  # (a bound GRAPH variable would scan every graph first)
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} "
            f"GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}",
            entailment=False,
        )
    )
    plant = list(
        store.query(
            "PREFIX map: <https://w3id.org/otmlops/map#> "
            "PREFIX isa95: <https://w3id.org/otmlops/isa95#> "
            f"CONSTRUCT {{ ?e ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} "
            "?s map:deployedOn|map:usesDataFrom ?t . ?t isa95:partOf* ?e . ?e ?p ?o }",
            entailment=False,
        )
    )
    if not data:
        return None
    with _VALIDATOR_LOCK:
        if not _VALIDATOR:
            _VALIDATOR.append(Validator())
        validator = _VALIDATOR[0]
        found = validator.validate([*data, *plant], incremental=False)
        from otmlops.validation.fast import BASE
        from otmlops.validation.fixes import attach

        attach(found, [*data, *plant], store=validator.store, graph=BASE)  # fixes with findings
    report: dict[str, Any] = found.to_dict()  # JSON: the page reads and trims it
    report["focusNodes"] = [g for g in report["focusNodes"] if _focus_iri(g) in set(focus)]
    every = [r["severity"] for g in report["focusNodes"] for r in g["results"]]
    report.update(
        violations=every.count("Violation"),
        warnings=every.count("Warning"),
        infos=every.count("Info"),
        conforms="Violation" not in every,
    )
    lines = _source_lines(graph, focus)
    where = _source_file(graph) or graph
    for group in report["focusNodes"]:
        line = lines.get(_focus_iri(group) or "")
        if line:
            group["file"], group["line"] = where, line
        else:
            group.pop("file", None)
            group.pop("line", None)
    return report


def use_case(store: Any, iri: str) -> dict[str, Any]:
    """Everything about one use case: its stages, gaps, findings and where it was written."""
    from otmlops.errors import NotFound

    facts = select(
        store,
        """
        SELECT ?p ?o WHERE { ?uc ?p ?o FILTER(?p != mlops:hasStage) }""",
        entailment=False,
        bindings={"uc": named(iri)},
    )
    if not facts:
        raise NotFound(f"<{iri}> is not described in the store")
    stages = stage_table(store, iri)
    graph = _graph_of(store, iri)
    lines = _source_lines(graph, [iri, *(s["stage"]["iri"] for s in stages)])
    for s in stages:
        s["line"] = lines.get(s["stage"]["iri"])
    gap_sections = []
    for section in _gap_rows(store):
        mine = [
            r
            for r in section["rows"]
            if _iri(r.get("useCase")) == iri or _iri(r.get(section["stageColumn"])) == iri
        ]
        if mine:
            gap_sections.append({**section, "rows": mine})
    report = findings_of(store, graph, [iri, *(s["stage"]["iri"] for s in stages)])
    data = {
        "node": {"iri": iri},
        "facts": facts,
        "stages": stages,
        "gaps": gap_sections,
        "graph": graph,
        "file": _source_file(graph) if graph else None,
        "line": lines.get(iri),
        "report": report,
        "matrix": owner_matrix(store, iri),
        "path": [
            equipment_path(store, d["iri"])
            for d in {
                o["iri"]: o
                for r in facts
                if _iri(r["p"]) == "https://w3id.org/otmlops/map#deployedOn"
                for o in [r["o"]]
            }.values()
        ],
    }
    return attach_labels(store, data)


def _focus_iri(group: dict[str, Any]) -> str | None:
    focus = group.get("focusNode")
    if isinstance(focus, str):
        return focus
    if isinstance(focus, dict):
        return focus.get("iri") or focus.get("value")
    return None


def stage(store: Any, iri: str) -> dict[str, Any]:
    """Everything about one stage: placement against the reference, owner, equipment, gaps."""
    from otmlops.errors import NotFound

    facts = select(
        store, "SELECT ?p ?o WHERE { ?s ?p ?o }", entailment=False, bindings={"s": named(iri)}
    )
    cases = select(
        store,
        "SELECT ?uc WHERE { ?uc mlops:hasStage ?s }",
        entailment=False,
        bindings={"s": named(iri)},
    )
    if not facts and not cases:
        raise NotFound(f"<{iri}> is not described in the store")
    case = cases[0]["uc"]["iri"] if cases else None
    mine = [s for s in stage_table(store, case) if s["stage"]["iri"] == iri] if case else []
    info = mine[0] if mine else None
    reference = reference_placements(store).get(_iri(info["kind"]) or "", {}) if info else {}
    graph = _graph_of(store, iri)
    lines = _source_lines(graph, [iri])
    gap_sections = []
    for section in _gap_rows(store):
        hit = [r for r in section["rows"] if _iri(r.get(section["stageColumn"])) == iri]
        if hit:
            gap_sections.append({**section, "rows": hit})
    report = findings_of(store, graph, [iri])
    is_use_case = any(_iri(f["p"]) == RDF_TYPE and _iri(f["o"]) == MLOPS_USE_CASE for f in facts)
    data = {
        "node": {"iri": iri},
        "useCase": {"iri": case} if case else None,
        "info": info,
        "isUseCase": is_use_case,
        "facts": facts,
        "reference": {k: [{"iri": v} for v in sorted(vals)] for k, vals in reference.items()},
        "gaps": gap_sections,
        "graph": graph,
        "file": _source_file(graph) if graph else None,
        "line": lines.get(iri),
        "report": report,
        "paths": [equipment_path(store, d["iri"]) for d in (info or {}).get("deployedOn", [])],
    }
    return attach_labels(store, data)


def report(store: Any, iri: str) -> dict[str, Any]:
    """The governance report of one use case: its page's content plus the RAMI grid."""
    data = use_case(store, iri)
    data["rami"] = rami(store, iri)
    return data


#: The ``view`` read operation: name -> builder.
BUILDERS: dict[str, Callable[..., Any]] = {
    "overview": overview,
    "rami": rami,
    "rami_cell": rami_cell,
    "gaps": gaps,
    "isa95": isa95,
    "isa95_children": isa95_children,
    "use_case": use_case,
    "stage": stage,
    "report": report,
    "labels": lambda store, iris: attach_labels(store, [{"iri": i} for i in iris]),
}


def build(store: Any, name: str, **kwargs: Any) -> Any:
    """Run the view builder ``name`` (the entry point server workers call)."""
    return BUILDERS[name](store, **kwargs)


BUILDERS["isa95_path"] = lambda store, node: attach_labels(store, equipment_path(store, node))
