"""Two versions of a mapping compared (``otmlops diff OLD NEW``): per use case and stage (matched
by IRI), what moved on each RAMI 4.0 axis (layer, hierarchy level, life cycle phase), owner,
deployment and data-source changes, stages added or removed, and the validation findings that
appear or disappear. Output as text, JSON, or Markdown for a merge-request comment.

Each side is a list of triples (read by the caller from a file in any form ``validate`` reads, or
from a graph of the store), so the comparison itself knows nothing about files.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from otmlops.namespaces import MAP, MLOPS, PREFIXES

if TYPE_CHECKING:  # (rdflib, which a report needs, stays out of a diff without findings)
    from otmlops.validation.report import ValidationResult

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

#: compared stage fields: name -> (predicate, title, vocabulary used to name values)
STAGE_FIELDS: dict[str, tuple[str, str, str | None]] = {
    "kind": (_RDF_TYPE, "stage kind", "kind"),
    "layer": (str(MAP.layer), "RAMI 4.0 layer", "layers"),
    "hierarchyLevel": (str(MAP.hierarchyLevel), "RAMI 4.0 hierarchy level", "level"),
    "lifeCyclePhase": (str(MAP.lifeCyclePhase), "RAMI 4.0 life cycle phase", "phase"),
    "ownedBy": (str(MAP.ownedBy), "ISA-95 owner", "owner"),
    "deployedOn": (str(MAP.deployedOn), "deployed on", None),
    "usesDataFrom": (str(MAP.usesDataFrom), "uses data from", None),
    "label": (_RDFS_LABEL, "label", None),
}
USE_CASE_FIELDS: dict[str, tuple[str, str, str | None]] = {
    "deployedOn": (str(MAP.deployedOn), "deployed on", None),
    "label": (_RDFS_LABEL, "label", None),
}
#: the three RAMI 4.0 axes, for summaries
AXES = ("layer", "hierarchyLevel", "lifeCyclePhase")


@dataclass
class Change:
    field: str
    title: str
    old: list[str]
    new: list[str]

    def to_dict(self) -> dict[str, object]:
        return {
            "field": self.field,
            "title": self.title,
            "old": self.old,
            "new": self.new,
            "removed": [v for v in self.old if v not in self.new],
            "added": [v for v in self.new if v not in self.old],
        }


@dataclass
class StageDiff:
    iri: str
    status: str  # added, removed, changed
    kind: str | None
    changes: list[Change] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "stage": self.iri,
            "status": self.status,
            "kind": self.kind,
            "changes": [c.to_dict() for c in self.changes],
        }


@dataclass
class Finding:
    focus: str
    severity: str
    path: str | None
    shape: str
    message: str
    use_case: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "focusNode": self.focus,
            "severity": self.severity,
            "path": self.path,
            "sourceShape": self.shape,
            "message": self.message,
            "useCase": self.use_case,
        }


@dataclass
class UseCaseDiff:
    iri: str
    status: str  # added, removed, changed
    label: str | None
    changes: list[Change] = field(default_factory=list)
    stages: list[StageDiff] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "useCase": self.iri,
            "status": self.status,
            "label": self.label,
            "changes": [c.to_dict() for c in self.changes],
            "stages": [s.to_dict() for s in self.stages],
        }


@dataclass
class MappingDiff:
    old: str
    new: str
    use_cases: list[UseCaseDiff]
    appeared: list[Finding] = field(default_factory=list)
    disappeared: list[Finding] = field(default_factory=list)
    findings_compared: bool = True

    @property
    def has_differences(self) -> bool:
        return bool(self.use_cases or self.appeared or self.disappeared)

    def to_dict(self) -> dict[str, object]:
        return {
            "old": self.old,
            "new": self.new,
            "differences": self.has_differences,
            "useCases": [u.to_dict() for u in self.use_cases],
            "findings": {
                "compared": self.findings_compared,
                "appeared": [f.to_dict() for f in self.appeared],
                "disappeared": [f.to_dict() for f in self.disappeared],
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_text(self) -> str:
        return _Writer(self).text()

    def to_markdown(self) -> str:
        return _Writer(self).markdown()


# -- reading a side ----------------------------------------------------------------------------


class _Side:
    """Use cases and stages of one version: subject -> predicate -> values (as text)."""

    def __init__(self, triples: Sequence[ox.Triple]) -> None:
        self.facts: dict[str, dict[str, list[str]]] = {}
        for t in triples:
            if not isinstance(t.subject, ox.NamedNode):
                continue
            obj = t.object
            if isinstance(obj, (ox.NamedNode, ox.Literal)):
                value = obj.value
            elif isinstance(obj, ox.BlankNode):
                value = f"_:{obj.value}"
            else:  # an RDF 1.2 triple term, compared as written
                value = str(obj)
            values = self.facts.setdefault(t.subject.value, {}).setdefault(t.predicate.value, [])
            if value not in values:
                values.append(value)
        self.use_cases = sorted(
            s for s, f in self.facts.items() if str(MLOPS.UseCase) in f.get(_RDF_TYPE, [])
        )

    def values(self, subject: str, predicate: str) -> list[str]:
        return self.facts.get(subject, {}).get(predicate, [])

    def stages(self, use_case: str) -> list[str]:
        return self.values(use_case, str(MLOPS.hasStage))


def _compare(
    old: _Side,
    new: _Side,
    subject: str,
    specs: dict[str, tuple[str, str, str | None]],
    namer: _Namer,
) -> list[Change]:
    changes = []
    for name, (predicate, title, vocab) in specs.items():
        a = sorted(old.values(subject, predicate))
        b = sorted(new.values(subject, predicate))
        if name == "kind":
            a, b = namer.kinds(a), namer.kinds(b)
        if a != b:
            changes.append(
                Change(
                    name,
                    title,
                    [namer.name(v, vocab) for v in a],
                    [namer.name(v, vocab) for v in b],
                )
            )
    return changes


def compare(
    old_triples: Sequence[ox.Triple],
    new_triples: Sequence[ox.Triple],
    *,
    old_name: str = "old",
    new_name: str = "new",
    old_findings: Sequence[ValidationResult] | None = None,
    new_findings: Sequence[ValidationResult] | None = None,
) -> MappingDiff:
    """The differences between two versions; findings are ValidationResult lists (or None to
    leave them out)."""
    old, new = _Side(old_triples), _Side(new_triples)
    namer = _Namer()
    diffs: list[UseCaseDiff] = []
    for uc in sorted(set(old.use_cases) | set(new.use_cases)):
        labels = new.values(uc, _RDFS_LABEL) or old.values(uc, _RDFS_LABEL)
        label = labels[0] if labels else None
        if uc not in old.use_cases or uc not in new.use_cases:
            side, status = (new, "added") if uc not in old.use_cases else (old, "removed")
            stages = [StageDiff(st, status, _kind(side, st, namer)) for st in side.stages(uc)]
            diffs.append(UseCaseDiff(uc, status, label, [], sorted(stages, key=_stage_order)))
            continue
        d = UseCaseDiff(uc, "changed", label, _compare(old, new, uc, USE_CASE_FIELDS, namer))
        before, after = set(old.stages(uc)), set(new.stages(uc))
        for st in sorted(before | after):
            if st not in before:
                d.stages.append(StageDiff(st, "added", _kind(new, st, namer)))
            elif st not in after:
                d.stages.append(StageDiff(st, "removed", _kind(old, st, namer)))
            else:
                changes = _compare(old, new, st, STAGE_FIELDS, namer)
                if changes:
                    d.stages.append(StageDiff(st, "changed", _kind(new, st, namer), changes))
        d.stages.sort(key=_stage_order)
        if d.changes or d.stages:
            diffs.append(d)
    result = MappingDiff(old_name, new_name, diffs, findings_compared=old_findings is not None)
    if old_findings is not None and new_findings is not None:
        owner = {st: uc for side in (old, new) for uc in side.use_cases for st in side.stages(uc)}
        owner.update({uc: uc for side in (old, new) for uc in side.use_cases})
        a = {r.key: r for r in old_findings}
        b = {r.key: r for r in new_findings}
        result.appeared = [_finding(b[k], owner) for k in sorted(set(b) - set(a), key=str)]
        result.disappeared = [_finding(a[k], owner) for k in sorted(set(a) - set(b), key=str)]
    return result


def _stage_order(s: StageDiff) -> tuple[int, str]:
    return ({"removed": 0, "changed": 1, "added": 2}[s.status], s.iri)


def _kind(side: _Side, stage: str, namer: _Namer) -> str | None:
    kinds = namer.kinds(side.values(stage, _RDF_TYPE))
    return namer.name(kinds[0], "kind") if kinds else None


def _finding(r: ValidationResult, owner: dict[str, str]) -> Finding:
    focus = str(r.focus)
    return Finding(
        focus, r.severity_name, r.path, str(r.source_shape), r.message or "", owner.get(focus)
    )


class _Namer:
    """Names values for people: ontology terms by label, other IRIs as CURIEs."""

    def __init__(self) -> None:
        from otmlops.authoring.vocab import vocabularies

        self.vocab = vocabularies()
        self.stage_kinds = {str(t.iri) for t in self.vocab["kind"].terms}

    def kinds(self, values: list[str]) -> list[str]:
        return sorted(v for v in values if v in self.stage_kinds)

    def name(self, value: str, vocab: str | None) -> str:
        if vocab is not None:
            from rdflib import URIRef

            term = self.vocab[vocab].by_iri(URIRef(value))
            if term is not None:
                return term.label
        return short(value)


def short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(str(ns)) and len(iri) > len(str(ns)):
            return f"{prefix}:{iri[len(str(ns)) :]}"
    return iri


def _local(iri: str, siblings: Sequence[str]) -> str:
    """A stage's local name (after '#' or the last '/') when no sibling shares it."""

    def tail(text: str) -> str:
        return text.rsplit("#", 1)[-1] if "#" in text else text.rstrip("/").rsplit("/", 1)[-1]

    name = tail(iri)
    if name and sum(1 for s in siblings if tail(s) == name) == 1:
        return name
    return short(iri)


# -- output ------------------------------------------------------------------------------------


def _values(values: list[str]) -> str:
    return ", ".join(values) if values else "(none)"


def _path(path: str | None) -> str:
    if not path:
        return ""
    return " " + path.strip("<>").rsplit("#", 1)[-1] if path.startswith("<") else " " + path


class _Writer:
    def __init__(self, diff: MappingDiff) -> None:
        self.d = diff

    def text(self) -> str:
        d = self.d
        if not d.has_differences:
            return f"No differences between {d.old} and {d.new}.\n"
        out = [f"Differences from {d.old} to {d.new}:"]
        for uc in d.use_cases:
            label = f" ({uc.label})" if uc.label else ""
            out.append(f"\nuse case <{uc.iri}>{label}: {uc.status}")
            for c in uc.changes:
                out.append(f"  {c.title}: {_values(c.old)} -> {_values(c.new)}")
            siblings = [s.iri for s in uc.stages]
            for st in uc.stages:
                kind = f" ({st.kind})" if st.kind else ""
                mark = {"added": "+", "removed": "-", "changed": "~"}[st.status]
                out.append(f"  {mark} stage {_local(st.iri, siblings)}{kind}: {st.status}")
                for c in st.changes:
                    out.append(f"      {c.title}: {_values(c.old)} -> {_values(c.new)}")
        if d.appeared or d.disappeared:
            out.append("\nfindings:")
            for mark, findings in (("+", d.appeared), ("-", d.disappeared)):
                for f in findings:
                    out.append(
                        f"  {mark} {f.severity.upper()} {short(f.focus)}{_path(f.path)}: "
                        f"{f.message}"
                    )
        counts = self._counts()
        out.append(f"\n{counts}.")
        return "\n".join(out) + "\n"

    def _counts(self) -> str:
        d = self.d
        stages = [s for u in d.use_cases for s in u.stages]
        by = {k: sum(1 for s in stages if s.status == k) for k in ("added", "removed", "changed")}
        moved = sum(1 for s in stages for c in s.changes if c.field in AXES)
        findings = (
            f"findings: {len(d.appeared)} new, {len(d.disappeared)} gone"
            if d.findings_compared
            else "findings not compared"
        )
        return (
            f"{len(d.use_cases)} use case(s) differ; stages: {by['added']} added, "
            f"{by['removed']} removed, {by['changed']} changed ({moved} RAMI 4.0 axis "
            f"change(s)); {findings}"
        )

    def markdown(self) -> str:
        d = self.d
        out = [f"### Mapping changes: `{d.old}` → `{d.new}`", ""]
        if not d.has_differences:
            return "\n".join(out + ["No differences.", ""])
        for uc in d.use_cases:
            label = f" — {_md(uc.label)}" if uc.label else ""
            out += [f"#### Use case `<{uc.iri}>`{label} ({uc.status})", ""]
            rows = [("", c.title, c.old, c.new) for c in uc.changes]
            siblings = [s.iri for s in uc.stages]
            for st in uc.stages:
                name = f"`{_local(st.iri, siblings)}`" + (f" ({_md(st.kind)})" if st.kind else "")
                if st.status != "changed":
                    rows.append((name, f"stage {st.status}", [], []))
                rows += [(name, c.title, c.old, c.new) for c in st.changes]
            if rows:
                out += ["| Stage | What | Old | New |", "|---|---|---|---|"]
                out += [
                    f"| {s} | {_md(w)} | {_md(', '.join(o))} | {_md(', '.join(n))} |"
                    for s, w, o, n in rows
                ]
                out.append("")
        if d.appeared or d.disappeared:
            out += ["#### Validation findings", ""]
            out += [
                f"- **new** {f.severity}: `{short(f.focus)}`{_path(f.path)} — {_md(f.message)}"
                for f in d.appeared
            ]
            out += [
                f"- **resolved** {f.severity}: `{short(f.focus)}`{_path(f.path)} — {_md(f.message)}"
                for f in d.disappeared
            ]
            out.append("")
        out += [self._counts() + ".", ""]
        return "\n".join(out)


def _md(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")
