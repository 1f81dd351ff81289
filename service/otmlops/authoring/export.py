"""Write a Turtle mapping in the YAML or tabular form (``otmlops export yaml|csv``).

The use cases, their stages and (YAML only) the hosts are written in the form; every triple the
form cannot hold (plant equipment, artefacts, a second label, a blank node...) is kept aside as
the *rest*, so that compiling the output and adding the rest gives back the input graph. The
caller decides whether a non-empty rest is an error or goes to a Turtle file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from otmlops.authoring.model import HOST_FIELDS, STAGE_FIELDS, USE_CASE_FIELDS
from otmlops.authoring.table_form import HEADER
from otmlops.authoring.vocab import STANDARD_PREFIXES, vocabularies
from otmlops.errors import InputError
from otmlops.namespaces import MLOPS


@dataclass
class Extracted:
    """What a form holds of a graph: entries as field -> written values, and the rest."""

    prefixes: dict[str, str]
    language: str | None
    use_cases: list[tuple[str, dict[str, list[str]], list[tuple[str, dict[str, list[str]]]]]]
    hosts: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    rest: Graph = field(default_factory=Graph)


class _Writer:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.vocab = vocabularies()
        own = {
            p: str(ns)
            for p, ns in graph.namespaces()
            if p and p not in STANDARD_PREFIXES and str(ns) not in STANDARD_PREFIXES.values()
        }
        self.prefixes = own
        self.used: set[str] = set()
        langs = {
            o.language
            for p in (RDFS.label, RDFS.comment)
            for o in graph.objects(None, p)
            if isinstance(o, Literal) and o.datatype is None
        }
        # labels are written without their tag, so the file says the one most of them have
        tagged = sorted(lang for lang in langs if lang is not None)
        self.language = "en" if "en" in langs or not langs else None if None in langs else tagged[0]

    def ref(self, iri: URIRef) -> str:
        """A CURIE with the longest matching declared prefix, else the full IRI."""
        best = None
        for prefix, ns in {**self.prefixes, **STANDARD_PREFIXES}.items():
            rest = str(iri)[len(ns) :]
            if (
                str(iri).startswith(ns)
                and rest
                and not any(c.isspace() for c in rest)
                and (best is None or len(ns) > len(best[1]))
            ):
                best = (prefix, ns)
        if best is None:
            return str(iri)
        if best[0] in self.prefixes:
            self.used.add(best[0])
        return f"{best[0]}:{str(iri)[len(best[1]) :]}"

    def value(self, how: str, obj: object) -> str | None:
        """How the form writes ``obj`` in a field read as ``how``; None if it cannot."""
        if how == "text":
            if (
                isinstance(obj, Literal)
                and obj.datatype is None
                and (obj.language or None) == (self.language or None)
            ):
                return str(obj)
            return None
        if not isinstance(obj, URIRef):
            return None
        if how == "iri":
            return self.ref(obj)
        term = self.vocab[how].by_iri(obj)
        return term.name if term else None

    def entry(self, subject: URIRef, specs: dict, consumed: set) -> dict[str, list[str]]:
        fields: dict[str, list[str]] = {}
        by_predicate: dict[Node, list[tuple[str, str]]] = {}
        for name, (predicate, how) in specs.items():
            by_predicate.setdefault(predicate, []).append((name, how))
        for predicate, obj in sorted(self.graph.predicate_objects(subject)):
            for name, how in by_predicate.get(predicate, []):
                written = self.value(how, obj)
                if written is None:
                    continue
                if how == "text" and fields.get(name):
                    continue  # one label and one comment per entry
                fields.setdefault(name, []).append(written)
                consumed.add((subject, predicate, obj))
                break
        for name, (_, how) in specs.items():  # terms in the ontology's order (layers bottom up)
            if name in fields and how in self.vocab:
                order = [t.name for t in self.vocab[how].terms]
                fields[name].sort(key=order.index)
        return fields


def _order(stage_kind: str | None) -> int:
    if stage_kind is None:
        return 99
    term = vocabularies()["kind"].lookup(stage_kind)
    return [t.iri for t in vocabularies()["kind"].terms].index(term.iri) if term else 99


def extract(graph: Graph, *, hosts: bool = True) -> Extracted:
    """Split ``graph`` into what the forms hold and the rest."""
    w = _Writer(graph)
    kinds = {t.iri for t in w.vocab["kind"].terms}
    host_kinds = {t.iri for t in w.vocab["host_kind"].terms}
    consumed: set = set()
    use_cases = []
    stage_owner: dict[URIRef, URIRef] = {}
    for uc in sorted(s for s in graph.subjects(RDF.type, MLOPS.UseCase) if isinstance(s, URIRef)):
        consumed.add((uc, RDF.type, MLOPS.UseCase))
        uc_fields = w.entry(uc, USE_CASE_FIELDS, consumed)
        stages = []
        for st in sorted(graph.objects(uc, MLOPS.hasStage), key=str):
            if (
                not isinstance(st, URIRef)
                or st in stage_owner
                or not any(k in kinds for k in graph.objects(st, RDF.type))
            ):
                continue
            stage_owner[st] = uc
            consumed.add((uc, MLOPS.hasStage, st))
            stages.append((w.ref(st), w.entry(st, STAGE_FIELDS, consumed)))
        stages.sort(key=lambda s: (_order(next(iter(s[1].get("kind") or []), None)), s[0]))
        use_cases.append((w.ref(uc), uc_fields, stages))
    host_entries = []
    if hosts:
        for h in sorted(
            {
                s
                for k in host_kinds
                for s in graph.subjects(RDF.type, k)
                if isinstance(s, URIRef) and s not in stage_owner
            }
        ):
            host_entries.append((w.ref(h), w.entry(h, HOST_FIELDS, consumed)))
    rest = Graph()
    for triple in graph:
        if triple not in consumed:
            rest.add(triple)
    for prefix, ns in graph.namespaces():
        rest.bind(prefix, ns)
    prefixes = {p: ns for p, ns in sorted(w.prefixes.items()) if p in w.used}
    return Extracted(prefixes, w.language, use_cases, host_entries, rest)


def _plain(values: list[str]) -> object:
    return values[0] if len(values) == 1 else values


def to_yaml(graph: Graph) -> tuple[str, Graph]:
    """The YAML form of the one use case in ``graph``, and the triples it cannot hold."""
    import yaml

    ex = extract(graph)
    if len(ex.use_cases) != 1:
        raise InputError(
            f"the YAML form holds one use case per file, and this mapping has "
            f"{len(ex.use_cases)}; use `otmlops export csv`, or split the mapping"
        )
    uc, uc_fields, stages = ex.use_cases[0]
    doc: dict[str, object] = {}
    if ex.prefixes:
        doc["prefixes"] = ex.prefixes
    if ex.language != "en":
        doc["language"] = ex.language or ""
    doc["use_case"] = uc
    for name in USE_CASE_FIELDS:
        if name in uc_fields:
            doc[name] = _plain(uc_fields[name])
    doc["stages"] = {
        sid: {
            k: _plain(v)
            for k, v in sorted(fields.items(), key=lambda kv: list(STAGE_FIELDS).index(kv[0]))
        }
        for sid, fields in stages
    }
    if ex.hosts:
        doc["hosts"] = [
            {
                "id": hid,
                **{
                    k: _plain(v)
                    for k, v in sorted(
                        fields.items(), key=lambda kv: list(HOST_FIELDS).index(kv[0])
                    )
                },
            }
            for hid, fields in ex.hosts
        ]
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    return "# otmlops mapping, YAML form (docs/authoring.md)\n" + text, ex.rest


def to_csv(graph: Graph) -> tuple[str, Graph]:
    """The tabular form (CSV) of the use cases in ``graph``, and the triples it cannot hold."""
    ex = extract(graph, hosts=False)
    out = io.StringIO()
    out.write("# otmlops mapping, tabular form (docs/authoring.md)\n")
    for prefix, ns in ex.prefixes.items():
        out.write(f"# prefix {prefix}: {ns}\n")
    if ex.language != "en":
        out.write(f"# language {ex.language or ''}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for uc, uc_fields, stages in ex.use_cases:
        if not stages:
            raise InputError(
                f"use case {uc} has no stages; the tabular form has one row per "
                "stage, so it cannot hold it: use `otmlops export yaml`"
            )
        for i, (sid, fields) in enumerate(stages):
            row = {"use case": uc, "stage": sid}
            if i == 0:
                for name in USE_CASE_FIELDS:
                    if name in uc_fields:
                        row[f"use case {name.replace('_', ' ')}"] = "; ".join(uc_fields[name])
            for name, values in fields.items():
                column = "stage kind" if name == "kind" else name.replace("_", " ")
                row[column] = "; ".join(values)
            writer.writerow([row.get(column, "") for column in HEADER])
    return out.getvalue(), ex.rest
