"""Find the line where a node is first described in a Turtle or N-Triples document.

RDF parsers do not report positions per triple, so this is a small tokenizer of its own: it
follows @prefix/@base (and SPARQL-style PREFIX/BASE), skips strings and comments, and records
where each IRI first appears in subject position (falling back to its first appearance
anywhere, for nodes that are only ever objects).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin

_TOKEN = re.compile(
    r'''
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<directive>@prefix|@base|(?i:PREFIX|BASE)(?=\s))
  | (?P<pname>(?:[A-Za-z][\w.-]*)?:(?:[\w:%-]|\\.|\.(?=[\w:%-]))*)
  | (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<punct>\^\^|[.;,\[\]()])
  | (?P<other>[^\s]+?)
''',
    re.X | re.S,
)


def locate(text: str, base_iri: str | None, wanted: Iterable[str]) -> dict[str, int]:
    """Line (1-based) of the first description of each wanted IRI that occurs in ``text``."""
    return {iri: line for iri, (line, _) in find(text, base_iri, wanted).items()}


def find(text: str, base_iri: str | None, wanted: Iterable[str]) -> dict[str, tuple[int, bool]]:
    """Each wanted IRI that occurs in ``text``: (line, True) where it first appears as a
    subject, else (line, False) where it is first mentioned at all (as an object only)."""
    todo = set(wanted)
    subject_line: dict[str, int] = {}
    any_line: dict[str, int] = {}
    prefixes: dict[str, str] = {}
    base = base_iri or ""
    line = 1
    depth = 0
    expect_subject = True
    directive: list[str] | None = None
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        tok = m.group(0)
        start_line = line
        line += tok.count("\n")
        if kind in ("ws", "comment"):
            continue
        if directive is not None:
            directive.append(tok)
            if kind == "iri" or (kind == "punct" and tok == "."):
                _apply_directive(directive, prefixes, base_holder := [base])
                base = base_holder[0]
                if kind == "iri":
                    directive = None if directive[0].lower() in ("prefix", "base") else directive
                if kind == "punct":
                    directive = None
            continue
        if kind == "directive":
            directive = [tok.lstrip("@").lower() if tok.startswith("@") else tok.lower()]
            if tok.startswith("@"):
                directive[0] = "@" + directive[0]
            continue
        if kind == "punct":
            if tok == "." and depth == 0:
                expect_subject = True
            elif tok in "[(":
                if expect_subject and depth == 0:
                    expect_subject = False
                depth += 1
            elif tok in "])":
                depth = max(0, depth - 1)
            continue
        iri = None
        if kind == "iri":
            iri = urljoin(base, tok[1:-1]) if base else tok[1:-1]
        elif kind == "pname":
            prefix, _, local = tok.partition(":")
            if prefix in prefixes:
                iri = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        if iri is not None and iri in todo:
            any_line.setdefault(iri, start_line)
            if expect_subject and depth == 0:
                subject_line.setdefault(iri, start_line)
                if len(subject_line) == len(todo):
                    break
        if depth == 0:
            expect_subject = False
    found = {iri: (line, False) for iri, line in any_line.items()}
    found.update((iri, (line, True)) for iri, line in subject_line.items())
    return found


def _apply_directive(tokens: list[str], prefixes: dict[str, str], base: list[str]) -> None:
    head = tokens[0].lstrip("@")
    iris = [t for t in tokens if t.startswith("<")]
    if not iris:
        return
    value = iris[-1][1:-1]
    value = urljoin(base[0], value) if base[0] else value
    if head == "prefix" and len(tokens) >= 3:
        prefixes[tokens[1].rstrip(":")] = value
    elif head == "base":
        base[0] = value
