"""The common shape of the YAML and tabular forms, and its compilation to RDF.

Each form's reader turns its file into a :class:`Document` (use cases with their stages, and
hosts), every written value keeping where it was written; :func:`to_graph` then makes the same
triples a hand-written Turtle mapping would have. Errors name the place of the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from otmlops.authoring.vocab import STANDARD_PREFIXES, Vocabulary, vocabularies
from otmlops.errors import InputError
from otmlops.namespaces import MAP, MLOPS


@dataclass(frozen=True)
class Loc:
    """Where a value was written: line and column (YAML, CSV) or row and column (XLSX), and a
    short text for the message (``sheet 'stages', cell F4 (level)``)."""

    line: int | None = None
    column: int | None = None
    where: str = ""


@dataclass(frozen=True)
class Val:
    text: str
    loc: Loc


@dataclass
class Entry:
    """A use case, a stage or a host as written: its id and its fields (each a list of values)."""

    what: str
    id: Val
    fields: dict[str, list[Val]] = field(default_factory=dict)


@dataclass
class Document:
    name: str
    prefixes: dict[str, str] = field(default_factory=dict)
    base: str | None = None
    language: str | None = "en"
    use_cases: list[tuple[Entry, list[Entry]]] = field(default_factory=list)
    hosts: list[Entry] = field(default_factory=list)


class FormError(InputError):
    """Bad input in a mapping form, with its place."""

    def __init__(self, message: str, loc: Loc, *, source: str | None = None) -> None:
        text = f"{loc.where}: {message}" if loc.where else message
        super().__init__(text, source=source, line=loc.line, column=loc.column)


#: field -> (predicate, how its values are read: a vocabulary name, "iri" or "text")
USE_CASE_FIELDS: dict[str, tuple[URIRef, str]] = {
    "label": (RDFS.label, "text"),
    "comment": (RDFS.comment, "text"),
    "deployed_on": (MAP.deployedOn, "iri"),
    "roles": (MLOPS.involvesRole, "roles"),
    "components": (MLOPS.usesComponent, "iri"),
}
STAGE_FIELDS: dict[str, tuple[URIRef, str]] = {
    "kind": (RDF.type, "kind"),
    "label": (RDFS.label, "text"),
    "comment": (RDFS.comment, "text"),
    "layers": (MAP.layer, "layers"),
    "level": (MAP.hierarchyLevel, "level"),
    "phase": (MAP.lifeCyclePhase, "phase"),
    "owner": (MAP.ownedBy, "owner"),
    "deployed_on": (MAP.deployedOn, "iri"),
    "data_from": (MAP.usesDataFrom, "iri"),
    "roles": (MLOPS.involvesRole, "roles"),
    "components": (MLOPS.usesComponent, "iri"),
}
HOST_FIELDS: dict[str, tuple[URIRef, str]] = {
    "kind": (RDF.type, "host_kind"),
    "label": (RDFS.label, "text"),
    "comment": (RDFS.comment, "text"),
    "located_at": (MAP.locatedAt, "iri"),
    "level": (MAP.hierarchyLevel, "level"),
    "layers": (MAP.layer, "layers"),
}
FIELDS = {"use case": USE_CASE_FIELDS, "stage": STAGE_FIELDS, "host": HOST_FIELDS}
#: fields that take one value (the others take one or more)
SINGLE = {"kind", "label", "comment", "level", "phase"}
REQUIRED = {"stage": ("kind",), "host": ("kind",), "use case": ()}

_PREFIX_NAME = re.compile(r"^[A-Za-z][\w.-]*$|^$")


def normal_key(key: str) -> str:
    """``Deployed on``, ``deployed-on`` and ``deployed_on`` are the same field."""
    return re.sub(r"[\s-]+", "_", key.strip().lower())


class Resolver:
    """Turns written references into IRIs: CURIEs, full IRIs, names relative to ``base``."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.prefixes = {**STANDARD_PREFIXES, **doc.prefixes}
        self.vocab: dict[str, Vocabulary] = vocabularies()

    def error(self, message: str, loc: Loc) -> FormError:
        return FormError(message, loc, source=self.doc.name)

    def iri(self, val: Val) -> URIRef:
        text = val.text.strip()
        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1]
        if not text:
            raise self.error(
                "empty reference; write an IRI, a CURIE such as ex:Line3, or leave the field out",
                val.loc,
            )
        if re.search(r"\s", text):
            raise self.error(
                f"{text!r} is not an IRI (it contains a space); use a CURIE such "
                "as ex:Line3 or a full IRI",
                val.loc,
            )
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text) or text.startswith("urn:"):
            return URIRef(text)
        if ":" in text:
            prefix, local = text.split(":", 1)
            if prefix in self.prefixes:
                return URIRef(self.prefixes[prefix] + local)
            raise self.error(
                f"unknown prefix {prefix!r} in {text!r}; declare it under "
                "'prefixes' (YAML) or in a '# prefix' line / 'prefixes' sheet "
                "(tables), or write the full IRI",
                val.loc,
            )
        if self.doc.base:
            return URIRef(self.doc.base + text)
        raise self.error(
            f"{text!r} has no prefix; write a CURIE such as ex:{text} (with ex "
            "declared under 'prefixes'), a full IRI, or declare a 'base'",
            val.loc,
        )

    def term(self, vocab_name: str, val: Val) -> URIRef:
        vocab = self.vocab[vocab_name]
        term = vocab.lookup(val.text)
        if term is None:
            names = ", ".join(t.name for t in vocab.terms)
            raise self.error(
                f"unknown {vocab.what} {val.text.strip()!r}; use one of: {names} (or their labels)",
                val.loc,
            )
        return term.iri


def to_graph(doc: Document) -> tuple[Graph, dict[str, int]]:
    """The RDF of a document, and the line (or row) where each use case, stage and host is."""
    r = Resolver(doc)
    g = Graph()
    for prefix, ns in doc.prefixes.items():
        g.bind(prefix, ns)
    positions: dict[str, int] = {}
    seen: dict[URIRef, Loc] = {}

    def subject(entry: Entry) -> URIRef:
        iri = r.iri(entry.id)
        if iri in seen:
            first = seen[iri]
            at = f" (first at line {first.line})" if first.line else ""
            raise r.error(
                f"{entry.what} {entry.id.text!r} is described twice{at}; give each "
                f"{entry.what} its own id",
                entry.id.loc,
            )
        seen[iri] = entry.id.loc
        if entry.id.loc.line is not None:
            positions[str(iri)] = entry.id.loc.line
        return iri

    def fill(iri: URIRef, entry: Entry) -> None:
        specs = FIELDS[entry.what]
        for name in REQUIRED[entry.what]:
            if not entry.fields.get(name):
                raise r.error(
                    f"{entry.what} {entry.id.text!r} has no {name}; every {entry.what} needs one",
                    entry.id.loc,
                )
        for name, values in entry.fields.items():
            predicate, how = specs[name]
            if name in SINGLE and len(values) > 1 and how == "text":
                raise r.error(f"{name} takes one value, not {len(values)}", values[1].loc)
            for val in values:
                if how == "text":
                    g.add((iri, predicate, Literal(val.text, lang=doc.language or None)))
                elif how == "iri":
                    g.add((iri, predicate, r.iri(val)))
                else:
                    g.add((iri, predicate, r.term(how, val)))

    for use_case, stages in doc.use_cases:
        uc = subject(use_case)
        g.add((uc, RDF.type, MLOPS.UseCase))
        fill(uc, use_case)
        for stage in stages:
            st = subject(stage)
            g.add((uc, MLOPS.hasStage, st))
            fill(st, stage)
    for host in doc.hosts:
        fill(subject(host), host)
    return g, positions


def check_prefixes(doc: Document, prefixes: dict[str, Val]) -> None:
    """Prefix names and namespaces are well formed; the standard ones are not redefined."""
    for name, val in prefixes.items():
        ns = val.text.strip().strip("<>")
        if not _PREFIX_NAME.match(name):
            raise FormError(
                f"{name!r} is not a prefix name (letters, digits, '_', '-', '.')",
                val.loc,
                source=doc.name,
            )
        if name in STANDARD_PREFIXES and ns != STANDARD_PREFIXES[name]:
            raise FormError(
                f"prefix {name!r} is reserved for {STANDARD_PREFIXES[name]}; choose another name",
                val.loc,
                source=doc.name,
            )
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S*$", ns):
            raise FormError(
                f"namespace of prefix {name!r} is not an IRI: {ns!r}", val.loc, source=doc.name
            )
        doc.prefixes[name] = ns
