"""Query-time ``owl:sameAs``: patterns that reach the facts of every IRI of an identity class.

The importers link an OPC UA node and the AAS asset of the same machine with ``owl:sameAs``
(importers/identity.py). When the store holds any ``owl:sameAs`` triple, entailment
(docs/entailment.md, "One machine, one node") reads the IRIs linked by it, in either direction
and over any number of links, as one *identity class*:

- every pattern's verb becomes a path that may step from its subject to another IRI of the
  subject's class before the predicate, and from the object to another IRI of the object's
  class after it, so a constant or a joined variable matches facts stated on any IRI of its
  class; transitive properties (``isa95:partOf``) may change identity between their steps;
- each variable such a pattern binds is given one IRI per class, its *representative*: the
  smallest IRI in code point order, IRIs minted by otmlops (``urn:otmlops:asset:``) after all
  others. One machine is then one row, whichever model stated what about it.

The paths are alternatives whose every branch starts with a real step or with the identity
links, never with a ``*`` (a ``*`` with both ends unbound is evaluated over every node of the
store) and never a top-level sequence (which the parser splits into joins that Oxigraph may
start from the wrong end); the measurements are in docs/entailment.md and docs/benchmarks.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from otmlops.store.sparql_text import tokens
from otmlops.store.sparql_verbs import Pattern

SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
#: IRIs the importers mint from manufacturer and serial number: never the representative while
#: the class has another IRI.
MINTED_PREFIX = "urn:otmlops:asset:"
#: One step to another IRI of the same identity class, either way.
ALIAS = f"(<{SAME_AS}>|^<{SAME_AS}>)"
#: Up to this many links, the IRIs that are not their class's representative are listed in the
#: query text (``FILTER (?v NOT IN (...))``: a few comparisons per row, and a filter leaves
#: Oxigraph's join planning alone, which a MINUS does not); beyond, a filter walks the links
#: of each row. The links are read with the other entailment rules, once per change (one more
#: than ``LINKS_READ`` says there are too many to list).
LINKS_READ = 100
#: A path that never matches (its IRI is used by nothing) but that Oxigraph's join planner
#: estimates as very large: added to the transitive paths (and to ``a ?class``) so that the
#: planner keeps starting from the other patterns, as it does without identities (``across``
#: paths are estimated far larger than a plain predicate; left alone, a ``partOf*`` with no
#: bound end would be started first, over every node). Evaluating it costs one index probe.
NEVER = "(((((<urn:otmlops:never>+)+)+)+)+)+"
#: Variable name used inside the representative filters (scoped to their NOT EXISTS).
_OTHER = "?otmlops_same_as_other"


def across(path: str) -> str:
    """``path`` from any IRI of the subject's class to any IRI of the object's class.

    Spelled ``E | E/A+ | A+/(E | E/A+)`` without ``*`` (see the module docstring), with
    ``E/A+`` written as ``^(A+/^E)`` so that an open evaluation starts from the identity links
    rather than from every triple of ``E``; the leading ``A+`` is shared by two alternatives,
    since walking every link is what an open evaluation pays for."""
    near = f"({path}|^({ALIAS}+/^{path}))"
    return f"({near}|{ALIAS}+/{near})"


def subject_across(path: str, *, late: bool) -> str:
    """``path`` from any IRI of the subject's class to the object as stated: for ``rdf:type``,
    whose objects are classes (the schema is not read across identities). ``late``: the class
    is not a constant, so the planner should start from the other patterns (``NEVER``)."""
    return f"({path}|{ALIAS}+/{path}|{NEVER})" if late else f"({path}|{ALIAS}+/{path})"


def closure_across(step: str) -> str:
    """One or more ``step`` edges, with changes of identity before, between and after them.

    ``S/(S|A)* | A+/S/(S|A)*``: each alternative starts with a real step or with the few
    identity links, so that Oxigraph can also evaluate it with no end bound (a leading
    ``(S|A)*`` would start from every node of the store)."""
    rest = f"({step}|{ALIAS})*"
    return f"({step}/{rest}|{ALIAS}+/{step}/{rest}|{NEVER})"


def star_across(step: str) -> str:
    """Zero or more ``step`` edges across identities (zero steps: the class itself)."""
    return f"(({step}|{ALIAS})*|{step}|{NEVER})"


def _key(term: str) -> str:
    return f'CONCAT(IF(STRSTARTS(STR({term}), "{MINTED_PREFIX}"), "1", "0"), STR({term}))'


def rank(iri: str) -> tuple[bool, str]:
    """Sort key of the representative: minted IRIs last, then code point order (the order
    of SPARQL's ``<`` on strings, used by ``representative_filter``)."""
    return (iri.startswith(MINTED_PREFIX), iri)


def stand_ins(links: Iterable[tuple[str, str]]) -> frozenset[str]:
    """The IRIs that are not the representative of their identity class."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            low, high = sorted((ra, rb), key=rank)
            parent[high] = low
    return frozenset(x for x in parent if root(x) != x)


def representative_filter(var: str, stand_ins: frozenset[str] | None = None) -> str:
    """Keep ``?var`` only where it is the representative of its class: a NOT IN of the listed
    ``stand_ins``, or without a list a filter that looks for a smaller IRI in the class."""
    v = f"?{var}"
    if stand_ins is not None:
        if not stand_ins:
            return ""
        listed = ", ".join(f"<{iri}>" for iri in sorted(stand_ins))
        return f" FILTER ({v} NOT IN ({listed})) "
    return (
        f" FILTER NOT EXISTS {{ {v} {ALIAS}+ {_OTHER} "
        f"FILTER (isIRI({_OTHER}) && (!isIRI({v}) || {_key(_OTHER)} < {_key(v)})) }} "
    )


def given_variables(sparql: str) -> set[str]:
    """Variables whose values the text gives itself: a VALUES block's variables (parameters
    are bound that way) and the targets of ``AS`` (BIND, projections). They keep the value
    they are given; a filter on them would drop a row that names a non-representative IRI."""
    given: set[str] = set()
    in_values = False
    last = None
    for tok in tokens(sparql):
        if tok.keyword == "VALUES":
            in_values = True
        elif in_values and tok.kind == "var":
            given.add(tok.text[1:])
        elif tok.kind == "punct" and tok.text == "{":
            in_values = False
        if tok.kind == "var" and last is not None and last.keyword == "AS":
            given.add(tok.text[1:])
        last = tok
    return given


def filtered_variables(
    patterns: Iterable[tuple[Pattern, bool]], given: set[str]
) -> dict[int, list[str]]:
    """For each group, the variables to restrict to representatives: those bound by a pattern
    that crosses identities (``crosses``), unless the text gives their value or a pattern
    that does not cross (a variable predicate, ``owl:sameAs`` itself) also binds them: that
    pattern matches the IRI as stated, which may be another IRI of the class."""
    listed = list(patterns)
    stated: set[str] = set(given)
    for pattern, crosses in listed:
        if not crosses:
            stated.update(_terms(pattern))
    groups: dict[int, list[str]] = {}
    for pattern, crosses in listed:
        if not crosses or pattern.group < 0:
            continue
        names = groups.setdefault(pattern.group, [])
        for var in _terms(pattern):
            if var not in stated and var not in names:
                names.append(var)
    return groups


def _terms(pattern: Pattern) -> list[str]:
    return ([pattern.subject] if pattern.subject else []) + pattern.objects
