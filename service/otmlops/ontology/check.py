"""OWL 2 DL consistency check of the bundled ontology with HermiT (through owlready2).

owlready2 cannot read Turtle and would follow owl:imports over the network, so the ontology is
merged with rdflib, stripped of its owl:imports, written as N-Triples to a temporary folder and
loaded from there. HermiT only says *that* the ontology is inconsistent; to say *why*, a
structural pass names the individuals typed with disjoint classes and functional properties with
clashing values, which covers the contradictions people actually write.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection

from otmlops.errors import OtmlopsError
from otmlops.ontology.loader import load_ontology, parse_file

#: HermiT runs for a second or two in a fresh JVM, too short for the optimising compiler's work
#: to pay off: with the quick compiler only, a check of the bundled ontology takes ~1.8 s
#: instead of ~2.4 s (OpenJDK 17, 2 cores). HotSpot knows the flag since Java 7; OpenJ9 ignores
#: -XX options it does not know.
JVM_OPTIONS = "-XX:TieredStopAtLevel=1"
#: The variable the ``java`` launcher (Java 9+) reads options from; it says so on stderr.
_JVM_OPTIONS_VAR = "JDK_JAVA_OPTIONS"


@dataclass
class CheckResult:
    """What the reasoner found. ``ok`` means consistent with no unsatisfiable named class."""

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    explanations: list[str] = field(default_factory=list)
    classes: int = 0

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable


def merged_graph(extra: Iterable[Path] = ()) -> Graph:
    """The ontology plus any extra files, as one graph without owl:imports."""
    graph = load_ontology()
    for path in extra:
        parse_file(Path(path), graph)
    graph.remove((None, OWL.imports, None))
    return graph


def run_check(extra: Iterable[Path] = ()) -> CheckResult:
    """Load into owlready2, run HermiT, and report inconsistency or unsatisfiable classes."""
    if shutil.which("java") is None:
        raise OtmlopsError("HermiT needs a Java runtime (java on PATH); install Java 8 or newer")
    graph = merged_graph(extra)
    n_classes = len({s for s in graph.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)})
    import owlready2

    with tempfile.TemporaryDirectory(prefix="otmlops-hermit-") as tmp:
        path = Path(tmp) / "otmlops-merged.nt"
        graph.serialize(destination=path, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        except Exception as exc:  # owlready2's parser errors are not one type
            raise OtmlopsError(f"owlready2 could not load the ontology: {exc}") from exc
        try:
            with onto, _quick_jvm():
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return CheckResult(
                consistent=False, explanations=explain_inconsistency(graph), classes=n_classes
            )
        except owlready2.OwlReadyJavaError as exc:
            raise OtmlopsError(f"HermiT failed: {_without_launcher_note(str(exc))}") from exc
        unsat = sorted(
            _name(graph, URIRef(c.iri))
            for c in world.inconsistent_classes()
            if c is not owlready2.Nothing
        )
    result = CheckResult(consistent=True, unsatisfiable=unsat, classes=n_classes)
    if unsat:
        result.explanations = explain_unsatisfiable(graph, unsat)
    return result


@contextmanager
def _quick_jvm() -> Iterator[None]:
    """Start owlready2's ``java`` with JVM_OPTIONS (the user's own options, set in the same
    variable, come after ours and win)."""
    before = os.environ.get(_JVM_OPTIONS_VAR)
    os.environ[_JVM_OPTIONS_VAR] = f"{JVM_OPTIONS} {before}" if before else JVM_OPTIONS
    try:
        yield
    finally:
        if before is None:
            del os.environ[_JVM_OPTIONS_VAR]
        else:
            os.environ[_JVM_OPTIONS_VAR] = before


def _without_launcher_note(message: str) -> str:
    """Java's error without the launcher's line about the options variable."""
    return "\n".join(
        line for line in message.splitlines() if not line.startswith("NOTE: Picked up ")
    )


def _name(graph: Graph, term: URIRef) -> str:
    try:
        return graph.namespace_manager.normalizeUri(term)
    except Exception:
        return f"<{term}>"


def _superclasses(graph: Graph, cls: URIRef) -> set[URIRef]:
    """``cls`` and its named superclasses (asserted rdfs:subClassOf, transitively)."""
    seen: set[URIRef] = set()
    todo = [cls]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(o for o in graph.objects(current, RDFS.subClassOf) if isinstance(o, URIRef))
        todo.extend(o for o in graph.objects(current, OWL.equivalentClass) if isinstance(o, URIRef))
    return seen


def _disjoint_pairs(graph: Graph) -> set[frozenset[URIRef]]:
    pairs: set[frozenset[URIRef]] = set()
    for a, b in graph.subject_objects(OWL.disjointWith):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            pairs.add(frozenset((a, b)))
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        head = graph.value(node, OWL.members)
        members = [m for m in Collection(graph, head) if isinstance(m, URIRef)] if head else []
        pairs.update(frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1 :])
    return pairs


def _clashes(
    graph: Graph, classes: set[URIRef], pairs: set[frozenset[URIRef]]
) -> list[tuple[URIRef, URIRef]]:
    closure: set[URIRef] = set()
    for cls in classes:
        closure |= _superclasses(graph, cls)
    clashes: list[tuple[URIRef, URIRef]] = []
    for pair in pairs:
        if pair <= closure:
            first, second = sorted(pair)
            clashes.append((first, second))
    return sorted(clashes)


def explain_inconsistency(graph: Graph) -> list[str]:
    """Name individuals typed with disjoint classes and clashing functional property values."""
    pairs = _disjoint_pairs(graph)
    lines: list[str] = []
    individuals = {
        s
        for s, o in graph.subject_objects(RDF.type)
        if isinstance(s, URIRef)
        and isinstance(o, URIRef)
        and o
        not in (
            OWL.NamedIndividual,
            OWL.Class,
            OWL.ObjectProperty,
            OWL.DatatypeProperty,
            OWL.AnnotationProperty,
            OWL.Ontology,
        )
    }
    for ind in sorted(individuals):
        types = {o for o in graph.objects(ind, RDF.type) if isinstance(o, URIRef)}
        for a, b in _clashes(graph, types, pairs):
            lines.append(
                f"individual {_name(graph, ind)} is a {_name(graph, a)} and a "
                f"{_name(graph, b)}, which are disjoint classes"
            )
    for prop in sorted(
        p for p in graph.subjects(RDF.type, OWL.FunctionalProperty) if isinstance(p, URIRef)
    ):
        for subject in sorted({s for s in graph.subjects(prop, None) if isinstance(s, URIRef)}):
            values = set(graph.objects(subject, prop))
            if len(values) > 1 and all(isinstance(v, Literal) for v in values):
                shown = ", ".join(sorted(str(v) for v in values))
                lines.append(
                    f"individual {_name(graph, subject)} has {len(values)} values for "
                    f"functional property {_name(graph, prop)} ({shown})"
                )
    if not lines:
        lines.append(
            "no simple cause found (no individual typed with disjoint classes, no "
            "clashing functional values); inspect the most recent axioms"
        )
    return lines


def explain_unsatisfiable(graph: Graph, names: list[str]) -> list[str]:
    """For each unsatisfiable class, the disjoint classes it inherits from, where asserted."""
    pairs = _disjoint_pairs(graph)
    lines = []
    for name in names:
        try:
            cls = (
                graph.namespace_manager.expand_curie(name)
                if not name.startswith("<")
                else URIRef(name[1:-1])
            )
        except ValueError:
            continue
        for a, b in _clashes(graph, {URIRef(cls)}, pairs):
            lines.append(
                f"class {name} is a subclass of {_name(graph, a)} and "
                f"{_name(graph, b)}, which are disjoint"
            )
    return lines


def format_result(result: CheckResult) -> str:
    """Human-readable report of a check, one finding per line."""
    if result.ok:
        return (
            f"ontology is consistent: {result.classes} named classes, none unsatisfiable "
            "(HermiT, OWL 2 DL)"
        )
    out = []
    if not result.consistent:
        out.append("ontology is INCONSISTENT (HermiT): no model satisfies all axioms")
    if result.unsatisfiable:
        out.append(
            f"{len(result.unsatisfiable)} unsatisfiable class(es) (HermiT): "
            + ", ".join(result.unsatisfiable)
        )
    out.extend(f"  - {line}" for line in result.explanations)
    return "\n".join(out)


__all__ = ["CheckResult", "run_check", "format_result", "merged_graph"]
