"""Find the predicates of a SPARQL request's graph patterns, so entailment can widen them.

Query-time entailment (docs/entailment.md) replaces a predicate such as ``isa95:partOf`` by a
property path that also follows its subproperties and its chains. That is only legal where the
grammar expects a verb or a path step inside a WHERE pattern, never in a CONSTRUCT or INSERT
template, a VALUES block, an expression, a negated property set or a SERVICE clause. This module
walks the token stream of ``sparql_text.tokens`` with a small recursive parser of the pattern
grammar and reports those places; it does not evaluate or validate anything. Text it cannot
follow (a syntax error, or syntax it does not know such as RDF-star) raises ``Unfollowable``;
the store then refuses the request (with the parser's own message if it is a syntax error)
rather than run it with entailment silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from otmlops.store.sparql_text import Prologue, Token, tokens

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
_TEMPLATE_KEYWORDS = frozenset({"INSERT", "DELETE", "DATA", "CONSTRUCT"})


class Unfollowable(Exception):
    """The text leaves the grammar this parser follows (``offset``: where, in the text)."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass
class VerbSite:
    """One IRI (or ``a``) in verb position or inside a property path of a pattern."""

    token: Token
    iri: str
    #: True when the whole verb is this one IRI (no path operators around it).
    simple: bool = False
    #: For simple verbs: the objects in the object list, as IRIs (None for anything else).
    objects: list[str | None] = field(default_factory=list)
    #: The ``*``, ``+`` or ``?`` that directly follows the IRI, if any.
    modifier: Token | None = None


@dataclass
class Verb:
    """One verb of a pattern: a variable, or a path whose IRIs are ``sites``."""

    start: int
    end: int
    variable: bool
    sites: list[VerbSite] = field(default_factory=list)


@dataclass
class Pattern:
    """One triple or path pattern: its verb, the variables that are its subject and objects
    (single-token terms only; blank nodes, literals and IRIs are not listed) and the index
    of the group (in ``Walk.groups``) that holds it."""

    verb: Verb
    group: int
    subject: str | None = None
    objects: list[str] = field(default_factory=list)


@dataclass
class Walk:
    """What the walker found: verb sites, patterns, and for each group pattern the offset of
    its closing brace."""

    sites: list[VerbSite]
    patterns: list[Pattern]
    groups: list[int]


def _normalise(raw: list[Token]) -> list[Token]:
    """Split the statement-ending dot off words (``ex:o.`` is a name and a dot) and turn a
    lone ``.`` word into punctuation; the shared lexer keeps dots inside words."""
    out: list[Token] = []
    for tok in raw:
        if tok.kind == "word" and tok.text.endswith(".") and not tok.text.endswith("\\."):
            stem = tok.text.rstrip(".")
            if stem.endswith("\\"):  # ``ex:a\..``: the first dot is part of the name
                stem += "."
            if stem:
                out.append(Token("word", stem, tok.start, tok.start + len(stem)))
            for k in range(tok.start + len(stem), tok.end):
                out.append(Token("punct", ".", k, k + 1))
        else:
            out.append(tok)
    return out


def _is(tok: Token, text: str) -> bool:
    return tok.kind in ("punct", "word") and tok.text == text


class _Walker:
    def __init__(self, sparql: str) -> None:
        self.text = sparql
        self.toks = _normalise(list(tokens(sparql)))
        self.prologue = Prologue({})
        self.sites: list[VerbSite] = []
        self.verbs: list[Verb] = []
        self.patterns: list[Pattern] = []
        self.groups: list[int] = []
        self._open: list[int] = []  # indexes in self.groups of the groups being walked

    # -- helpers ----------------------------------------------------------------------------

    def tok(self, i: int) -> Token:
        if i >= len(self.toks):
            raise Unfollowable("unexpected end of text", len(self.text))
        return self.toks[i]

    def resolve(self, tok: Token) -> str | None:
        """The IRI a token names (prefixed names and relative IRIs resolved against the
        PREFIX and BASE declarations seen so far), or None if it is not an IRI."""
        if tok.kind == "word" and tok.text == "a":
            return RDF_TYPE
        return self.prologue.resolve(tok)

    def skip_balanced(self, i: int, opener: str, closer: str) -> int:
        """Index after the bracket matching the one at ``i``, rewriting any EXISTS group met
        on the way (expressions can hold patterns)."""
        depth = 0
        while True:
            t = self.tok(i)
            if _is(t, opener):
                depth += 1
            elif _is(t, closer):
                depth -= 1
                if depth == 0:
                    return i + 1
            elif t.keyword == "EXISTS" and opener != "{":
                i = self.group(i + 1)
                continue
            i += 1

    # -- top level --------------------------------------------------------------------------

    def walk(self) -> list[VerbSite]:
        toks, i = self.toks, 0
        form: str | None = None
        pattern_seen = False
        in_values = False
        while i < len(toks):
            t = toks[i]
            kw = t.keyword
            if kw in ("PREFIX", "BASE"):
                nxt = self.prologue.declare(toks, i)
                if nxt is None:
                    raise Unfollowable(f"incomplete {kw} declaration", t.start)
                i = nxt
                continue
            if kw == "EXISTS":  # in HAVING, ORDER BY or a projection without brackets
                i = self.group(i + 1)
                continue
            if kw in _QUERY_FORMS or kw in _TEMPLATE_KEYWORDS:
                form = kw if kw in _QUERY_FORMS else form
                if kw in _TEMPLATE_KEYWORDS:
                    form = None if kw != "CONSTRUCT" else "CONSTRUCT"
                pattern_seen = False
            if kw == "VALUES":
                in_values = True
            if _is(t, ";"):  # next update operation
                form, pattern_seen, in_values = None, False, False
            if _is(t, "("):
                i = self.skip_balanced(i, "(", ")")
                continue
            if _is(t, "{"):
                prev = toks[i - 1] if i else None
                before = toks[i - 2] if i > 1 else None
                if in_values:
                    i = self.skip_balanced(i, "{", "}")
                    in_values = False
                    continue
                is_pattern = False
                if prev is not None and prev.keyword == "WHERE":
                    is_pattern = before is None or before.keyword not in ("DELETE", "CONSTRUCT")
                elif form in ("SELECT", "ASK", "DESCRIBE") and not pattern_seen:
                    is_pattern = True
                if is_pattern:
                    pattern_seen = True
                    i = self.group(i)
                else:
                    i = self.skip_balanced(i, "{", "}")
                continue
            i += 1
        return self.sites

    # -- patterns ---------------------------------------------------------------------------

    def group(self, i: int) -> int:
        """Walk the group whose ``{`` is at ``i``; return the index after its ``}``."""
        if not _is(self.tok(i), "{"):
            raise Unfollowable("expected {", self.tok(i).start)
        i += 1
        if self.tok(i).keyword == "SELECT":
            return self.subselect(i)
        self._open.append(len(self.groups))
        self.groups.append(-1)
        try:
            i = self.triples(i, "}")
        finally:
            index = self._open.pop()
        self.groups[index] = self.tok(i).start
        return i + 1

    def _pattern(self, verb: Verb, subject: str | None) -> Pattern:
        found = Pattern(verb, self._open[-1] if self._open else -1, subject)
        self.patterns.append(found)
        return found

    def _var_term(self, start: int, end: int) -> str | None:
        """The variable name if the term from ``start`` to ``end`` is one variable."""
        tok = self.toks[start]
        return tok.text[1:] if end == start + 1 and tok.kind == "var" else None

    def subselect(self, i: int) -> int:
        """A nested SELECT: its projection, its WHERE group, its modifiers, then the ``}``."""
        while not _is(self.tok(i), "{"):
            i = self.skip_balanced(i, "(", ")") if _is(self.tok(i), "(") else i + 1
        i = self.group(i)
        while not _is(self.tok(i), "}"):
            t = self.tok(i)
            if _is(t, "("):
                i = self.skip_balanced(i, "(", ")")
            elif t.keyword == "EXISTS":  # HAVING EXISTS { } / ORDER BY EXISTS { }
                i = self.group(i + 1)
            elif _is(t, "{"):  # a VALUES block after the sub-select
                i = self.skip_balanced(i, "{", "}")
            else:
                i += 1
        return i + 1

    def triples(self, i: int, end: str) -> int:
        """Walk group content up to the closing ``end`` token; return its index."""
        state = "subject"
        site: VerbSite | None = None
        subject: str | None = None
        pattern: Pattern | None = None
        while True:
            t = self.tok(i)
            if _is(t, end) and end == "}":
                return i
            kw = t.keyword
            if state in ("subject", "after") and (
                kw in _GROUP_KEYWORDS or _is(t, "{") or _is(t, ".")
            ):
                state = "subject"
                i = self.group_element(i)
                continue
            if state == "after":
                if _is(t, ","):
                    state, i = "object", i + 1
                elif _is(t, ";"):
                    state, i = "verb", i + 1
                else:
                    state = "subject"
                continue
            if state == "subject":
                start = i
                i = self.term(i)
                subject = self._var_term(start, i)
                state = "verb"
                continue
            if state == "verb":
                if _is(t, ";"):
                    i += 1
                elif _is(t, ".") or _is(t, "}") or kw in _GROUP_KEYWORDS:
                    state = "subject"  # after a bare [ ... ] subject, or a trailing ';'
                else:
                    i, site = self.verb(i)
                    pattern = self._pattern(self.verbs[-1], subject)
                    state = "object"
                continue
            # object
            start = i
            i = self.term(i)
            if site is not None and site.simple:
                site.objects.append(self.resolve(t) if i == start + 1 else None)
            if pattern is not None and (var := self._var_term(start, i)) is not None:
                pattern.objects.append(var)
            state = "after"

    def group_element(self, i: int) -> int:
        """A group element other than a triple: a sub-group, OPTIONAL, FILTER and the like."""
        t = self.tok(i)
        kw = t.keyword
        if _is(t, "."):
            return i + 1
        if _is(t, "{"):
            return self.group(i)
        if kw in ("OPTIONAL", "MINUS", "UNION"):
            return i + 1
        if kw == "GRAPH":
            return i + 2
        if kw == "SERVICE":
            i += 1
            if self.tok(i).keyword == "SILENT":
                i += 1
            # the remote service sees no entailment of ours: leave its pattern alone
            return self.skip_plain(i + 1)
        if kw == "FILTER":
            return self.constraint(i + 1)
        if kw == "BIND":
            return self.skip_balanced(i + 1, "(", ")")
        if kw == "VALUES":
            i += 1
            while not _is(self.tok(i), "{"):
                i += 1
            return self.skip_plain(i)
        raise Unfollowable(f"unexpected {t.text!r}", t.start)

    def skip_plain(self, i: int) -> int:
        """Index after the braces at ``i``, rewriting nothing inside."""
        depth = 0
        while True:
            t = self.tok(i)
            if _is(t, "{"):
                depth += 1
            elif _is(t, "}"):
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1

    def constraint(self, i: int) -> int:
        """A FILTER's constraint: bracketed expression, EXISTS group, or function call."""
        t = self.tok(i)
        if _is(t, "("):
            return self.skip_balanced(i, "(", ")")
        if t.keyword == "NOT":
            i += 1
            t = self.tok(i)
        if t.keyword == "EXISTS":
            return self.group(i + 1)
        return self.skip_balanced(i + 1, "(", ")")

    def term(self, i: int) -> int:
        """A subject or object: a variable, IRI, literal, blank node, collection or blank node
        property list. Returns the index after it."""
        t = self.tok(i)
        if _is(t, "["):
            if _is(self.tok(i + 1), "]"):
                return i + 2
            return self.property_list(i + 1) + 1
        if _is(t, "("):
            i += 1
            while not _is(self.tok(i), ")"):
                i = self.term(i)
            return i + 1
        if t.kind == "string":
            nxt = self.toks[i + 1] if i + 1 < len(self.toks) else None
            if nxt is not None and _is(nxt, "@"):
                return i + 3
            if nxt is not None and _is(nxt, "^") and _is(self.tok(i + 2), "^"):
                return i + 4
            return i + 1
        if _is(t, "+") and self.tok(i + 1).kind == "word":
            return i + 2
        if t.kind in ("var", "iri", "word"):
            if t.keyword in _GROUP_KEYWORDS:
                raise Unfollowable(f"keyword {t.text} where a term belongs", t.start)
            return i + 1
        raise Unfollowable(f"unexpected {t.text!r} where a term belongs", t.start)

    def property_list(self, i: int) -> int:
        """The inside of ``[ ... ]``; returns the index of the ``]``."""
        state = "verb"
        site: VerbSite | None = None
        pattern: Pattern | None = None
        while True:
            t = self.tok(i)
            if _is(t, "]"):
                return i
            if state == "verb":
                if _is(t, ";"):
                    i += 1
                    continue
                i, site = self.verb(i)
                pattern = self._pattern(self.verbs[-1], None)
                state = "object"
            elif state == "object":
                start = i
                i = self.term(i)
                if site is not None and site.simple:
                    site.objects.append(self.resolve(t) if i == start + 1 else None)
                if pattern is not None and (var := self._var_term(start, i)) is not None:
                    pattern.objects.append(var)
                state = "after"
            elif _is(t, ","):
                state, i = "object", i + 1
            elif _is(t, ";"):
                state, i = "verb", i + 1
            else:
                raise Unfollowable(f"unexpected {t.text!r} in a blank node property list", t.start)

    def verb(self, i: int) -> tuple[int, VerbSite | None]:
        """A variable or a property path; records the IRIs that can be widened."""
        t = self.tok(i)
        if t.kind == "var":
            self.verbs.append(Verb(t.start, t.end, variable=True))
            return i + 1, None
        start = i
        found: list[VerbSite] = []
        expect_primary, depth = True, 0
        while True:
            t = self.tok(i)
            if expect_primary:
                if _is(t, "^"):
                    i += 1
                elif _is(t, "!"):
                    # a negated property set names asserted predicates: leave it alone
                    nxt = self.tok(i + 1)
                    i = self.skip_balanced(i + 1, "(", ")") if _is(nxt, "(") else i + 2
                    expect_primary = False
                elif _is(t, "("):
                    depth += 1
                    i += 1
                else:
                    iri = self.resolve(t)
                    if iri is None:
                        raise Unfollowable(f"unexpected {t.text!r} in a property path", t.start)
                    found.append(VerbSite(t, iri))
                    i += 1
                    expect_primary = False
            elif _is(t, "*") or _is(t, "+") or _is(t, "?"):
                prev = self.toks[i - 1]
                if found and prev is found[-1].token:
                    found[-1].modifier = t
                i += 1
            elif _is(t, ")") and depth > 0:
                depth -= 1
                i += 1
            elif _is(t, "|") or _is(t, "/"):
                expect_primary = True
                i += 1
            elif depth == 0:
                break
            else:
                raise Unfollowable(f"unexpected {t.text!r} in a property path", t.start)
        self.sites.extend(found)
        self.verbs.append(Verb(self.toks[start].start, self.toks[i - 1].end, False, found))
        if len(found) == 1 and i == start + 1:
            found[0].simple = True
            return i, found[0]
        return i, None


_GROUP_KEYWORDS = frozenset(
    {"OPTIONAL", "MINUS", "UNION", "GRAPH", "SERVICE", "FILTER", "BIND", "VALUES"}
)


def verb_sites(sparql: str) -> list[VerbSite]:
    """Every IRI in a verb or property-path position of the request's patterns.

    Raises ``Unfollowable`` for text outside the grammar this walker follows."""
    return _Walker(sparql).walk()


def walk_patterns(sparql: str) -> Walk:
    """The verb sites, patterns and groups of the request's patterns (``Unfollowable`` as
    for ``verb_sites``)."""
    walker = _Walker(sparql)
    sites = walker.walk()
    return Walk(sites, walker.patterns, walker.groups)
