"""Query-time entailment: widen a query's predicates into property paths that follow the schema.

What is entailed (docs/entailment.md): ``rdf:type`` along ``rdfs:subClassOf`` and
``owl:equivalentClass`` (both ways); a property's triples include those of its subproperties
and equivalent properties; ``rdfs:subClassOf`` and ``rdfs:subPropertyOf`` are transitive;
``isa95:partOf`` and every property declared ``owl:TransitiveProperty`` are closed
transitively, counting the edges of their ``owl:inverseOf`` properties read backwards, and those
inverses are answered from the same closure; when the store states ``owl:sameAs``, patterns
reach the facts of every IRI of an identity class (store/identity.py). No
``rdfs:domain``/``rdfs:range`` entailment.

Nothing is materialised: loads, drops and updates write only what they are given, and a query's
cost grows with what it asks. The schema facts the rewriting needs (which properties have
subproperties, which are transitive, which classes have subclasses) are read from the store with
one query and cached until the store changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from otmlops.store import identity
from otmlops.store.sparql_verbs import RDF_TYPE, Pattern, VerbSite, walk_patterns

RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
RDFS_SUBPROPERTY = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf"
OWL_EQ_CLASS = "http://www.w3.org/2002/07/owl#equivalentClass"
OWL_EQ_PROPERTY = "http://www.w3.org/2002/07/owl#equivalentProperty"
OWL_TRANSITIVE = "http://www.w3.org/2002/07/owl#TransitiveProperty"
OWL_INVERSE = "http://www.w3.org/2002/07/owl#inverseOf"
ISA95_PART_OF = "https://w3id.org/otmlops/isa95#partOf"

#: Transitive whether or not the ontology is loaded (it is declared so in isa95.ttl too).
ALWAYS_TRANSITIVE = (ISA95_PART_OF,)

_PROP_STEP = f"(<{RDFS_SUBPROPERTY}>|<{OWL_EQ_PROPERTY}>|^<{OWL_EQ_PROPERTY}>)"

Select = Callable[[str], Sequence[ox.QuerySolution]]


@dataclass(frozen=True)
class Rules:
    """The schema facts that decide how each predicate is widened."""

    subproperties: dict[str, frozenset[str]] = field(default_factory=dict)
    transitive: frozenset[str] = frozenset(ALWAYS_TRANSITIVE)
    #: transitive property -> properties stated inverse to it (and their subproperties)
    inverse_edges: dict[str, frozenset[str]] = field(default_factory=dict)
    #: property stated inverse to a transitive one -> that transitive property
    inverse_of_transitive: dict[str, str] = field(default_factory=dict)
    subclassed: frozenset[str] = frozenset()
    equivalent_classes: bool = False
    #: Properties that some triple in the store uses (None: assume all). Alternatives for
    #: unused ones are left out of the paths: each costs an index lookup per path step, and
    #: the bundled alignments declare a dozen subproperties of isa95:partOf that a given plant
    #: rarely uses.
    used: frozenset[str] | None = None
    #: The store states some ``owl:sameAs``: patterns cross identities (store/identity.py).
    identities: bool = False
    #: The IRIs that are not their identity class's representative (None: too many to list).
    stand_ins: frozenset[str] | None = None

    def _in_use(self, props: Iterable[str]) -> list[str]:
        return sorted(p for p in props if self.used is None or p in self.used)

    def step(self, prop: str) -> str:
        """One step of a transitive property: itself, its subproperties, its inverses
        backwards."""
        steps = [f"<{prop}>"] + [f"<{s}>" for s in self._in_use(self.subproperties.get(prop, ()))]
        steps += [f"^<{i}>" for i in self._in_use(self.inverse_edges.get(prop, ()))]
        return "(" + "|".join(steps) + ")"

    def closure(self, prop: str) -> str:
        return self.step(prop) + "+"

    def class_step(self) -> str:
        """One step up the class hierarchy (equivalent classes both ways, if any are stated)."""
        return (
            f"(<{RDFS_SUBCLASS}>|<{OWL_EQ_CLASS}>|^<{OWL_EQ_CLASS}>)"
            if self.equivalent_classes
            else f"<{RDFS_SUBCLASS}>"
        )

    def closure_step(self, iri: str) -> str | None:
        """The step whose transitive closure ``iri`` is read as, or None if it is not read as
        a closure: the class and property hierarchies and the transitive properties."""
        if iri == RDFS_SUBCLASS:
            return self.class_step()
        if iri == RDFS_SUBPROPERTY:
            return _PROP_STEP
        if iri in self.transitive:
            return self.step(iri)
        return None

    def type_path(self) -> str:
        return f"(<{RDF_TYPE}>/{self.class_step()}*)"

    def path_for(self, iri: str, objects: Sequence[str | None] | None) -> str | None:
        """The path that replaces ``iri`` in a pattern, or None to leave it as it is.
        ``objects`` are the object IRIs of a simple ``?s iri O`` pattern (None: unknown)."""
        if iri == RDF_TYPE:
            if objects and all(o is not None and o not in self.subclassed for o in objects):
                return None
            return self.type_path()
        step = self.closure_step(iri)
        if step is not None:
            return f"({step}+)"
        if iri in self.inverse_of_transitive:
            return "(^" + self.closure(self.inverse_of_transitive[iri]) + ")"
        subs = self._in_use(self.subproperties.get(iri, ()))
        if not subs:
            return None
        steps = [f"<{iri}>"] + [
            f"({self.closure(s)})" if s in self.transitive else f"<{s}>" for s in subs
        ]
        return "(" + "|".join(steps) + ")"


#: Every IRI that can be a candidate of ``Rules.used``: a superset of them (any IRI next to a
#: schema property, the transitive ones), each kept if some triple uses it.
_USED_CANDIDATES = (
    f"{{ ?p (<{RDFS_SUBPROPERTY}>|^<{RDFS_SUBPROPERTY}>|<{OWL_EQ_PROPERTY}>|^<{OWL_EQ_PROPERTY}>"
    f"|<{OWL_INVERSE}>|^<{OWL_INVERSE}>) ?q }} UNION {{ ?p a <{OWL_TRANSITIVE}> }} "
    + " ".join(f"UNION {{ VALUES ?p {{ <{p}> }} }}" for p in ALWAYS_TRANSITIVE)
)
#: All the schema facts in one request, one branch per kind (``?k``) with up to two IRIs
#: (``?a``, ``?b``): eight queries, each a round trip to a remote store, had been read one by
#: one after every write.
RULES_QUERY = (
    "SELECT ?k ?a ?b WHERE { "
    f'{{ SELECT DISTINCT ("sub" AS ?k) (?s AS ?a) (?p AS ?b) WHERE {{ ?s {_PROP_STEP}+ ?p '
    "FILTER(isIRI(?s) && isIRI(?p) && ?s != ?p) } } "
    f'UNION {{ SELECT DISTINCT ("transitive" AS ?k) (?p AS ?a) WHERE {{ ?p a <{OWL_TRANSITIVE}> '
    "FILTER(isIRI(?p)) } } "
    f'UNION {{ SELECT DISTINCT ("inverse" AS ?k) ?a ?b WHERE {{ ?a <{OWL_INVERSE}> ?b '
    "FILTER(isIRI(?a) && isIRI(?b)) } } "
    f'UNION {{ SELECT DISTINCT ("subclassed" AS ?k) (?c AS ?a) WHERE {{ '
    f"{{ ?x <{RDFS_SUBCLASS}> ?c FILTER(?x != ?c) }} UNION {{ ?c <{OWL_EQ_CLASS}> ?x }} "
    f"UNION {{ ?x <{OWL_EQ_CLASS}> ?c }} FILTER(isIRI(?c)) }} }} "
    f'UNION {{ SELECT ("equivalent" AS ?k) WHERE {{ ?x <{OWL_EQ_CLASS}> ?y }} LIMIT 1 }} '
    f'UNION {{ SELECT DISTINCT ("used" AS ?k) (?p AS ?a) WHERE {{ {_USED_CANDIDATES} '
    "FILTER(isIRI(?p)) FILTER EXISTS { ?s ?p ?o } } } "
    f'UNION {{ SELECT ("same" AS ?k) WHERE {{ ?x <{identity.SAME_AS}> ?y }} LIMIT 1 }} '
    f'UNION {{ SELECT ("link" AS ?k) ?a ?b WHERE {{ ?a <{identity.SAME_AS}> ?b '
    f"FILTER(isIRI(?a) && isIRI(?b)) }} LIMIT {identity.LINKS_READ + 1} }} "
    "}"
)


def read_rules(select: Select) -> Rules:
    """The rules for the data ``select`` answers over (the store's union default graph), read
    with one query (RULES_QUERY)."""
    facts: dict[str, list[tuple[str, str]]] = {}
    for row in select(RULES_QUERY):
        a, b = row["a"], row["b"]
        facts.setdefault(str(row["k"].value), []).append(
            (str(a.value) if a is not None else "", str(b.value) if b is not None else "")
        )
    subs: dict[str, set[str]] = {}
    for s, p in facts.get("sub", ()):
        subs.setdefault(p, set()).add(s)
    transitive = set(ALWAYS_TRANSITIVE) | {p for p, _ in facts.get("transitive", ())}
    inverse_edges: dict[str, set[str]] = {}
    inverse_of: dict[str, str] = {}
    for a, b in facts.get("inverse", ()):
        for t, i in ((a, b), (b, a)):
            if t in transitive:
                inverse_edges.setdefault(t, set()).update({i} | subs.get(i, set()))
                if i not in transitive:
                    inverse_of.setdefault(i, t)
    subclassed = frozenset(c for c, _ in facts.get("subclassed", ()))
    candidates = set(transitive) | set(inverse_of)
    for group in (*subs.values(), *inverse_edges.values()):
        candidates |= group
    used = frozenset(p for p, _ in facts.get("used", ()) if p in candidates)
    identities = "same" in facts
    stand_ins = None
    links = facts.get("link", [])
    if identities and len(links) <= identity.LINKS_READ:
        stand_ins = identity.stand_ins(links)
    return Rules(
        identities=identities,
        stand_ins=stand_ins,
        subproperties={p: frozenset(s) for p, s in subs.items()},
        transitive=frozenset(transitive),
        inverse_edges={t: frozenset(s) for t, s in inverse_edges.items()},
        inverse_of_transitive=inverse_of,
        subclassed=subclassed,
        equivalent_classes="equivalent" in facts,
        used=used,
    )


#: Predicates whose patterns do not cross identities: the schema, and ``owl:sameAs`` itself
#: (a pattern that asks for it gets the links as stated).
NOT_ACROSS = frozenset(
    {RDFS_SUBCLASS, RDFS_SUBPROPERTY, OWL_EQ_CLASS, OWL_EQ_PROPERTY, OWL_INVERSE, identity.SAME_AS}
)


def rewrite(sparql: str, rules: Rules, *, identities: bool = True) -> str:
    """``sparql`` with every widenable predicate of its patterns replaced by its path, and,
    when the store states ``owl:sameAs`` and ``identities`` is set, its patterns reading
    across identity classes (store/identity.py).

    Raises ``Unfollowable`` for text the verb finder cannot follow: running it unchanged would
    drop entailment without saying so (the store turns this into a usage error)."""
    walk = walk_patterns(sparql)
    edits: list[tuple[int, int, str]] = []
    if rules.identities and identities:
        crossing: list[tuple[Pattern, bool]] = []
        for pattern in walk.patterns:
            crosses = not pattern.verb.variable and any(
                site.iri not in NOT_ACROSS for site in pattern.verb.sites
            )
            if crosses and _is_type(pattern):  # classes: no representative to pick
                crossing.append((replace(pattern, objects=[]), True))
            else:
                crossing.append((pattern, crosses))
            for site in pattern.verb.sites:
                edits.extend(_site_edits(site, rules, across=crosses, late=True))
        given = identity.given_variables(sparql)
        for group, names in identity.filtered_variables(crossing, given).items():
            at = walk.groups[group]
            text = "".join(identity.representative_filter(v, rules.stand_ins) for v in names)
            edits.append((at, at, text))
    else:
        for site in walk.sites:
            edits.extend(_site_edits(site, rules, across=False))
    for start, end, path in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        sparql = sparql[:start] + path + sparql[end:]
    return sparql


def _is_type(pattern: Pattern) -> bool:
    sites = pattern.verb.sites
    return len(sites) == 1 and sites[0].simple and sites[0].iri == RDF_TYPE


def _site_edits(
    site: VerbSite, rules: Rules, *, across: bool, late: bool = False
) -> list[tuple[int, int, str]]:
    """The edits that widen one IRI of a verb (``across``: and let it cross identities;
    ``late``: the query crosses identities, so a schema closure written with ``*`` or ``?``,
    which does not cross, carries ``identity.NEVER`` too: Oxigraph's planner would otherwise
    start from it, over every node, since every crossing path is estimated larger)."""
    tok, mod = site.token, site.modifier
    step = rules.closure_step(site.iri)
    if late and step is not None and site.iri in NOT_ACROSS and mod is not None and mod.text != "+":
        return [(tok.start, mod.end, f"({step}*|{identity.NEVER})")]
    across = across and site.iri not in NOT_ACROSS
    if step is not None and across:
        # a transitive property: identity may change before, between and after its steps
        if mod is None or mod.text == "+":
            return [(tok.start, mod.end if mod else tok.end, identity.closure_across(step))]
        return [(tok.start, mod.end, identity.star_across(step))]
    if mod is not None and step is not None:
        # ``T+``/``T*`` already ask for the closure: widen the step, keep the modifier
        # (a closure of a closure would make Oxigraph repeat the walk from every node)
        edits = [(tok.start, tok.end, step)]
        if mod.text == "?":  # zero or one step of a transitive relation is zero or more
            edits.append((mod.start, mod.end, "*"))
        return edits
    if across and site.iri in rules.inverse_of_transitive:
        inner = rules.step(rules.inverse_of_transitive[site.iri])
        return [(tok.start, tok.end, f"(^{identity.closure_across(inner)})")]
    path = rules.path_for(site.iri, site.objects if site.simple else None)
    if across and site.iri == RDF_TYPE:
        named = site.simple and bool(site.objects) and all(o is not None for o in site.objects)
        crossing = identity.subject_across(path or f"<{site.iri}>", late=not named)
        return [(tok.start, tok.end, crossing)]
    if across:
        return [(tok.start, tok.end, identity.across(path or f"<{site.iri}>"))]
    return [] if path is None else [(tok.start, tok.end, path)]
