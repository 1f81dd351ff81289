"""Fixes, not only findings: the concrete changes the ontology, the reference mapping and the
plant determine for each validation result.

A suggestion names the triples to remove and to add. It is *unambiguous* when the data admit
exactly one such change (one reference owner for the stage kind, one close spelling of a
mistyped term, one level that matches the equipment); only those are applied by
``otmlops fix``. Suggestions are kept beside the results (``Report.suggestions``), not inside
them, so comparing the fast engine with pySHACL is unaffected.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import OWL
from rdflib.term import Node

from otmlops.namespaces import ISA95, MAP, MLOPS, RAMI
from otmlops.resources import ontology_dir
from otmlops.validation.report import Report, ResultId, ValidationResult, _short
from otmlops.validation.terms import to_ox, to_rdflib

if TYPE_CHECKING:
    from otmlops.validation.sources import Source

SHP = "https://w3id.org/otmlops/shapes#"
OURS = ("https://w3id.org/otmlops/",)
Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Suggestion:
    """One way to resolve a finding."""

    message: str
    remove: tuple[Triple, ...] = ()
    add: tuple[Triple, ...] = ()
    unambiguous: bool = False
    #: the line (in the focus node's file) of the term the suggestion is about, when known
    line: int | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "message": self.message,
            "remove": [[t.n3() for t in tr] for tr in self.remove],
            "add": [[t.n3() for t in tr] for tr in self.add],
            "unambiguous": self.unambiguous,
        }
        if self.line is not None:
            out["line"] = self.line
        return out


class Lookup:
    """Reads over a small rdflib graph (the mapping, the reference mapping) and, when given, the
    validator's pyoxigraph store (ontology and plant, already indexed there): nothing large is
    copied to build suggestions."""

    def __init__(
        self, small: Graph, store: ox.Store | None = None, graph: ox.NamedNode | None = None
    ) -> None:
        self.small, self.store, self.graph_name = small, store, graph

    def _quads(self, s: Node | None, p: Node | None, o: Node | None) -> Iterable[ox.Quad]:
        if self.store is None:
            return ()
        try:
            subject, predicate, obj = (to_ox(x) if x is not None else None for x in (s, p, o))
        except TypeError:
            return ()
        if isinstance(subject, ox.Literal) or isinstance(predicate, (ox.Literal, ox.BlankNode)):
            return ()
        return self.store.quads_for_pattern(subject, predicate, obj, self.graph_name)

    def objects(self, s: Node | None, p: Node) -> Iterable[Node]:
        seen = set()
        for o in self.small.objects(s, p):
            seen.add(o)
            yield o
        for q in self._quads(s, p, None):
            o = to_rdflib(q.object)
            if o not in seen:
                seen.add(o)
                yield o

    def subjects(self, p: Node, o: Node) -> Iterable[Node]:
        seen = set()
        for x in self.small.subjects(p, o):
            seen.add(x)
            yield x
        for q in self._quads(None, p, o):
            x = to_rdflib(q.subject)
            if x not in seen:
                seen.add(x)
                yield x

    def transitive_objects(self, node: Node, p: Node) -> Iterable[Node]:
        return _reach(node, lambda n: self.objects(n, p))

    def transitive_subjects(self, p: Node, node: Node) -> Iterable[Node]:
        return _reach(node, lambda n: self.subjects(p, n))

    def has_type(self, node: Node) -> bool:
        return next(iter(self.objects(node, RDF.type)), None) is not None


@dataclass
class Knowledge:
    """The graph suggestions are read from: ontology, reference mapping, plant and mapping."""

    graph: Lookup
    classes: dict[str, list[URIRef]] = field(default_factory=dict)
    properties: dict[str, list[URIRef]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        triples: Iterable[ox.Triple],
        store: ox.Store | None = None,
        graph: ox.NamedNode | None = None,
    ) -> Knowledge:
        """From the given triples, plus (when given) the triples of ``graph`` in ``store``."""
        small = Graph()
        for ref in _reference_triples():
            small.add(ref)
        for t in triples:
            small.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        g = Lookup(small, store, graph)
        k = cls(g)
        for kind in (OWL.Class, RDFS.Class):
            for c in g.subjects(RDF.type, kind):
                if isinstance(c, URIRef) and str(c).startswith(OURS):
                    k.classes.setdefault(_namespace(c), []).append(c)
        for kind in (
            RDF.Property,
            OWL.ObjectProperty,
            OWL.DatatypeProperty,
            OWL.AnnotationProperty,
        ):
            for p in g.subjects(RDF.type, kind):
                if isinstance(p, URIRef) and str(p).startswith(OURS):
                    k.properties.setdefault(_namespace(p), []).append(p)
        return k

    # -- lookups --------------------------------------------------------------------------

    def types(self, node: Node) -> set[URIRef]:
        return {t for t in self.graph.objects(node, RDF.type) if isinstance(t, URIRef)}

    def superclasses(self, cls_: Node) -> set[Node]:
        return set(self.graph.transitive_objects(cls_, RDFS.subClassOf))

    def all_types(self, node: Node) -> set[Node]:
        return {s for t in self.types(node) for s in self.superclasses(t)}

    def placement(self, stage: Node) -> list[Node]:
        """Reference placements of the stage's class, the most specific class first."""
        out: list[Node] = []
        for t in self.types(stage):
            for c in _by_depth(self, t):
                out.extend(self.graph.subjects(MAP.placesClass, c))
            if out:
                return out
        return out

    def reference(self, stage: Node, prop: URIRef) -> list[Node]:
        seen: list[Node] = []
        for p in self.placement(stage):
            for v in sorted(self.graph.objects(p, prop), key=str):
                if v not in seen:
                    seen.append(v)
        return seen

    def individuals(self, cls_: Node) -> list[Node]:
        subs = set(self.graph.transitive_subjects(RDFS.subClassOf, cls_))
        return sorted(
            {i for c in subs for i in self.graph.subjects(RDF.type, c) if isinstance(i, URIRef)},
            key=str,
        )

    def level_numbers(self, node: Node) -> list[int]:
        """ISA-95 level numbers of an owner (isa95:atLevel)."""
        return sorted(
            int(n)
            for lv in self.graph.objects(node, ISA95.atLevel)
            for n in self.graph.objects(lv, ISA95.levelNumber)
            if isinstance(n, Literal)
        )

    def rami_isa95_numbers(self, level: Node) -> list[int]:
        out: list[int] = []
        for corr in self.graph.subjects(MAP.ramiLevel, level):
            for lv in self.graph.objects(corr, MAP.isa95Level):
                out.extend(
                    int(n)
                    for n in self.graph.objects(lv, ISA95.levelNumber)
                    if isinstance(n, Literal)
                )
        return sorted(set(out))

    def levels_for_equipment(self, equipment: Node) -> list[Node]:
        """RAMI levels whose correspondence lists a class of the equipment."""
        kinds = self.all_types(equipment)
        out: list[Node] = []
        for corr in self.graph.subjects(RDF.type, MAP.LevelCorrespondence):
            if any(c in kinds for c in self.graph.objects(corr, MAP.equipmentClass)):
                out.extend(self.graph.objects(corr, MAP.ramiLevel))
        return sorted(set(out), key=str)

    def equipment_classes(self, level: Node) -> list[Node]:
        return sorted(
            {
                c
                for corr in self.graph.subjects(MAP.ramiLevel, level)
                for c in self.graph.objects(corr, MAP.equipmentClass)
            },
            key=str,
        )


@lru_cache(maxsize=1)
def _reference_triples() -> tuple[Triple, ...]:
    """The reference mapping (not part of the validated ontology, but of the answers)."""
    try:
        path = ontology_dir() / "reference-mapping.ttl"
    except FileNotFoundError:
        return ()
    if not path.is_file():
        return ()
    g = Graph()
    g.parse(path, format="turtle")
    return tuple(g)


def _by_depth(k: Knowledge, cls_: URIRef) -> list[Node]:
    """The class and its superclasses, nearest first (breadth first)."""
    out: list[Node] = []
    frontier: list[Node] = [cls_]
    while frontier:
        nxt: list[Node] = []
        for c in frontier:
            if c not in out:
                out.append(c)
                nxt.extend(k.graph.objects(c, RDFS.subClassOf))
        frontier = nxt
    return out


def _namespace(iri: URIRef) -> str:
    text = str(iri)
    return text[: max(text.rfind("#"), text.rfind("/")) + 1]


def _local(iri: Node) -> str:
    text = str(iri)
    return text[max(text.rfind("#"), text.rfind("/")) + 1 :]


def _names(nodes: Sequence[Node]) -> str:
    return ", ".join(_short(n) for n in nodes)


# -- "did you mean" ------------------------------------------------------------------------


def candidates(k: Knowledge, term: URIRef, *, want_class: bool, limit: int = 3) -> list[URIRef]:
    """Declared terms of the same namespace whose name or label is close to the term's."""
    pool = (k.classes if want_class else k.properties).get(_namespace(term), [])
    written = _local(term).lower()
    scored: list[tuple[float, str, URIRef]] = []
    for c in pool:
        names = [_local(c).lower()] + [
            str(lb).lower().replace(" ", "") for lb in k.graph.objects(c, RDFS.label)
        ]
        score = max(difflib.SequenceMatcher(None, written, n).ratio() for n in names)
        if score >= 0.8:
            scored.append((score, str(c), c))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [c for _, _, c in scored[:limit]]


def _clear_winner(k: Knowledge, term: URIRef, found: list[URIRef]) -> bool:
    if len(found) == 1:
        return True
    if len(found) < 2:
        return False
    a = difflib.SequenceMatcher(None, _local(term).lower(), _local(found[0]).lower()).ratio()
    b = difflib.SequenceMatcher(None, _local(term).lower(), _local(found[1]).lower()).ratio()
    return a - b >= 0.08


def _unknown_term(k: Knowledge, r: ValidationResult) -> list[Suggestion]:
    focus, value = r.focus, r.value
    path = URIRef(r.path[1:-1]) if r.path and r.path.startswith("<") else None
    out: list[Suggestion] = []
    if path == RDF.type and isinstance(value, URIRef):
        found = candidates(k, value, want_class=True)
        clear = _clear_winner(k, value, found)
        for i, c in enumerate(found):
            out.append(
                Suggestion(
                    f"did you mean {_short(c)}? replace {_short(value)} with {_short(c)}",
                    remove=((focus, RDF.type, value),),
                    add=((focus, RDF.type, c),),
                    unambiguous=clear and i == 0,
                )
            )
    elif path is not None and str(path).startswith(OURS):
        found = candidates(k, path, want_class=False)
        clear = _clear_winner(k, path, found)
        objects = sorted(k.graph.objects(focus, path), key=str)
        for i, c in enumerate(found):
            out.append(
                Suggestion(
                    f"did you mean {_short(c)}? replace the property {_short(path)} with {_short(c)}",
                    remove=tuple((focus, path, o) for o in objects),
                    add=tuple((focus, c, o) for o in objects),
                    unambiguous=clear and i == 0 and bool(objects),
                )
            )
    if not out and value is not None:
        out.append(
            Suggestion(
                "no declared term is close; list the vocabulary with `otmlops ontology terms`"
            )
        )
    return out


# -- placement findings --------------------------------------------------------------------


def _set_value(
    k: Knowledge,
    focus: Node,
    prop: URIRef,
    choices: list[Node],
    what: str,
    *,
    current: Sequence[Node] = (),
    why: str = "",
) -> list[Suggestion]:
    """One suggestion per choice: replace the current values of prop by that choice."""
    out = []
    for c in choices:
        text = (
            f"set {_short(prop)} {_short(c)}"
            if not current
            else f"replace {_short(prop)} {_names(current)} with {_short(c)}"
        )
        out.append(
            Suggestion(
                f"{text}{why}",
                remove=tuple((focus, prop, v) for v in current),
                add=((focus, prop, c),),
                unambiguous=len(choices) == 1,
            )
        )
    if not choices:
        out.append(Suggestion(f"{what}"))
    return out


def _stage_kind(k: Knowledge, focus: Node) -> str:
    kinds = [t for t in k.types(focus) if str(t).startswith(str(MLOPS))]
    return _names(sorted(kinds, key=str)) or "this stage"


def _owner(k: Knowledge, r: ValidationResult) -> list[Suggestion]:
    focus = r.focus
    refs = k.reference(focus, MAP.ownedBy)
    current = sorted(k.graph.objects(focus, MAP.ownedBy), key=str)
    why = f" (the reference owner of {_stage_kind(k, focus)})"
    if r.source_shape == URIRef(SHP + "StageOwnerPresent"):
        return _set_value(
            k,
            focus,
            MAP.ownedBy,
            refs,
            "no reference owner for this stage kind; pick an isa95:FunctionalElement",
            why=why,
        )
    wrong = [r.value] if r.value is not None else current
    out = []
    if r.source_shape == URIRef(SHP + "StageOwnerLevel") and r.value is not None:
        owner_levels = k.level_numbers(r.value)
        stage_levels = []
        for lv in k.graph.objects(focus, MAP.hierarchyLevel):
            stage_levels.extend(k.rami_isa95_numbers(lv))
        out.append(
            Suggestion(
                f"the owner {_short(r.value)} works at ISA-95 level "
                f"{' and '.join(map(str, owner_levels)) or '?'}; the stage's hierarchy level "
                f"corresponds to ISA-95 level {' and '.join(map(str, sorted(set(stage_levels)))) or '?'}"
            )
        )
    refs = [o for o in refs if o not in wrong]
    out.extend(
        _set_value(
            k,
            focus,
            MAP.ownedBy,
            refs,
            "no reference owner for this stage kind",
            current=wrong,
            why=why,
        )
    )
    return out


def _closed(k: Knowledge, r: ValidationResult, prop: URIRef, cls_: URIRef) -> list[Suggestion]:
    """Layer, level or phase missing or not a term of its class."""
    focus = r.focus
    allowed = k.individuals(cls_)
    refs = [v for v in k.reference(focus, prop) if v in allowed]
    current = [r.value] if r.value is not None else []
    out = [Suggestion(f"allowed values of {_short(prop)}: {_names(allowed)}")]
    if r.component.endswith("MaxCountConstraintComponent"):
        return out
    if prop == MAP.layer and not current:  # several layers are fine: add them all
        if refs:
            out.append(
                Suggestion(
                    f"add {_short(prop)} {_names(refs)} (the reference for {_stage_kind(k, focus)})",
                    add=tuple((focus, prop, v) for v in refs),
                    unambiguous=True,
                )
            )
        return out
    if current and isinstance(current[0], URIRef):
        near = candidates_among(current[0], allowed)
        if near:
            refs = [*near, *[v for v in refs if v not in near]]
    out.extend(
        _set_value(
            k,
            focus,
            prop,
            refs,
            "",
            current=current,
            why=f" (the reference for {_stage_kind(k, focus)})",
        )
        if refs
        else []
    )
    return out


def candidates_among(term: URIRef, pool: Sequence[Node]) -> list[Node]:
    names = {_local(p).lower(): p for p in pool}
    return [names[n] for n in difflib.get_close_matches(_local(term).lower(), list(names), 1, 0.8)]


def _phase_kind(k: Knowledge, r: ValidationResult) -> list[Suggestion]:
    focus = r.focus
    kinds = {kd for c in k.all_types(focus) for kd in k.graph.objects(c, MAP.expectedPhaseKind)}
    allowed = [p for kd in kinds for p in k.individuals(kd)]
    refs = [p for p in k.reference(focus, MAP.lifeCyclePhase) if p in allowed]
    choices = refs or allowed
    out = [
        Suggestion(
            f"phases of the right kind ({_names(sorted(kinds, key=str))}): {_names(allowed)}"
        )
    ]
    current = [r.value] if r.value is not None else []
    out.extend(_set_value(k, focus, MAP.lifeCyclePhase, choices, "", current=current))
    return out


def _level_equipment(k: Knowledge, r: ValidationResult) -> list[Suggestion]:
    focus, value = r.focus, r.value
    if value is None:  # the shapes name the equipment as the value; without it, no hint
        return []
    equipment = next(iter(k.graph.objects(value, MAP.locatedAt)), value)
    levels = k.levels_for_equipment(equipment)
    current = sorted(k.graph.objects(focus, MAP.hierarchyLevel), key=str)
    eq_numbers = sorted({n for lv in levels for n in k.rami_isa95_numbers(lv)})
    st_numbers = sorted({n for lv in current for n in k.rami_isa95_numbers(lv)})
    out = [
        Suggestion(
            f"{_short(equipment)} is {_names(sorted(k.types(equipment), key=str))} "
            f"(ISA-95 level {' and '.join(map(str, eq_numbers)) or '?'}, RAMI {_names(levels)}); "
            f"{_short(focus)} is at {_names(current)} (ISA-95 level "
            f"{' and '.join(map(str, st_numbers)) or '?'}); equipment classes at "
            f"{_names(current)}: {_names([c for lv in current for c in k.equipment_classes(lv)])}"
        )
    ]
    out.extend(
        _set_value(
            k,
            focus,
            MAP.hierarchyLevel,
            levels,
            "",
            current=current,
            why=f" (the level of {_short(equipment)})",
        )
    )
    return out


def _containment(k: Knowledge, r: ValidationResult) -> list[Suggestion]:
    child = r.focus
    allowed = sorted(
        {p for c in k.all_types(child) for p in k.graph.objects(c, ISA95.mayBePartOf)}, key=str
    )
    msg = (
        f"{_names(sorted(k.types(child), key=str))} may be part of: {_names(allowed)}"
        if allowed
        else "no parent class is allowed for this class"
    )
    out = [Suggestion(msg)]
    parent = r.value
    if parent is not None:
        # an ancestor of the parent with an allowed class is the one unambiguous re-link
        ups = [
            a
            for a in k.graph.transitive_objects(parent, ISA95.partOf)
            if a != parent and k.all_types(a) & set(allowed)
        ]
        if ups:
            out.append(
                Suggestion(
                    f"make {_short(child)} part of {_short(ups[0])} instead of {_short(parent)}",
                    remove=((child, ISA95.partOf, parent),),
                    add=((child, ISA95.partOf, ups[0]),),
                    unambiguous=len(ups) == 1,
                )
            )
    return out


def _stage_type(k: Knowledge, r: ValidationResult) -> list[Suggestion]:
    """A use case's stage is not typed as a lifecycle stage: a typo in its class, or none."""
    stage = r.value
    if stage is None:
        return []
    out: list[Suggestion] = []
    for t in sorted(k.types(stage), key=str):
        if str(t).startswith(OURS) and not k.graph.has_type(t):
            found = [
                c
                for c in candidates(k, t, want_class=True)
                if MLOPS.LifecycleStage in k.superclasses(c)
            ]
            for i, c in enumerate(found):
                out.append(
                    Suggestion(
                        f"{_short(stage)} is typed {_short(t)}, which the ontology does not "
                        f"declare; did you mean {_short(c)}?",
                        remove=((stage, RDF.type, t),),
                        add=((stage, RDF.type, c),),
                        unambiguous=_clear_winner(k, t, found) and i == 0,
                    )
                )
    if not out:
        kinds = [
            c
            for c in k.classes.get(str(MLOPS), [])
            if MLOPS.LifecycleStage in k.superclasses(c) and c != MLOPS.LifecycleStage
        ]
        out.append(Suggestion(f"stage classes: {_names(sorted(kinds, key=str))}"))
    return out


_BY_SHAPE = {
    "VocabularyShape": _unknown_term,
    "StageOwnerPresent": _owner,
    "StageOwnerKind": _owner,
    "StageOwnerLevel": _owner,
    "StageLayer": lambda k, r: _closed(k, r, MAP.layer, RAMI.Layer),
    "StageHierarchyLevel": lambda k, r: _closed(k, r, MAP.hierarchyLevel, RAMI.HierarchyLevel),
    "HostHierarchyLevel": lambda k, r: _closed(k, r, MAP.hierarchyLevel, RAMI.HierarchyLevel),
    "StageLifeCyclePhase": lambda k, r: _closed(k, r, MAP.lifeCyclePhase, RAMI.LifeCyclePhase),
    "StagePhaseKind": _phase_kind,
    "StageLevelMatchesEquipment": _level_equipment,
    "HostLevelMatchesLocation": _level_equipment,
    "EquipmentAllowedParent": _containment,
    "UseCaseStageKind": _stage_type,
}


def suggest(
    results: Sequence[ValidationResult],
    triples: Iterable[ox.Triple],
    store: ox.Store | None = None,
    graph: ox.NamedNode | None = None,
) -> dict[ResultId, list[Suggestion]]:
    """result identity (key plus value) -> its suggestions; results without any are left out.
    ``triples`` are read as given; ``store``/``graph`` (the validator's indexed ontology and
    plant) are read in place."""
    if not any(_handler(r) for r in results):
        return {}  # nothing to suggest: the knowledge graph is not built
    if store is not None:  # the mapping sits beside the indexed ontology and plant meanwhile
        from otmlops.validation.fast import add_triples

        add_triples(store, list(triples), _SCRATCH)
        try:
            return _suggest(results, Knowledge.build((), store, None))
        finally:
            store.clear_graph(_SCRATCH)
    return _suggest(results, Knowledge.build(triples))


#: where ``suggest`` puts the mapping in the validator's store while it reads it
_SCRATCH = ox.NamedNode("urn:otmlops:validation:fixes")


def _suggest(results: Sequence[ValidationResult], k: Knowledge) -> dict[ResultId, list[Suggestion]]:
    out: dict[tuple[str, str | None, str, str, str], list[Suggestion]] = {}
    for r in results:
        make = _handler(r)
        if make is None:
            continue
        found = make(k, r)
        if found:
            out[result_id(r)] = found
    return out


def _handler(
    r: ValidationResult,
) -> Callable[[Knowledge, ValidationResult], list[Suggestion]] | None:
    name = str(r.source_shape)[len(SHP) :] if str(r.source_shape).startswith(SHP) else ""
    return _BY_SHAPE.get(name)


def result_id(r: ValidationResult) -> ResultId:
    from otmlops.validation.report import _node_key

    return (*r.key, _node_key(r.value))


__all__ = ["Suggestion", "Knowledge", "suggest", "candidates", "result_id"]


def attach(
    report: Report,
    triples: Sequence[ox.Triple],
    mappings: Sequence[Source] = (),
    *,
    store: ox.Store | None = None,
    graph: ox.NamedNode | None = None,
) -> None:
    """Fill ``report.suggestions``; a suggestion about a misspelt term gets the line of the
    term in the mapping that mentions it (a line-oriented file: Turtle or N-Triples)."""
    from dataclasses import replace

    from otmlops.validation.locator import find

    found = suggest(report.results, triples, store, graph)
    for items in found.values():
        for i, s in enumerate(items):
            terms = {str(t) for tr in s.remove for t in tr[1:] if isinstance(t, URIRef)}
            terms -= {str(t) for tr in s.add for t in tr[1:]}
            if not terms or "did you mean" not in s.message:
                continue
            for src in mappings:
                if not src.line_oriented:
                    continue
                text = src.data.decode("utf-8", errors="replace")
                hits = find(text, src.base_iri, terms)
                if hits:
                    items[i] = replace(s, line=min(line for line, _ in hits.values()))
                    break
    report.suggestions = found


def _reach(start: Node, step: Callable[[Node], Iterable[Node]]) -> list[Node]:
    """``start`` and every node ``step`` leads to from it, in the order first visited."""
    order: list[Node] = []
    seen: set[Node] = set()
    todo = [start]
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        order.append(n)
        todo.extend(step(n))
    return order
