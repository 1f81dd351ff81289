"""Skeleton mappings from the reference mapping (``otmlops new use-case``).

Each stage of the skeleton gets the reference placement of its kind (ontology/reference-mapping.ttl):
all its layers, its first hierarchy level and life cycle phase, its owner; the rationale and the
levels, phases and owners the reference also allows are written as comments. What only the user
knows - the equipment a stage runs on - is left out with a marked ``TODO``: validation reports it
as a Warning (shp:StageDeployedInInstancePhase, for stages in an instance phase), never as a
Violation. With a plant model, the plant's equipment and hosts at the stage's level are listed
as commented candidates.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from otmlops.authoring.vocab import Term, Vocabulary, vocabularies
from otmlops.errors import UsageError

if TYPE_CHECKING:
    import pyoxigraph as ox

FORMATS = ("yaml", "ttl", "csv")
DEFAULT_BASE = "https://example.org/mappings/{slug}#"
_MAP = "https://w3id.org/otmlops/map#"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass
class StageDraft:
    """One stage of the skeleton: the reference placement of its kind, and what to choose from."""

    kind: Term
    layers: list[Term]
    level: Term | None
    phase: Term | None
    owner: Term | None
    rationale: str = ""
    other_levels: list[Term] = field(default_factory=list)
    other_phases: list[Term] = field(default_factory=list)
    other_owners: list[Term] = field(default_factory=list)
    #: level label -> (IRI, label) of plant equipment or hosts at that level, for the levels the
    #: reference allows (with --plant)
    candidates: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def local(self) -> str:
        return self.kind.name

    @property
    def label(self) -> str:
        return self.kind.label[:1].upper() + self.kind.label[1:]


@dataclass
class Skeleton:
    name: str
    slug: str
    base: str
    stages: list[StageDraft]
    plant_given: bool = False

    @property
    def use_case_local(self) -> str:
        return (
            "".join(
                w[:1].upper() + w[1:] for w in re.split(r"[^0-9A-Za-z]+", _ascii(self.name)) if w
            )
            or "UseCase"
        )


def _ascii(text: str) -> str:
    """Accents dropped (``Défauts prüfen`` -> ``Defauts prufen``), so IRIs stay readable."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def slugify(name: str) -> str:
    """``Visual defects at Labeller 3`` -> ``visual-defects-at-labeller-3``."""
    slug = re.sub(r"[^0-9a-z]+", "-", _ascii(name).lower()).strip("-")
    return slug or "use-case"


def _reference() -> dict[str, dict[str, list[str] | str]]:
    """Stage class IRI -> its reference placement (term IRIs and the rationale)."""
    import pyoxigraph as ox

    from otmlops.resources import ontology_dir

    path = ontology_dir() / "reference-mapping.ttl"
    by_node: dict[str, dict[str, list[str]]] = {}
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        if not quad.predicate.value.startswith(_MAP):
            continue
        key = quad.predicate.value[len(_MAP) :]
        by_node.setdefault(str(quad.subject), {}).setdefault(key, []).append(quad.object.value)
    out: dict[str, dict[str, list[str] | str]] = {}
    for values in by_node.values():
        for cls in values.get("placesClass", []):
            out[cls] = {**values, "rationale": " ".join(values.get("rationale", []))}
    return out


def _terms(vocab: Vocabulary, iris: Iterable[str]) -> list[Term]:
    """The terms for ``iris`` in the vocabulary's order (bottom up, as the ontology orders)."""
    wanted = set(iris)
    return [t for t in vocab.terms if str(t.iri) in wanted]


def resolve_kinds(texts: Sequence[str] | None) -> list[Term]:
    """Stage kinds named on the command line (names, labels, CURIEs), default all of them."""
    vocab = vocabularies()["kind"]
    if not texts:
        return list(vocab.terms)
    out: list[Term] = []
    for text in texts:
        term = vocab.lookup(text)
        if term is None:
            names = ", ".join(t.name for t in vocab.terms)
            raise UsageError(
                f"--stages: unknown stage kind {text!r}; use one of: {names} (or their labels)"
            )
        if term not in out:
            out.append(term)
    return out


def build(
    name: str,
    kinds: Sequence[str] | None = None,
    *,
    base: str | None = None,
    plant: Sequence[ox.Triple] | None = None,
) -> Skeleton:
    """The skeleton of a use case called ``name`` with stages of ``kinds`` (default: all).

    ``plant`` is a list of pyoxigraph triples (or None): its equipment and hosts are offered as
    candidates for each stage's TODO.
    """
    if not name.strip():
        raise UsageError(
            'the use case needs a name, e.g. `otmlops new use-case "Visual defects at labeller 3"`'
        )
    slug = slugify(name)
    base = base or DEFAULT_BASE.format(slug=slug)
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S*$", base) or base[-1] not in "#/":
        raise UsageError(
            f"--base {base!r}: give an absolute IRI ending in '#' or '/', e.g. "
            "https://example.org/bottling#"
        )
    vocab = vocabularies()
    reference = _reference()
    finder = _Candidates(plant) if plant is not None else None
    stages = []
    for kind in resolve_kinds(kinds):
        ref = reference.get(str(kind.iri), {})
        levels = _terms(vocab["level"], ref.get("hierarchyLevel", []))
        phases = _terms(vocab["phase"], ref.get("lifeCyclePhase", []))
        owners = _terms(vocab["owner"], ref.get("ownedBy", []))
        draft = StageDraft(
            kind=kind,
            layers=_terms(vocab["layers"], ref.get("layer", [])),
            level=levels[0] if levels else None,
            phase=phases[0] if phases else None,
            owner=owners[0] if owners else None,
            rationale=str(ref.get("rationale", "")),
            other_levels=levels[1:],
            other_phases=phases[1:],
            other_owners=owners[1:],
        )
        if finder is not None:
            draft.candidates = {
                lv.label: found for lv in levels if (found := finder.at(str(lv.iri)))
            }
        stages.append(draft)
    return Skeleton(name.strip(), slug, base, stages, plant_given=plant is not None)


class _Candidates:
    """Equipment (by the level correspondence of the ontology) and hosts (by their own level)
    of a plant model, per RAMI 4.0 hierarchy level."""

    _QUERY = """
        PREFIX map: <https://w3id.org/otmlops/map#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?thing ?label WHERE {
          {
            ?corr a map:LevelCorrespondence ; map:ramiLevel ?level ; map:equipmentClass ?class .
            ?thing a ?type . ?type rdfs:subClassOf* ?class .
          } UNION {
            ?thing map:hierarchyLevel ?level ; a ?hostType .
            ?hostType rdfs:subClassOf* map:ComputeResource .
          }
          OPTIONAL { ?thing rdfs:label ?label }
        } ORDER BY ?thing
    """

    def __init__(self, plant: Sequence[ox.Triple]) -> None:
        import pyoxigraph as ox

        from otmlops.validation.api import ontology_triples

        self.store = ox.Store()
        self.store.extend(
            ox.Quad(t.subject, t.predicate, t.object) for t in [*ontology_triples(), *plant]
        )
        self.plant_subjects = {str(t.subject) for t in plant}

    def at(self, level: str) -> list[tuple[str, str]]:
        import pyoxigraph as ox

        rows: dict[str, str] = {}
        query = self._QUERY.replace("?level", ox.NamedNode(level).__str__())  # a vocabulary IRI
        solutions = self.store.query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        for row in solutions:
            thing = row["thing"]
            if not isinstance(thing, ox.NamedNode) or str(thing) not in self.plant_subjects:
                continue
            label = row["label"].value if row["label"] is not None else ""
            if thing.value not in rows or (label and not rows[thing.value]):
                rows[thing.value] = label
        return sorted(rows.items())


# -- writers ---------------------------------------------------------------------------------


def _wrap(text: str, prefix: str, width: int = 100) -> list[str]:
    return (
        textwrap.wrap(
            text,
            width=width,
            initial_indent=prefix,
            subsequent_indent=prefix,
            break_long_words=False,
            break_on_hyphens=False,
        )
        if text
        else []
    )


def _names(terms: Sequence[Term]) -> str:
    return ", ".join(t.label for t in terms)


def _notes(st: StageDraft, skel: Skeleton, field_name: str, iri: str = "{}") -> list[str]:
    """Comment lines for a stage: rationale, alternatives, the TODO and its candidates."""
    lines = [f"Reference placement of {st.kind.label.lower()} (ontology/reference-mapping.ttl)."]
    if st.rationale:
        lines.append("Why: " + st.rationale)
    if st.other_levels:
        lines.append(f"The reference also allows level: {_names(st.other_levels)}.")
    if st.other_phases:
        lines.append(f"The reference also allows phase: {_names(st.other_phases)}.")
    if st.other_owners:
        lines.append(f"The reference also allows owner: {_names(st.other_owners)}.")
    level = st.level.label if st.level else "its level"
    lines.append(
        f"TODO {field_name}: the equipment or host of your plant this stage runs on "
        f"(at {level} level); until it is set, validation warns about stages in "
        "instance phases."
    )
    for at, found in st.candidates.items():
        shown = [
            iri.format(thing) + (f" ({label})" if label else "") for thing, label in found[:12]
        ]
        more = f" and {len(found) - 12} more" if len(found) > 12 else ""
        lines.append(f"Candidates from the plant at {at} level: " + "; ".join(shown) + more + ".")
    if skel.plant_given and not st.candidates:
        lines.append(
            "The plant model has no equipment or host at the levels the reference "
            "allows for this stage."
        )
    return lines


def _comment_block(lines: list[str], indent: str, marker: str = "# ") -> list[str]:
    out: list[str] = []
    for line in lines:
        out.extend(_wrap(line, f"{indent}{marker}") or [f"{indent}{marker.strip()}"])
    return out


def _header(skel: Skeleton) -> list[str]:
    return [
        f"Skeleton of the use case {skel.name!r}, written by `otmlops new use-case` from the "
        "reference mapping. Every stage has the reference placement and owner; fill in the "
        "TODOs (where each stage runs), adjust what differs in your plant, then run "
        "`otmlops validate FILE --plant PLANT`.",
    ]


def _q(text: str) -> str:
    """A YAML scalar that is always read as the text it shows."""
    return json.dumps(text, ensure_ascii=False)


def to_yaml(skel: Skeleton) -> str:
    out = _comment_block(_header(skel), "")
    out += [
        "prefixes:",
        f"  uc: {_q(skel.base)}",
        f"use_case: uc:{skel.use_case_local}",
        f"label: {_q(skel.name)}",
        "stages:",
    ]
    for st in skel.stages:
        out.append(f"  uc:{st.local}:")
        out += _comment_block(_notes(st, skel, "deployed_on"), "    ")
        out.append(f"    kind: {_q(st.kind.label)}")
        out.append(f"    label: {_q(st.label)}")
        if st.layers:
            out.append("    layers: [" + ", ".join(_q(t.label) for t in st.layers) + "]")
        for key, term in (("level", st.level), ("phase", st.phase), ("owner", st.owner)):
            if term is not None:
                out.append(f"    {key}: {_q(term.label)}")
        out.append("    # deployed_on: TODO")
    return "\n".join(out) + "\n"


def to_turtle(skel: Skeleton) -> str:
    out = _comment_block(_header(skel), "")
    out += [
        "",
        f"@prefix uc:    <{skel.base}> .",
        "@prefix rami:  <https://w3id.org/otmlops/rami#> .",
        "@prefix isa95: <https://w3id.org/otmlops/isa95#> .",
        "@prefix mlops: <https://w3id.org/otmlops/mlops#> .",
        "@prefix map:   <https://w3id.org/otmlops/map#> .",
        "@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .",
        "",
    ]
    stage_list = " ,\n        ".join(f"uc:{st.local}" for st in skel.stages)
    out.append(f"uc:{skel.use_case_local} a mlops:UseCase ;")
    out.append(
        f"    rdfs:label {json.dumps(skel.name, ensure_ascii=False)}@en"
        + (f" ;\n    mlops:hasStage {stage_list} ." if skel.stages else " .")
    )
    for st in skel.stages:
        out.append("")
        out += _comment_block(_notes(st, skel, "map:deployedOn", "<{}>"), "")
        out.append(f"uc:{st.local} a {st.kind.curie} ;")
        out.append(f"    rdfs:label {json.dumps(st.label, ensure_ascii=False)}@en ;")
        if st.layers:
            out.append("    map:layer " + " , ".join(t.curie for t in st.layers) + " ;")
        for predicate, term in (
            ("map:hierarchyLevel", st.level),
            ("map:lifeCyclePhase", st.phase),
            ("map:ownedBy", st.owner),
        ):
            if term is not None:
                out.append(f"    {predicate} {term.curie} ;")
        out.append("    # map:deployedOn TODO ;")
        out.append("    .")
    return "\n".join(out) + "\n"


def to_csv(skel: Skeleton) -> str:
    from otmlops.authoring.table_form import HEADER

    if not skel.stages:
        raise UsageError("the tabular form has one row per stage; name at least one stage kind")
    buf = io.StringIO()
    # "#|" keeps a wrapped line that starts with "prefix", "base" or "language" from being
    # read as a declaration
    for line in _comment_block(_header(skel), "", "#| "):
        buf.write(line + "\n")
    for st in skel.stages:
        buf.write(f"#| --- stage uc:{st.local} ---\n")
        for line in _comment_block(_notes(st, skel, "deployed on"), "", "#| "):
            buf.write(line + "\n")
    buf.write(f"# prefix uc: {skel.base}\n")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HEADER)
    for i, st in enumerate(skel.stages):
        row = {
            "use case": f"uc:{skel.use_case_local}",
            "stage": f"uc:{st.local}",
            "stage kind": st.kind.label,
            "label": st.label,
            "layers": "; ".join(t.label for t in st.layers),
            "level": st.level.label if st.level else "",
            "phase": st.phase.label if st.phase else "",
            "owner": st.owner.label if st.owner else "",
        }
        if i == 0:
            row["use case label"] = skel.name
        writer.writerow([row.get(column, "") for column in HEADER])
    return buf.getvalue()


def render(skel: Skeleton, form: str) -> str:
    if form == "yaml":
        return to_yaml(skel)
    if form == "ttl":
        return to_turtle(skel)
    if form == "csv":
        return to_csv(skel)
    raise UsageError(f"unknown skeleton format {form!r}; use one of: {', '.join(FORMATS)}")


__all__ = ["FORMATS", "Skeleton", "StageDraft", "build", "render", "resolve_kinds", "slugify"]
