"""Apply suggested fixes to a mapping file in its own format, keeping what the user wrote.

Turtle is edited as text: a replaced term is rewritten where it stands, an added triple is
inserted as a ``predicate object`` line at the end of its subject's block, so prefixes, comments
and layout survive. The YAML form is edited at the line and column the reader recorded for each
value (a missing field becomes a line of its own under the stage's ``id``); the CSV form is
rewritten cell by cell. A change that cannot be made safely this way is reported, not guessed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from rdflib import RDF, URIRef
from rdflib.term import Node

from otmlops.validation.fixes import Suggestion, Triple

if TYPE_CHECKING:
    import pyoxigraph as ox

    from otmlops.authoring.model import Document, Entry
    from otmlops.validation.api import SourceLike
    from otmlops.validation.sources import Source
from otmlops.validation.locator import _TOKEN


@dataclass(frozen=True)
class Edit:
    """One change to a subject: ``old`` replaced by ``new`` (either may be None: add, remove).
    ``rename`` edits replace the predicate of (subject, old, obj) by ``new``."""

    subject: Node
    predicate: Node
    old: Node | None
    new: Node | None
    rename_of: Node | None = None


class Unsafe(Exception):
    """A fix that cannot be applied to this file without guessing."""


def edits_from(suggestions: Iterable[Suggestion]) -> list[Edit]:
    """The unambiguous suggestions as edits, each change once."""
    out: list[Edit] = []
    seen: set[tuple] = set()
    for s in suggestions:
        if not s.unambiguous:
            continue
        key = (tuple(s.remove), tuple(s.add))
        if key in seen:
            continue
        seen.add(key)
        removes, adds = list(s.remove), list(s.add)
        for r in list(removes):
            same_sp = next((a for a in adds if a[0] == r[0] and a[1] == r[1]), None)
            if same_sp is not None:
                out.append(Edit(r[0], r[1], r[2], same_sp[2]))
                removes.remove(r)
                adds.remove(same_sp)
                continue
            same_so = next((a for a in adds if a[0] == r[0] and a[2] == r[2]), None)
            if same_so is not None:
                out.append(Edit(r[0], same_so[1], r[2], r[2], rename_of=r[1]))
                removes.remove(r)
                adds.remove(same_so)
        out.extend(Edit(r[0], r[1], r[2], None) for r in removes)
        out.extend(Edit(a[0], a[1], None, a[2]) for a in adds)
    return out


# -- Turtle ---------------------------------------------------------------------------------


@dataclass
class _Stmt:
    subject: str | None
    start: int  # offset of the subject token
    end: int  # offset of the closing "."
    terms: list[tuple[str, str, int, int, int, int]]  # (pred, obj, pstart, pend, ostart, oend)


def _statements(text: str, base_iri: str | None) -> tuple[list[_Stmt], dict[str, str]]:
    """Top-level statements with the position of each predicate and object term."""
    prefixes: dict[str, str] = {}
    base = base_iri or ""
    out: list[_Stmt] = []
    cur: _Stmt | None = None
    role = "subject"
    pred: tuple[str, int, int] | None = None
    depth = 0
    obj_start = 0
    directive: list[str] | None = None

    def resolve(kind: str, tok: str) -> str | None:
        if kind == "iri":
            return urljoin(base, tok[1:-1]) if base else tok[1:-1]
        if kind == "pname":
            prefix, _, local = tok.partition(":")
            if prefix in prefixes:
                return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        if kind == "other" and tok == "a":
            return str(RDF.type)
        return None

    for m in _TOKEN.finditer(text):
        kind, tok = m.lastgroup or "", m.group(0)
        if kind in ("ws", "comment"):
            continue
        if directive is not None:
            directive.append(tok)
            if kind == "iri" and len(directive) >= 2:
                value = tok[1:-1]
                value = urljoin(base, value) if base else value
                if directive[0].endswith("prefix") and len(directive) >= 3:
                    prefixes[directive[1].rstrip(":")] = value
                elif directive[0].endswith("base"):
                    base = value
                if not directive[0].startswith("@"):
                    directive = None
            elif kind == "punct" and tok == ".":
                directive = None
            continue
        if kind == "directive":
            directive = [tok.lower()]
            continue
        if depth > 0:
            if kind == "punct" and tok in "[(":
                depth += 1
            elif kind == "punct" and tok in "])":
                depth -= 1
                if depth == 0 and cur is not None and role == "object" and pred:
                    cur.terms.append((pred[0], "", pred[1], pred[2], obj_start, m.end()))
                    role = "after"
            continue
        if kind == "punct" and tok in "[(":
            if role == "subject":
                cur = _Stmt(None, m.start(), -1, [])
                role = "predicate"
            else:
                obj_start = m.start()
            depth = 1
            continue
        if kind == "punct" and tok == ".":
            if cur is not None:
                cur.end = m.start()
                out.append(cur)
            cur, role, pred = None, "subject", None
            continue
        if kind == "punct" and tok == ";":
            role = "predicate"
            continue
        if kind == "punct" and tok == ",":
            role = "object"
            continue
        if kind == "punct" and tok == "^^":
            continue
        term = resolve(kind, tok)
        if role == "subject":
            cur = _Stmt(term, m.start(), -1, [])
            role = "predicate"
        elif role == "predicate":
            pred = (term or "", m.start(), m.end())
            role = "object"
        elif role == "object" and cur is not None and pred is not None:
            cur.terms.append((pred[0], term or tok, pred[1], pred[2], m.start(), m.end()))
            role = "after"
        elif (
            role == "after" and cur is not None and cur.terms and kind in ("other", "pname", "iri")
        ):
            # a language tag or datatype after a literal: widen the object
            p, o, ps, pe, os_, _ = cur.terms[-1]
            cur.terms[-1] = (p, o, ps, pe, os_, m.end())
    return out, prefixes


def _write_term(node: Node, prefixes: dict[str, str], *, predicate: bool = False) -> str:
    if predicate and node == RDF.type:
        return "a"
    if isinstance(node, URIRef):
        text = str(node)
        best = max(
            (p for p, ns in prefixes.items() if text.startswith(ns)),
            key=lambda p: len(prefixes[p]),
            default=None,
        )
        if best is not None:
            local = text[len(prefixes[best]) :]
            if re.fullmatch(r"[A-Za-z_][\w-]*(?:[\w.-]*[\w-])?", local) or local == "":
                return f"{best}:{local}"
        return f"<{text}>"
    return node.n3()


def apply_turtle(
    text: str,
    edits: Sequence[Edit],
    base_iri: str | None = None,
    failures: list[tuple[Edit, str]] | None = None,
) -> str:
    """Edit the Turtle text; Unsafe when a change has no single place to go (or, with
    ``failures``, that edit is listed there with the reason and the others are made)."""
    stmts, prefixes = _statements(text, base_iri)
    changes: list[tuple[int, int, str]] = []  # (start, end, replacement)
    inserts: dict[int, list[str]] = {}
    by_subject: dict[str | None, list[_Stmt]] = {}
    for st in stmts:
        by_subject.setdefault(st.subject, []).append(st)
    for e in edits:
        try:
            _place(e, by_subject, prefixes, changes, inserts)
        except Unsafe as exc:
            if failures is None:
                raise
            failures.append((e, str(exc)))
    for end, lines in inserts.items():
        before = text[:end]
        stripped = before.rstrip()
        indent = _indent(text, stripped)
        new = "".join(f" ;\n{indent}{line}" for line in lines) + " "
        changes.append((len(stripped), end, new))
    parts: list[str] = []
    last = len(text)
    for start, end, new in sorted(changes, reverse=True):
        parts.append(text[end:last])
        parts.append(new)
        last = start
    parts.append(text[:last])
    return "".join(reversed(parts))


def _place(
    e: Edit,
    by_subject: dict[str | None, list[_Stmt]],
    prefixes: dict[str, str],
    changes: list[tuple[int, int, str]],
    inserts: dict[int, list[str]],
) -> None:
    """Where one edit goes in the Turtle text (Unsafe when there is no single place)."""
    subject = str(e.subject)
    blocks = by_subject.get(subject, [])
    if e.rename_of is not None:
        spots = [
            (ps, pe) for s in blocks for p, o, ps, pe, _, _ in s.terms if p == str(e.rename_of)
        ]
        if not spots:
            raise Unsafe(f"{e.rename_of} of {subject} is not written in this file")
        for ps, pe in sorted(set(spots)):
            changes.append((ps, pe, _write_term(e.predicate, prefixes, predicate=True)))
        return
    if e.old is not None:
        spots = [
            (os_, oe)
            for s in blocks
            for p, o, _, _, os_, oe in s.terms
            if p == str(e.predicate) and o == str(e.old)
        ]
        if len(spots) != 1:
            raise Unsafe(f"cannot find {e.old} as the {e.predicate} of {subject} in this file")
        if e.new is None:
            raise Unsafe("removing a triple from Turtle is left to you")
        changes.append((*spots[0], _write_term(e.new, prefixes)))
        return
    if not blocks:
        raise Unsafe(f"{subject} has no block of its own in this file")
    if e.new is None:
        raise Unsafe("an edit with neither an old nor a new value changes nothing")
    block = blocks[-1]
    line = f"{_write_term(e.predicate, prefixes, predicate=True)} {_write_term(e.new, prefixes)}"
    inserts.setdefault(block.end, []).append(line)


def _indent(text: str, upto: str) -> str:
    """The indentation of the last line of the block that ends at ``upto``."""
    last = upto.rsplit("\n", 1)[-1]
    m = re.match(r"[ \t]*", last)
    return m.group(0) if m and m.group(0) else "    "


# -- YAML and CSV ---------------------------------------------------------------------------


def _field_of(predicate: Node) -> str | None:
    from otmlops.authoring.model import STAGE_FIELDS

    for name, (pred, _) in STAGE_FIELDS.items():
        if pred == predicate:
            return name
    return None


def _curie(node: Node) -> str:
    from otmlops.authoring.vocab import STANDARD_PREFIXES

    text = str(node)
    for p, ns in STANDARD_PREFIXES.items():
        if text.startswith(ns):
            return f"{p}:{text[len(ns) :]}"
    return f"<{text}>" if isinstance(node, URIRef) else str(node)


def _stages_by_iri(doc: Document) -> dict[str, Entry]:
    from otmlops.authoring.model import Resolver

    resolver = Resolver(doc)
    out: dict[str, Entry] = {}
    for _, stages in doc.use_cases:
        for st in stages:
            out[str(resolver.iri(st.id))] = st
    return out


def apply_yaml(text: str, edits: Sequence[Edit], name: str) -> str:
    from otmlops.authoring.yaml_form import read_yaml

    doc = read_yaml(text, name)
    stages = _stages_by_iri(doc)
    lines = text.splitlines(keepends=True)
    replaced: list[tuple[int, int, int, str]] = []  # (line, col, length, new)
    added: dict[int, list[str]] = {}
    for e in edits:
        stage = stages.get(str(e.subject))
        fld = _field_of(e.predicate)
        if stage is None or fld is None or e.rename_of is not None or e.new is None:
            raise Unsafe(f"no field of the YAML form holds {e.predicate} of {e.subject}")
        vals = stage.fields.get(fld, [])
        if e.old is not None:
            spot = [v for v in vals if _same(v.text, e.old)]
            at = spot[0].loc if len(spot) == 1 else None
            if at is None or at.line is None or at.column is None:
                raise Unsafe(f"cannot find {e.old} in the {fld} of {e.subject}")
            v = spot[0]
            line = lines[at.line - 1]
            col = at.column - 1
            if not line[col:].startswith(v.text):
                raise Unsafe(
                    f"the {fld} value at line {at.line} is quoted or folded; edit it by hand"
                )
            replaced.append((at.line - 1, col, len(v.text), _curie(e.new)))
        else:
            if vals:
                raise Unsafe(f"{e.subject} already has a {fld}; add {e.new} by hand")
            id_line = stage.id.loc.line
            if id_line is None:
                raise Unsafe(f"the line of {e.subject} is not known; add {e.new} by hand")
            head = lines[id_line - 1]
            m = re.match(r"^(\s*)(-\s+)?", head)
            indent = len(m.group(0)) if m else 0
            if "{" in head:
                raise Unsafe("the stage is written in flow style; add the field by hand")
            if head.rstrip().endswith(":") and not head.lstrip().startswith("-"):
                indent += 2  # a map from id to stage: the fields sit under the id
                first = _first_field_indent(lines, id_line)
                indent = first if first is not None else indent
            added.setdefault(id_line, []).append(" " * indent + f"{fld}: {_curie(e.new)}\n")
    for i, col, length, new in sorted(replaced, reverse=True):
        lines[i] = lines[i][:col] + new + lines[i][col + length :]
    for after in sorted(added, reverse=True):
        if not lines[after - 1].endswith("\n"):
            lines[after - 1] += "\n"
        lines[after:after] = added[after]
    return "".join(lines)


def _first_field_indent(lines: list[str], id_line: int) -> int | None:
    for line in lines[id_line:]:
        if line.strip() and not line.lstrip().startswith("#"):
            return len(line) - len(line.lstrip())
    return None


def _same(written: str, node: Node) -> bool:
    """Whether a value written in a form names the node (its CURIE, IRI, name or label)."""
    from otmlops.authoring.vocab import _key

    text = str(node)
    local = text[max(text.rfind("#"), text.rfind("/")) + 1 :]
    key = _key(written)
    return key in {
        _key(text),
        _key(_curie(node)),
        _key(local),
        re.sub(r"(layer|level)$", "", _key(local)),
    } or re.sub(r"(layer|level)$", "", key) == re.sub(r"(layer|level)$", "", _key(local))


def apply_csv(data: bytes, edits: Sequence[Edit], name: str) -> str:
    from otmlops.authoring.table_form import read_csv

    doc = read_csv(data, name)
    stages = _stages_by_iri(doc)
    text = data.decode("utf-8-sig")
    lines = text.splitlines(keepends=True)
    skip = 0
    for line in lines:
        if not line.strip().startswith("#"):
            break
        skip += 1
    rows = list(csv.reader(io.StringIO("".join(lines[skip:]))))
    header = rows[0]
    from otmlops.authoring.model import normal_key

    def column(fld: str) -> int:
        for i, title in enumerate(header):
            if normal_key(title) == fld:
                return i
        header.append(fld.replace("_", " "))
        for r in rows[1:]:
            r.append("")
        return len(header) - 1

    for e in edits:
        stage = stages.get(str(e.subject))
        fld = _field_of(e.predicate)
        if (
            stage is None
            or fld is None
            or fld == "kind"
            or e.rename_of is not None
            or e.new is None
        ):
            raise Unsafe(f"no column of the CSV form holds {e.predicate} of {e.subject}")
        row_line = stage.id.loc.line
        if row_line is None:
            raise Unsafe(f"the row of {e.subject} is not known; edit it by hand")
        index = _row_index(lines, skip, row_line)
        c = column(fld)
        row = rows[index]
        while len(row) <= c:
            row.append("")
        values = [v for v in re.split(r"\s*[;\n]\s*", row[c]) if v]
        if e.old is not None:
            hit = [i for i, v in enumerate(values) if _same(v, e.old)]
            if len(hit) != 1:
                raise Unsafe(f"cannot find {e.old} in the {fld} of {e.subject}")
            values[hit[0]] = _curie(e.new)
        else:
            values.append(_curie(e.new))
        row[c] = "; ".join(values)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return "".join(lines[:skip]) + out.getvalue()


def _row_index(lines: list[str], skip: int, line: int) -> int:
    """Index (in the csv rows after the comment lines) of the row that starts at ``line``."""
    reader = csv.reader(io.StringIO("".join(lines[skip:])))
    start = 1
    for i, _ in enumerate(reader):
        if skip + start == line:
            return i
        start = reader.line_num + 1
    raise Unsafe(f"no CSV row starts at line {line}")


def apply(
    data: bytes, form: str, edits: Sequence[Edit], name: str, base_iri: str | None = None
) -> bytes:
    """The file with the edits made, in its own form ("turtle", "yaml", "csv")."""
    if not edits:
        return data
    if form == "ntriples":
        if any(e.old is None for e in edits):
            raise Unsafe("an N-Triples file gets new triples by hand (a line of its own)")
        return apply_turtle(data.decode("utf-8"), edits, base_iri).encode("utf-8")
    if form == "turtle":
        return apply_turtle(data.decode("utf-8"), edits, base_iri).encode("utf-8")
    if form == "yaml":
        return apply_yaml(data.decode("utf-8-sig"), edits, name).encode("utf-8")
    if form == "csv":
        return apply_csv(data, edits, name).encode("utf-8")
    raise Unsafe(f"fixes are applied to Turtle, YAML and CSV files, not to {form}")


__all__ = ["Edit", "Unsafe", "apply", "edits_from", "Triple"]


@dataclass
class FixResult:
    """What ``otmlops fix`` (and the workbench's download) computes for one mapping file."""

    name: str
    form: str
    before: bytes
    after: bytes
    applied: list[Suggestion]
    skipped: list[tuple[Suggestion, str]]

    @property
    def changed(self) -> bool:
        return self.after != self.before

    def diff(self) -> str:
        import difflib

        a = self.before.decode("utf-8", errors="replace").splitlines(keepends=True)
        b = self.after.decode("utf-8", errors="replace").splitlines(keepends=True)
        return "".join(
            difflib.unified_diff(a, b, f"a/{self.name.lstrip('/')}", f"b/{self.name.lstrip('/')}")
        )


def form_of(name: str, media_type: str | None, source: Source) -> str:
    """turtle, ntriples, yaml, csv, xlsx or the RDF syntax's name."""
    import pyoxigraph as ox

    from otmlops.authoring import form_of_media_type, form_of_path

    form = form_of_media_type(media_type) or form_of_path(name)
    if form:
        return form
    fmt = getattr(source, "format", None)
    if fmt == ox.RdfFormat.TURTLE:
        return "turtle"
    if fmt == ox.RdfFormat.N_TRIPLES:
        return "ntriples"
    return getattr(fmt, "name", "rdf")


def fix_bytes(
    data: bytes,
    name: str,
    media_type: str | None = None,
    *,
    plant: Sequence[SourceLike] = (),
    plant_graphs: Mapping[str, Sequence[ox.Triple]] | None = None,
    max_size: int | None = None,
    base_iri: str | None = None,
) -> FixResult:
    """Validate one mapping and make its unambiguous fixes, one at a time, in its own format.

    Each fix is tried on its own; one that cannot be placed safely is listed in ``skipped``
    with the reason and the others still apply.
    """
    from otmlops.validation.api import validate
    from otmlops.validation.sources import DEFAULT_MAX_SIZE

    limit = DEFAULT_MAX_SIZE if max_size is None else max_size
    source = _source_for(data, name, media_type, limit, base_iri)
    form = form_of(name, media_type, source)
    report = validate([source], list(plant), plant_graphs=plant_graphs or {}, max_size=limit)
    wanted = [s for items in report.suggestions.values() for s in items if s.unambiguous]
    after = data
    applied: list[Suggestion] = []
    skipped: list[tuple[Suggestion, str]] = []
    done: set[tuple] = set()
    # a misspelt property that is renamed already gives its subject the value: do not add one
    renamed = {
        (a[0], a[1])
        for s in wanted
        for a in s.add
        if s.remove and all(r[1] != a[1] for r in s.remove) and a[1] != RDF.type
    }
    todo: list[Suggestion] = []
    for s in wanted:
        key = (s.remove, s.add)
        if key in done:
            continue
        done.add(key)
        if not s.remove and any((a[0], a[1]) in renamed for a in s.add):
            skipped.append((s, "the misspelt property is renamed instead"))
            continue
        todo.append(s)
    if form in ("turtle", "ntriples"):  # one pass over the text for all fixes
        return _fix_text(data, name, form, source.base_iri, todo, skipped)
    for s in todo:
        try:
            after = apply(after, form, edits_from([s]), name, source.base_iri)
            applied.append(s)
        except Unsafe as exc:
            skipped.append((s, str(exc)))
    return FixResult(name, form, data, after, applied, skipped)


def _fix_text(
    data: bytes,
    name: str,
    form: str,
    base_iri: str | None,
    todo: list[Suggestion],
    skipped: list[tuple[Suggestion, str]],
) -> FixResult:
    """Turtle and N-Triples: find every fix's place in one tokenizing pass; a fix with an edit
    that has no safe place is skipped whole (a second pass makes only the others)."""
    text = data.decode("utf-8")
    owner: dict[int, int] = {}
    edits: list[Edit] = []
    for n, s in enumerate(todo):
        for e in edits_from([s]):
            if form == "ntriples" and e.old is None:
                skipped.append(
                    (s, "an N-Triples file gets new triples by hand (a line of its own)")
                )
                break
            owner[len(edits)] = n
            edits.append(e)
    bad = {n for n, s in enumerate(todo) if any(x is s for x, _ in skipped)}
    failures: list[tuple[Edit, str]] = []
    apply_turtle(text, edits, base_iri, failures)
    for e, why in failures:
        n = owner[next(i for i, x in enumerate(edits) if x is e)]
        if n not in bad:
            bad.add(n)
            skipped.append((todo[n], why))
    keep = [e for i, e in enumerate(edits) if owner[i] not in bad]
    after = apply_turtle(text, keep, base_iri).encode("utf-8") if keep else data
    applied = [s for n, s in enumerate(todo) if n not in bad]
    return FixResult(name, form, data, after, applied, skipped)


def _source_for(
    data: bytes, name: str, media_type: str | None, max_size: int | None, base_iri: str | None
) -> Source:
    """The Source of a file or upload, its syntax from the media type, else the name's
    extension, else the content."""

    from otmlops.authoring import form_of_media_type, form_of_path
    from otmlops.rdfio import check_size, format_of_path
    from otmlops.validation.sources import compiled, from_bytes

    form = form_of_media_type(media_type) or form_of_path(name)
    if form:
        check_size(len(data), max_size, name)
        return compiled(data, form, name)
    fmt = format_of_path(name)
    return from_bytes(
        data,
        name=name,
        media_type=None if fmt else media_type,
        format=fmt,
        base_iri=base_iri,
        max_size=max_size,
    )
