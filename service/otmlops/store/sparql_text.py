"""Just enough SPARQL lexing to bind parameters safely and to spot dataset clauses.

Parameters are bound by inserting a ``VALUES`` block at the start of the outermost WHERE group.
The values are pyoxigraph terms serialised in N-Triples syntax (``str(term)``), which escapes
everything a value could use to break out of its term, so user input never becomes query syntax.
Finding the outermost group needs a lexer that knows where strings, IRIs and comments are, so a
brace or keyword inside them is not mistaken for syntax.

pyoxigraph's own ``substitutions`` only accept variables that the SELECT clause projects, which
rules out the usual ``?equipment`` parameter; this module is used by every backend instead, so
bound queries answer the same everywhere.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from otmlops.errors import UsageError

#: A name character beyond ASCII: U+00C0 to U+EFFFF. Written as "not below U+00C0, not from
#: U+F0000 up" because a class holding the ranges themselves takes ``re`` about 10 ms to compile
#: (it fills a 64k table), and every CLI process compiles these patterns.
_NON_ASCII = r"(?![\x00-\xBF])[^\U000F0000-\U0010FFFF]"
_VAR_NAME = re.compile(rf"^(?:[A-Za-z_0-9\u00B7]|{_NON_ASCII})+$")
_NAME_CHAR = rf"[A-Za-z0-9_\-.:\u00B7]|{_NON_ASCII}"
#: A prefixed name, keyword or number: PN_CHARS, PN_LOCAL_ESC (``\\'``, ``\\#``, ``\\,``...)
#: and PLX percent-encodings (SPARQL 1.1 grammar, terminals [169]-[173]).
_WORD = re.compile(rf"(?:{_NAME_CHAR}|\\[_~.\-!$&'()*+,;=/?#@%]|%[0-9A-Fa-f]{{2}})+")
_VAR = re.compile(rf"[?$](?:[A-Za-z_0-9\u00B7]|{_NON_ASCII})*")
# IRIREF from the SPARQL grammar: no spaces, no <>"{}|^`\ inside, except \u / \U escapes.
_IRI = re.compile(r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>")
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESC = re.compile(r"\\(.)")
_QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})


@dataclass(frozen=True)
class Token:
    kind: str  # word | var | iri | string | punct
    text: str
    start: int
    end: int

    @property
    def keyword(self) -> str | None:
        """Upper-cased text if this is a bare word that can be a keyword (not a prefixed name)."""
        if self.kind == "word" and ":" not in self.text:
            return self.text.upper()
        return None


def tokens(sparql: str) -> Iterator[Token]:
    """Yield tokens, skipping whitespace and comments. Strings and IRIs are single tokens."""
    i, n = 0, len(sparql)
    while i < n:
        c = sparql[i]
        if c.isspace():
            i += 1
        elif c == "#":
            end = sparql.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "\"'":
            end = _string_end(sparql, i)
            yield Token("string", sparql[i:end], i, end)
            i = end
        elif c == "<" and (m := _IRI.match(sparql, i)):
            yield Token("iri", m.group(), i, m.end())
            i = m.end()
        elif c in "?$" and (m := _VAR.match(sparql, i)) and m.end() > i + 1:
            yield Token("var", m.group(), i, m.end())
            i = m.end()
        elif m := _WORD.match(sparql, i):
            yield Token("word", m.group(), i, m.end())
            i = m.end()
        else:
            yield Token("punct", c, i, i + 1)
            i += 1


def _string_end(text: str, start: int) -> int:
    """Index just past the string literal starting at ``start`` (short or long quotes)."""
    quote = text[start]
    long_quote = text.startswith(quote * 3, start)
    delim = quote * 3 if long_quote else quote
    i = start + len(delim)
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if text.startswith(delim, i):
            return i + len(delim)
        if not long_quote and c in "\r\n":
            break
        i += 1
    raise UsageError(f"unterminated string literal at offset {start} in the SPARQL text")


def query_form(sparql: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK — the first query-form keyword outside the prologue."""
    for tok in tokens(sparql):
        if tok.keyword in _QUERY_FORMS:
            return tok.keyword
    return None


@functools.lru_cache(maxsize=1024)
def has_dataset_clause(sparql: str) -> bool:
    """True if the query names its own dataset with FROM / FROM NAMED (outside any group)."""
    depth = 0
    for tok in tokens(sparql):
        if tok.kind == "punct" and tok.text == "{":
            depth += 1
        elif tok.kind == "punct" and tok.text == "}":
            depth -= 1
        elif depth == 0 and tok.keyword == "FROM":
            return True
    return False


def dataset_clauses(sparql: str) -> tuple[list[str], list[str]]:
    """The IRIs of the query's FROM and FROM NAMED clauses (prefixed names and relative IRIs
    resolved against the query's PREFIX and BASE declarations)."""
    prologue = Prologue({})
    default: list[str] = []
    named: list[str] = []
    toks = list(tokens(sparql))
    depth = 0
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.kind == "punct" and tok.text in "{}":
            depth += 1 if tok.text == "{" else -1
        elif depth == 0 and (nxt := prologue.declare(toks, i)) is not None:
            i = nxt
            continue
        elif depth == 0 and tok.keyword == "FROM" and i + 1 < len(toks):
            is_named = toks[i + 1].keyword == "NAMED"
            ref = toks[i + 2] if is_named and i + 2 < len(toks) else toks[i + 1]
            iri = prologue.resolve(ref)
            if iri is None:
                raise UsageError(f"undeclared prefix in FROM clause: {ref.text}")
            (named if is_named else default).append(iri)
        i += 1
    return default, named


def check_bindings(bindings: Mapping[str, object]) -> dict[str, ox.NamedNode | ox.Literal]:
    """Validate binding names and values: IRIs and literals only (VALUES cannot hold blank
    nodes), names that are legal SPARQL variable names."""
    checked: dict[str, ox.NamedNode | ox.Literal] = {}
    for name, value in bindings.items():
        bare = name[1:] if name[:1] in "?$" else name
        if not bare or not _VAR_NAME.match(bare):
            raise UsageError(f"invalid parameter name {name!r}")
        if not isinstance(value, ox.NamedNode | ox.Literal):
            raise UsageError(
                f"parameter {bare!r} must be an IRI or a literal, not {type(value).__name__}"
            )
        checked[bare] = value
    return checked


def bind_values(sparql: str, bindings: Mapping[str, object]) -> str:
    """Return ``sparql`` with a one-row VALUES block for ``bindings`` at the start of the
    outermost WHERE group. Every variable must occur in the query text."""
    checked = check_bindings(bindings)
    if not checked:
        return sparql
    plan = _binding_plan(sparql)
    missing = sorted(set(checked) - plan.variables)
    if missing:
        raise UsageError("the query has no variable " + ", ".join(f"?{m}" for m in missing))
    names = sorted(checked)
    block = (
        "VALUES ("
        + " ".join(f"?{n}" for n in names)
        + ") { ("
        + " ".join(str(checked[n]) for n in names)
        + ") } "
    )
    body = sparql[plan.open_end : plan.close_start]
    if plan.where_start is not None:
        # CONSTRUCT WHERE { T } only allows triples; spell it out as CONSTRUCT { T } WHERE { ... }.
        return (
            sparql[: plan.where_start]
            + "{"
            + body
            + "} WHERE { "
            + block
            + body
            + "}"
            + sparql[plan.close_end :]
        )
    if plan.bare_select:
        # The group is a bare sub-select, which admits nothing beside it: nest it.
        return (
            sparql[: plan.open_end] + " " + block + "{" + body + "} " + sparql[plan.close_start :]
        )
    return sparql[: plan.open_end] + " " + block + sparql[plan.open_end :]


@dataclass(frozen=True)
class _BindingPlan:
    """Where a query's outermost WHERE group is, as character offsets (cached per text: a
    named query is bound with new values on every call)."""

    variables: frozenset[str]
    open_end: int
    close_start: int
    close_end: int
    #: start of the WHERE keyword of a ``CONSTRUCT WHERE {}`` short form, else None
    where_start: int | None
    bare_select: bool


@functools.lru_cache(maxsize=256)
def _binding_plan(sparql: str) -> _BindingPlan:
    toks = list(tokens(sparql))
    open_idx, close_idx, short_construct = _outer_group(toks)
    first = toks[open_idx + 1] if open_idx + 1 < len(toks) else None
    return _BindingPlan(
        variables=frozenset(t.text[1:] for t in toks if t.kind == "var"),
        open_end=toks[open_idx].end,
        close_start=toks[close_idx].start,
        close_end=toks[close_idx].end,
        where_start=toks[open_idx - 1].start if short_construct else None,
        bare_select=first is not None and first.keyword == "SELECT",
    )


def _outer_group(toks: list[Token]) -> tuple[int, int, bool]:
    """Indexes of the braces of the outermost WHERE group, and whether it is the
    ``CONSTRUCT WHERE {}`` short form."""
    form_idx = next((i for i, t in enumerate(toks) if t.keyword in _QUERY_FORMS), None)
    if form_idx is None:
        raise UsageError(
            "parameters can only be bound in a SELECT, CONSTRUCT, DESCRIBE or ASK query"
        )
    form = toks[form_idx].keyword
    braces = parens = 0
    groups_seen = 0
    for i in range(form_idx + 1, len(toks)):
        tok = toks[i]
        if tok.kind == "punct" and tok.text == "(":
            parens += 1
        elif tok.kind == "punct" and tok.text == ")":
            parens -= 1
        elif tok.kind == "punct" and tok.text == "{":
            if braces == 0 and parens == 0:
                groups_seen += 1
                after_where = i > 0 and toks[i - 1].keyword == "WHERE"
                is_template = form == "CONSTRUCT" and groups_seen == 1 and not after_where
                if not is_template:
                    short = form == "CONSTRUCT" and after_where and groups_seen == 1
                    return i, _matching_brace(toks, i), short
            braces += 1
        elif tok.kind == "punct" and tok.text == "}":
            braces -= 1
    raise UsageError("cannot find the WHERE clause of the query to bind parameters in")


def _matching_brace(toks: list[Token], open_idx: int) -> int:
    depth = 0
    for i in range(open_idx, len(toks)):
        if toks[i].kind == "punct" and toks[i].text == "{":
            depth += 1
        elif toks[i].kind == "punct" and toks[i].text == "}":
            depth -= 1
            if depth == 0:
                return i
    raise UsageError("unbalanced braces in the SPARQL text")


def names_dataset(update: str) -> bool:
    """True if an update names its dataset itself (USING, USING NAMED or WITH)."""
    depth = 0
    for tok in tokens(update):
        if tok.kind == "punct" and tok.text in "{}":
            depth += 1 if tok.text == "{" else -1
        elif depth == 0 and tok.keyword in ("USING", "WITH"):
            return True
    return False


def add_using(update: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """Apply the protocol's using-graph-uri / using-named-graph-uri to every operation with a
    WHERE clause, as USING / USING NAMED clauses (SPARQL 1.1 Protocol, section 2.2.3)."""
    if not using and not using_named:
        return update
    for g in (*using, *using_named):
        try:
            ox.NamedNode(g)
        except ValueError as exc:
            raise UsageError(f"invalid graph IRI {g!r}: {exc}") from None
    clause = "".join(f"USING <{g}> " for g in using)
    clause += "".join(f"USING NAMED <{g}> " for g in using_named)
    toks = list(tokens(update))
    depth = 0
    inserts: list[int] = []
    for i, tok in enumerate(toks):
        if tok.kind == "punct" and tok.text == "{":
            depth += 1
        elif tok.kind == "punct" and tok.text == "}":
            depth -= 1
        elif depth == 0 and tok.keyword in ("USING", "WITH"):
            raise UsageError(
                "the update names its own dataset (USING/WITH); do not also pass "
                "using-graph-uri / using-named-graph-uri"
            )
        elif depth == 0 and tok.keyword == "WHERE":
            if i > 0 and toks[i - 1].keyword == "DELETE":
                continue  # DELETE WHERE short form takes no USING
            inserts.append(tok.start)
    for at in reversed(inserts):
        update = update[:at] + clause + update[at:]
    return update


# -- codepoint escapes, IRIs and nesting ----------------------------------------------------

#: Deepest nesting of ``{`` ``(`` ``[`` accepted in a request. The pattern walker recurses once
#: per level and Oxigraph's parser far more (10,000 nested parentheses overflow its stack and
#: kill the process), so deeper texts are refused before either sees them.
MAX_NESTING = 100


def decode_codepoints(sparql: str) -> str:
    """The text with ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes replaced by their characters.

    SPARQL applies these escapes to the whole request before parsing (SPARQL 1.1 Query,
    section 19.2), and so does Oxigraph; decoding first lets the lexer see what the parser
    sees. A text whose decoding yields new escapes would be decoded twice by the server and is
    refused."""
    if "\\u" not in sparql and "\\U" not in sparql:
        return sparql
    decoded = _UCHAR.sub(_codepoint, sparql)
    if decoded != sparql and _UCHAR.search(decoded):
        raise UsageError(
            "the SPARQL text builds a \\u escape out of another \\u escape; "
            "write the character itself"
        )
    return decoded


def _codepoint(m: re.Match[str]) -> str:
    value = int(m.group(1) or m.group(2), 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        raise UsageError(f"invalid codepoint escape {m.group()} in the SPARQL text")
    return chr(value)


def check_nesting(sparql: str, limit: int = MAX_NESTING) -> None:
    """UsageError if brackets nest deeper than ``limit`` (strings, IRIs, comments skipped)."""
    depth = 0
    for tok in tokens(sparql):
        if tok.kind != "punct":
            continue
        if tok.text in "{([":
            depth += 1
            if depth > limit:
                line = sparql.count("\n", 0, tok.start) + 1
                col = tok.start - (sparql.rfind("\n", 0, tok.start) + 1) + 1
                raise UsageError(
                    f"the SPARQL text nests groups, brackets or parentheses more "
                    f"than {limit} levels deep (at line {line}, column {col}); "
                    f"the limit is {limit}"
                )
        elif tok.text in "})]":
            depth -= 1


@functools.lru_cache(maxsize=4096)
def resolve_iri(iri: str, base: str | None) -> str:
    """``iri`` resolved against ``base`` (RFC 3986, as Oxigraph resolves it); an IRI that is
    already absolute, or no base, leaves it unchanged."""
    if base is None or re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", iri):
        return iri
    try:
        quad = next(
            iter(
                ox.parse(
                    f"<{iri}> <urn:x:p> <urn:x:o> .".encode(), ox.RdfFormat.TURTLE, base_iri=base
                )
            )
        )
    except (SyntaxError, ValueError, StopIteration):
        return iri
    return str(quad.subject.value)


@dataclass
class Prologue:
    """PREFIX and BASE declarations in scope, to turn IRI tokens into IRIs."""

    prefixes: dict[str, str]
    base: str | None = None

    def declare(self, toks: Sequence[Token], i: int) -> int | None:
        """If ``toks[i]`` starts a PREFIX or BASE declaration, record it and return the index
        after it; else None."""
        kw = toks[i].keyword
        if kw == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            self.base = resolve_iri(toks[i + 1].text[1:-1], self.base)
            return i + 2
        if kw == "PREFIX" and i + 2 < len(toks) and toks[i + 2].kind == "iri":
            self.prefixes[toks[i + 1].text] = resolve_iri(toks[i + 2].text[1:-1], self.base)
            return i + 3
        return None

    def text(self) -> str:
        """The declarations as a prologue with every IRI absolute (repeatable anywhere)."""
        lines = [f"BASE <{self.base}>"] if self.base else []
        lines += [f"PREFIX {name} <{iri}>" for name, iri in self.prefixes.items()]
        return "\n".join(lines)

    def resolve(self, tok: Token) -> str | None:
        """The IRI an IRIREF or prefixed-name token names (None: not an IRI, or an undeclared
        prefix)."""
        if tok.kind == "iri":
            return resolve_iri(tok.text[1:-1], self.base)
        if tok.kind == "word" and not tok.text.startswith("_:"):
            prefix, sep, local = tok.text.partition(":")
            if sep and prefix + ":" in self.prefixes:
                return self.prefixes[prefix + ":"] + _LOCAL_ESC.sub(r"\1", local)
        return None


# -- helpers for other readers of SPARQL text (catalogue, validation, runner) -----------------


def declared_prefixes(sparql: str) -> dict[str, str]:
    """The PREFIX declarations of a text (``ex`` -> namespace; ``""`` for the empty prefix),
    read with the lexer so that a PREFIX inside a string or comment does not count."""
    toks = list(tokens(sparql))
    prologue = Prologue({})
    i = 0
    while i < len(toks):
        nxt = prologue.declare(toks, i)
        i = nxt if nxt is not None else i + 1
    return {name[:-1]: iri for name, iri in prologue.prefixes.items()}


def variables(sparql: str) -> set[str]:
    """Names of the variables the text uses (``?x`` and ``$x`` alike)."""
    return {t.text[1:] for t in tokens(sparql) if t.kind == "var"}


def replace_variables(sparql: str, replacements: Mapping[str, str]) -> str:
    """The text with variable tokens replaced (keys are the token texts, such as ``$PATH`` or
    ``?currentShape``); strings, IRIs and comments are left alone."""
    out: list[str] = []
    last = 0
    for tok in tokens(sparql):
        if tok.kind == "var" and tok.text in replacements:
            out.append(sparql[last : tok.start])
            out.append(replacements[tok.text])
            last = tok.end
    out.append(sparql[last:])
    return "".join(out)
