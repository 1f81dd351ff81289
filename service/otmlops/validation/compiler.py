"""Compile a SHACL shapes graph into whole-graph SPARQL queries (the fast engine's plan).

pySHACL evaluates constraints focus node by focus node; here every constraint of every shape
becomes one SELECT query over the whole data graph whose solutions are the validation results
(?this = focus node, ?value, optionally ?path). A shapes graph that uses a feature compiled
nowhere here is reported in ``Plan.unsupported``; the caller then validates it with pySHACL, so
results never depend on what this module implements.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from otmlops.store.sparql_text import replace_variables, tokens, variables
from otmlops.validation.paths import UnsupportedPath, path_to_sparql
from otmlops.validation.terms import sparql_term

#: Replaced at run time by a VALUES clause that restricts focus nodes (incremental validation).
RESTRICT = "#<otmlops:restrict>#"

_TYPE = f"<{RDF.type}>/<{RDFS.subClassOf}>*"

#: Shape predicates this compiler understands (anything else in sh: means fall back).
_KNOWN = {
    SH[n]
    for n in (
        "targetClass targetNode targetSubjectsOf targetObjectsOf property path severity message name "
        "description deactivated order group defaultValue class datatype nodeKind in hasValue "
        "minCount maxCount minInclusive minExclusive maxInclusive maxExclusive minLength maxLength "
        "pattern flags languageIn uniqueLang equals disjoint lessThan lessThanOrEquals closed "
        "ignoredProperties sparql and or not xone node"
    ).split()
}

#: Datatypes whose well-formedness SPARQL casts can check; values of other XSD datatypes fall back.
_CASTABLE = {XSD[n] for n in ("integer decimal double float boolean dateTime date time").split()}
_NO_LEXICAL_CHECK = {XSD.string, RDF.langString, RDF.HTML, RDF.XMLLiteral, XSD.anyURI}

_NODE_KINDS: dict[Node, str] = {
    SH.IRI: "isIRI(?value)",
    SH.BlankNode: "isBlank(?value)",
    SH.Literal: "isLiteral(?value)",
    SH.BlankNodeOrIRI: "(isIRI(?value) || isBlank(?value))",
    SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
}


#: Compiles one constraint parameter of a shape into checks.
_Compiler = Callable[["_Ctx", Node], "list[Check]"]


class Unsupported(Exception):
    """A shape uses something the fast engine does not compile."""


@dataclass(frozen=True)
class Check:
    """One constraint of one shape as a query; each solution is one validation result."""

    shape: Node
    component: URIRef
    severity: URIRef
    query: str
    path: str | None = None
    path_node: Node | None = None
    messages: tuple[Literal, ...] = ()
    constraint: Node | None = None
    node_shape: bool = False
    derived_focus: bool = False
    #: A variant that is faster when focus nodes are restricted to a few (None: use ``query``).
    restricted_query: str | None = None


@dataclass
class Plan:
    checks: list[Check] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.unsupported


def compile_shapes(shapes: Graph) -> Plan:
    """Compile every shape that has targets, with the property shapes it reaches."""
    plan = Plan()
    if any(shapes.subjects(RDF.type, SH.ConstraintComponent)) or any(
        (None, p, None) in shapes
        for p in (SH.parameter, SH.validator, SH.nodeValidator, SH.propertyValidator)
    ):
        plan.unsupported.append("SPARQL-based constraint components")
        return plan
    for pred in (SH.target, SH.rule, SH.shapesGraph, SH.entailment):
        if (None, pred, None) in shapes:
            plan.unsupported.append(f"{pred.n3(shapes.namespace_manager)}")
    if plan.unsupported:
        return plan
    for root in _roots(shapes):
        try:
            focus = _target_pattern(shapes, root)
            plan.checks.extend(_compile_shape(shapes, root, focus, derived=False, seen=()))
        except (Unsupported, UnsupportedPath) as exc:
            plan.unsupported.append(f"{root.n3()}: {exc}")
    return plan


# -- shapes and targets ---------------------------------------------------------------------


def _class_types(g: Graph) -> set[Node]:
    types: set[Node] = {RDFS.Class, OWL.Class}
    types.update(g.subjects(RDFS.subClassOf, RDFS.Class))
    return types


def _roots(g: Graph) -> list[Node]:
    class_types = _class_types(g)
    roots: set[Node] = set()
    for pred in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        roots.update(g.subjects(pred, None))
    for shape_type in (SH.NodeShape, SH.PropertyShape):
        for s in g.subjects(RDF.type, shape_type):
            if any(t in class_types for t in g.objects(s, RDF.type)):
                roots.add(s)
    return sorted(roots, key=lambda n: n.n3())


def _target_pattern(g: Graph, shape: Node) -> str:
    parts: list[str] = []
    for c in g.objects(shape, SH.targetClass):
        parts.append(f"?this {_TYPE} {_iri(c)} .")
    if any(t in _class_types(g) for t in g.objects(shape, RDF.type)) and (
        (shape, RDF.type, SH.NodeShape) in g or (shape, RDF.type, SH.PropertyShape) in g
    ):
        parts.append(f"?this {_TYPE} {_iri(shape)} .")
    nodes = list(g.objects(shape, SH.targetNode))
    if nodes:
        parts.append("VALUES ?this { " + " ".join(_term(n) for n in nodes) + " }")
    for p in g.objects(shape, SH.targetSubjectsOf):
        parts.append(f"?this {_iri(p)} ?__o .")
    for p in g.objects(shape, SH.targetObjectsOf):
        parts.append(f"?__s {_iri(p)} ?this .")
    union = " UNION ".join("{ " + p + " }" for p in parts)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {RESTRICT} {union} }} }}"


def _compile_shape(
    g: Graph, shape: Node, focus: str, *, derived: bool, seen: tuple[Node, ...]
) -> list[Check]:
    if shape in seen:
        raise Unsupported("recursive shapes")
    if (shape, SH.deactivated, Literal(True)) in g:
        return []
    unknown = {
        p for p in g.predicates(shape, None) if str(p).startswith(str(SH)) and p not in _KNOWN
    }
    if unknown:
        raise Unsupported("uses " + ", ".join(sorted(p.n3(g.namespace_manager) for p in unknown)))
    path_node = g.value(shape, SH.path)
    path = path_to_sparql(g, path_node) if path_node is not None else None
    ctx = _Ctx(g, shape, focus, path, path_node, derived)
    checks: list[Check] = []
    for pred, fn in _COMPONENTS.items():
        for obj in g.objects(shape, pred):
            checks.extend(fn(ctx, obj))
    if (shape, SH.closed, Literal(True)) in g:
        checks.extend(_closed(ctx))
    for sparql in g.objects(shape, SH.sparql):
        checks.extend(_sparql(ctx, sparql))
    for child in g.objects(shape, SH.property):
        if g.value(child, SH.path) is None:
            raise Unsupported("sh:property without sh:path")
        if path is None:
            child_focus = focus
            child_derived = derived
        else:
            child_focus = (
                f"{{ SELECT DISTINCT (?__v AS ?this) WHERE {{ "
                f"{{ SELECT (?this AS ?__f) WHERE {{ {focus} }} }} ?__f {path} ?__v }} }}"
            )
            child_derived = True
        checks.extend(
            _compile_shape(g, child, child_focus, derived=child_derived, seen=seen + (shape,))
        )
    return checks


@dataclass
class _Ctx:
    g: Graph
    shape: Node
    focus: str
    path: str | None
    path_node: Node | None
    derived: bool

    @property
    def values(self) -> str:
        """Pattern binding ?value to each value node of ?this."""
        return f"?this {self.path} ?value ." if self.path else "BIND (?this AS ?value)"

    def check(self, component: str, query: str, constraint: Node | None = None) -> Check:
        sev = self.g.value(self.shape, SH.severity) or SH.Violation
        if not isinstance(sev, URIRef):
            raise Unsupported("sh:severity must be an IRI")
        msgs = tuple(
            m
            for m in self.g.objects(constraint or self.shape, SH.message)
            if isinstance(m, Literal)
        )
        if constraint is not None and not msgs:
            msgs = tuple(
                m for m in self.g.objects(self.shape, SH.message) if isinstance(m, Literal)
            )
        return Check(
            shape=self.shape,
            component=SH[component + "ConstraintComponent"],
            severity=sev,
            query=query,
            path=self.path,
            path_node=self.path_node,
            messages=msgs,
            constraint=constraint,
            node_shape=self.path is None,
            derived_focus=self.derived,
        )

    def filter_query(self, condition: str) -> str:
        return (
            f"SELECT DISTINCT ?this ?value WHERE {{ {self.focus} {self.values} "
            f"FILTER ({condition}) }}"
        )


# -- core constraint components ---------------------------------------------------------------


def _class(ctx: _Ctx, c: Node) -> list[Check]:
    # Whole graph: one anti-join (MINUS) against all instances of the class. A few focus nodes
    # (incremental runs): a per-value test, with the subclass path evaluated with both ends bound.
    full = (
        f"SELECT DISTINCT ?this ?value WHERE {{ {ctx.focus} {ctx.values} "
        f"MINUS {{ ?__t <{RDFS.subClassOf}>* {_term(c)} . ?value <{RDF.type}> ?__t }} }}"
    )
    few = (
        f"SELECT DISTINCT ?this ?value WHERE {{ {ctx.focus} {ctx.values} "
        f"FILTER NOT EXISTS {{ ?value <{RDF.type}> ?__t . "
        f"FILTER EXISTS {{ ?__t <{RDFS.subClassOf}>* {_term(c)} }} }} }}"
    )
    return [replace(ctx.check("Class", full), restricted_query=few)]


def _datatype(ctx: _Ctx, dt: Node) -> list[Check]:
    return [ctx.check("Datatype", ctx.filter_query(f"!{_datatype_ok(dt)}"))]


def _node_kind(ctx: _Ctx, kind: Node) -> list[Check]:
    if kind not in _NODE_KINDS:
        raise Unsupported(f"unknown node kind {kind!r}")
    return [ctx.check("NodeKind", ctx.filter_query(f"!{_NODE_KINDS[kind]}"))]


def _in(ctx: _Ctx, lst: Node) -> list[Check]:
    members = list(Collection(ctx.g, lst))
    cond = " || ".join(f"sameTerm(?value, {_term(m)})" for m in members) or "false"
    return [ctx.check("In", ctx.filter_query(f"!({cond})"))]


def _has_value(ctx: _Ctx, v: Node) -> list[Check]:
    if ctx.path is None:
        q = f"SELECT DISTINCT ?this WHERE {{ {ctx.focus} FILTER (!sameTerm(?this, {_term(v)})) }}"
    else:
        q = (
            f"SELECT DISTINCT ?this WHERE {{ {ctx.focus} "
            f"FILTER NOT EXISTS {{ ?this {ctx.path} {_term(v)} }} }}"
        )
    return [ctx.check("HasValue", q)]


def _count(op: str, component: str) -> _Compiler:
    def compile_(ctx: _Ctx, n: Node) -> list[Check]:
        if ctx.path is None:
            raise Unsupported(f"sh:{component[0].lower() + component[1:]} on a node shape")
        limit = _integer(n)
        if op == "<" and limit <= 0:
            return []
        q = (
            f"SELECT ?this WHERE {{ {ctx.focus} OPTIONAL {{ ?this {ctx.path} ?value }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {op} {limit})"
        )
        return [ctx.check(component, q)]

    return compile_


def _compare(op: str, component: str) -> _Compiler:
    def compile_(ctx: _Ctx, bound: Node) -> list[Check]:
        return [
            ctx.check(component, ctx.filter_query(f"!COALESCE(?value {op} {_term(bound)}, false)"))
        ]

    return compile_


def _length(op: str, component: str) -> _Compiler:
    def compile_(ctx: _Ctx, n: Node) -> list[Check]:
        limit = _integer(n)
        cond = f"!COALESCE(!isBlank(?value) && STRLEN(STR(?value)) {op} {limit}, false)"
        return [ctx.check(component, ctx.filter_query(cond))]

    return compile_


def _pattern(ctx: _Ctx, pattern: Node) -> list[Check]:
    flags = ctx.g.value(ctx.shape, SH.flags)
    args = _term(Literal(str(pattern)))
    if flags is not None:
        args += ", " + _term(Literal(str(flags)))
    cond = f"!COALESCE(!isBlank(?value) && REGEX(STR(?value), {args}), false)"
    return [ctx.check("Pattern", ctx.filter_query(cond))]


def _language_in(ctx: _Ctx, lst: Node) -> list[Check]:
    tags = [str(t) for t in Collection(ctx.g, lst)]
    cond = " || ".join(f"langMatches(lang(?value), {_term(Literal(t))})" for t in tags) or "false"
    return [
        ctx.check(
            "LanguageIn", ctx.filter_query(f"!COALESCE(isLiteral(?value) && ({cond}), false)")
        )
    ]


def _unique_lang(ctx: _Ctx, flag: Node) -> list[Check]:
    if flag != Literal(True):
        return []
    if ctx.path is None:
        raise Unsupported("sh:uniqueLang on a node shape")
    q = (
        f"SELECT DISTINCT ?this ?__lang WHERE {{ {ctx.focus} ?this {ctx.path} ?__a . "
        f"?this {ctx.path} ?__b . BIND (LCASE(lang(?__a)) AS ?__lang) "
        f'FILTER (!sameTerm(?__a, ?__b) && ?__lang != "" && ?__lang = LCASE(lang(?__b))) }}'
    )
    return [ctx.check("UniqueLang", q)]


def _pair(component: str) -> _Compiler:
    def compile_(ctx: _Ctx, other: Node) -> list[Check]:
        p2 = _iri(other)
        v = ctx.values
        if component == "Equals":
            q = (
                f"SELECT DISTINCT ?this ?value WHERE {{ "
                f"{{ {ctx.focus} {v} FILTER NOT EXISTS {{ ?this {p2} ?value }} }} UNION "
                f"{{ {ctx.focus} ?this {p2} ?value . "
                f"FILTER NOT EXISTS {{ {_values_exists(ctx)} }} }} }}"
            )
        elif component == "Disjoint":
            q = f"SELECT DISTINCT ?this ?value WHERE {{ {ctx.focus} {v} ?this {p2} ?value . }}"
        else:
            if ctx.path is None:
                raise Unsupported(f"sh:{component} on a node shape")
            op = "<" if component == "LessThan" else "<="
            q = (
                f"SELECT DISTINCT ?this ?value WHERE {{ {ctx.focus} {v} ?this {p2} ?__o . "
                f"FILTER (!COALESCE(?value {op} ?__o, false)) }}"
            )
        return [ctx.check(component, q)]

    return compile_


def _values_exists(ctx: _Ctx) -> str:
    if ctx.path is None:
        return "FILTER (sameTerm(?this, ?value))"
    return f"?this {ctx.path} ?value ."


def _closed(ctx: _Ctx) -> list[Check]:
    allowed: set[Node] = set()
    for prop in ctx.g.objects(ctx.shape, SH.property):
        p = ctx.g.value(prop, SH.path)
        if isinstance(p, URIRef):
            allowed.add(p)
    for lst in ctx.g.objects(ctx.shape, SH.ignoredProperties):
        allowed.update(Collection(ctx.g, lst))
    cond = " && ".join(f"!sameTerm(?path, {_iri(p)})" for p in sorted(allowed, key=str)) or "true"
    if ctx.path is not None:
        raise Unsupported("sh:closed on a property shape")
    q = (
        f"SELECT DISTINCT ?this ?path ?value WHERE {{ {ctx.focus} ?this ?path ?value . "
        f"FILTER ({cond}) }}"
    )
    return [ctx.check("Closed", q)]


# -- logical components over value-level shapes ------------------------------------------------


def _ok_condition(g: Graph, shape: Node, depth: int = 0) -> str:
    """A SPARQL expression true when ?value conforms to ``shape``.

    Only shapes without a path whose constraints each look at the value node alone (class,
    datatype, node kind, in, hasValue, ranges, lengths, pattern, languageIn and nested
    and/or/not/xone/node of such shapes) compile; anything else falls back to pySHACL.
    """
    if depth > 8:
        raise Unsupported("logical shapes nested too deeply")
    if g.value(shape, SH.path) is not None or (shape, SH.property, None) in g:
        raise Unsupported("sh:and/or/not/xone/node over shapes with property shapes")
    if (shape, SH.deactivated, Literal(True)) in g:
        return "true"
    parts: list[str] = []
    for pred, obj in g.predicate_objects(shape):
        if not str(pred).startswith(str(SH)) or pred in (
            SH.message,
            SH.name,
            SH.description,
            SH.severity,
            SH.order,
            SH.group,
        ):
            continue
        if pred in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            continue  # targets of a nested shape play no role here
        parts.append(_ok_for(g, shape, pred, obj, depth))
    return "(" + " && ".join(parts) + ")" if parts else "true"


def _ok_for(g: Graph, shape: Node, pred: Node, obj: Node, depth: int) -> str:
    if pred == SH["class"]:
        return (
            f"EXISTS {{ ?value <{RDF.type}> ?__t . "
            f"FILTER EXISTS {{ ?__t <{RDFS.subClassOf}>* {_term(obj)} }} }}"
        )
    if pred == SH.datatype:
        return _datatype_ok(obj)
    if pred == SH.nodeKind:
        if obj not in _NODE_KINDS:
            raise Unsupported(f"unknown node kind {obj!r}")
        return _NODE_KINDS[obj]
    if pred == SH["in"]:
        return (
            "("
            + (" || ".join(f"sameTerm(?value, {_term(m)})" for m in Collection(g, obj)) or "false")
            + ")"
        )
    if pred == SH.hasValue:
        return f"sameTerm(?value, {_term(obj)})"
    ops: dict[Node, str] = {
        SH.minInclusive: ">=",
        SH.minExclusive: ">",
        SH.maxInclusive: "<=",
        SH.maxExclusive: "<",
    }
    if pred in ops:
        return f"COALESCE(?value {ops[pred]} {_term(obj)}, false)"
    if pred in (SH.minLength, SH.maxLength):
        op = ">=" if pred == SH.minLength else "<="
        return f"COALESCE(!isBlank(?value) && STRLEN(STR(?value)) {op} {_integer(obj)}, false)"
    if pred == SH.pattern:
        flags = g.value(shape, SH.flags)
        args = _term(Literal(str(obj))) + (
            ", " + _term(Literal(str(flags))) if flags is not None else ""
        )
        return f"COALESCE(!isBlank(?value) && REGEX(STR(?value), {args}), false)"
    if pred == SH.flags:
        return "true"
    if pred == SH.languageIn:
        tags = (
            " || ".join(
                f"langMatches(lang(?value), {_term(Literal(str(x)))})" for x in Collection(g, obj)
            )
            or "false"
        )
        return f"COALESCE(isLiteral(?value) && ({tags}), false)"
    if pred in (SH["and"], SH["or"], SH.xone):
        members = [_ok_condition(g, m, depth + 1) for m in Collection(g, obj)]
        if pred == SH["and"]:
            return "(" + (" && ".join(members) or "true") + ")"
        if pred == SH["or"]:
            return "(" + (" || ".join(members) or "false") + ")"
        return (
            "((" + " + ".join(f"IF({m}, 1, 0)" for m in members) + ") = 1)" if members else "false"
        )
    if pred == SH["not"]:
        return f"!{_ok_condition(g, obj, depth + 1)}"
    if pred == SH.node:
        return _ok_condition(g, obj, depth + 1)
    raise Unsupported(f"{pred} inside a logical constraint")


def _datatype_ok(dt: Node) -> str:
    if not isinstance(dt, URIRef):
        raise Unsupported("sh:datatype must be an IRI")
    ok = f"isLiteral(?value) && sameTerm(datatype(?value), {_iri(dt)})"
    if dt in _CASTABLE:
        ok += f" && isLiteral({_iri(dt)}(STR(?value)))"
    elif dt not in _NO_LEXICAL_CHECK and str(dt).startswith(str(XSD)):
        raise Unsupported(f"well-formedness of {dt.n3()} values")
    return f"COALESCE({ok}, false)"


def _logical(component: str) -> _Compiler:
    def compile_(ctx: _Ctx, obj: Node) -> list[Check]:
        ok = _ok_for(ctx.g, ctx.shape, SH[component[0].lower() + component[1:]], obj, 0)
        if component == "Not":
            cond = ok[1:]  # the member conforms: that is the violation
        else:
            cond = f"!{ok}"
        return [ctx.check(component, ctx.filter_query(cond))]

    return compile_


# -- SHACL-SPARQL ----------------------------------------------------------------------------


def _sparql(ctx: _Ctx, constraint: Node) -> list[Check]:
    g = ctx.g
    if (constraint, SH.deactivated, Literal(True)) in g:
        return []
    select = g.value(constraint, SH.select)
    if select is None:
        raise Unsupported("sh:sparql without sh:select")
    text = str(select)
    used = variables(text)
    if "shapesGraph" in used:
        raise Unsupported("$shapesGraph in a SPARQL constraint")
    if "currentShape" in used:
        if not isinstance(ctx.shape, URIRef):
            raise Unsupported("$currentShape of a blank node shape")
        text = replace_variables(
            text, {"$currentShape": f"<{ctx.shape}>", "?currentShape": f"<{ctx.shape}>"}
        )
    if "$PATH" in {t.text for t in tokens(text) if t.kind == "var"}:
        if ctx.path is None:
            raise Unsupported("$PATH in a node shape's SPARQL constraint")
        text = replace_variables(text, {"$PATH": ctx.path})
    _check_prebinding(text)
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in _prefixes(g, constraint).items())
    body = _inject_focus(text, ctx.focus)
    return [ctx.check("SPARQL", prologue + body, constraint=constraint)]


def _prefixes(g: Graph, constraint: Node) -> dict[str, str]:
    out: dict[str, str] = {}
    todo = list(g.objects(constraint, SH.prefixes))
    seen: set[Node] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for decl in g.objects(node, SH.declare):
            prefix, ns = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
            if prefix is not None and ns is not None:
                out[str(prefix)] = str(ns)
        todo.extend(g.objects(node, OWL.imports))
    return out


def _check_prebinding(query: str) -> None:
    """Refuse queries where joining the focus nodes in once is not the same as pre-binding.

    Pre-binding substitutes $this everywhere; a join at the outermost group is equivalent for
    $this in that group and in FILTER (NOT) EXISTS patterns, not in nested groups (UNION
    branches, sub-selects) where a FILTER or BIND would see it unbound. Such queries, and those
    SHACL forbids with pre-bound variables (MINUS, VALUES, SERVICE, AS $this), go to pySHACL.
    The text is read with the store's SPARQL lexer (strings, IRIs, comments skipped).
    """
    stack: list[tuple[str, int]] = []
    parens = 0
    toks = list(tokens(query))
    selects = 0
    for i, tok in enumerate(toks):
        kw = tok.keyword
        if kw in ("MINUS", "VALUES", "SERVICE") or (
            kw == "AS"
            and i + 1 < len(toks)
            and toks[i + 1].text[1:] == "this"
            and toks[i + 1].kind == "var"
        ):
            raise Unsupported("MINUS, VALUES, SERVICE or AS $this with pre-bound variables")
        if kw == "SELECT":
            selects += 1
        if tok.kind == "punct" and tok.text == "{":
            kind = "exists" if i and toks[i - 1].keyword == "EXISTS" else "group"
            stack.append((kind, parens))
            parens = 0
        elif tok.kind == "punct" and tok.text == "}":
            if stack:
                parens = stack.pop()[1]
        elif tok.kind == "punct" and tok.text == "(":
            parens += 1
        elif tok.kind == "punct" and tok.text == ")":
            parens -= 1
        elif (
            tok.kind == "var"
            and tok.text[1:] == "this"
            and len(stack) > 1
            and parens > 0
            and not any(kind == "exists" for kind, _ in stack[1:])
        ):
            raise Unsupported("$this in an expression inside a nested group")
    if selects > 1:
        raise Unsupported("sub-select in a SPARQL constraint")


def _inject_focus(query: str, focus: str) -> str:
    """Join the focus nodes into the outermost WHERE group (pre-binding of $this, once).

    They are also joined into each OPTIONAL group of that WHERE group that mentions $this: the
    result is the same (the outer ?this is already a focus node), and an engine that evaluates
    the optional part on its own then only looks at the focus nodes, not the whole graph.
    """
    toks = list(tokens(query))
    match: dict[int, int] = {}
    stack: list[int] = []
    for i, tok in enumerate(toks):
        if tok.kind == "punct" and tok.text == "{":
            stack.append(i)
        elif tok.kind == "punct" and tok.text == "}" and stack:
            match[stack.pop()] = i
    opens = [i for i, tok in enumerate(toks) if tok.kind == "punct" and tok.text == "{"]
    if not opens:
        raise Unsupported("SPARQL constraint without a WHERE group")
    where = opens[0]
    inject = [where]
    depth = 0
    for i in range(where + 1, match.get(where, len(toks))):
        tok = toks[i]
        if tok.kind == "punct" and tok.text == "{":
            depth += 1
            if (
                depth == 1
                and toks[i - 1].keyword == "OPTIONAL"
                and any(
                    t.kind == "var" and t.text[1:] == "this" for t in toks[i : match.get(i, i) + 1]
                )
            ):
                inject.append(i)
        elif tok.kind == "punct" and tok.text == "}":
            depth -= 1
    select = next((k for k in range(where) if toks[k].keyword == "SELECT"), None)
    if select is None:
        raise Unsupported("sh:select is not a SELECT query")
    first = select + 1
    if first < where and toks[first].keyword in ("DISTINCT", "REDUCED"):
        first += 1
    projection = toks[first:where]
    edits: list[tuple[int, str]] = [(toks[i].end, " " + focus + " ") for i in inject]
    if not any(t.kind == "var" and t.text[1:] == "this" for t in projection) and not (
        projection and projection[0].text == "*"
    ):
        edits.append((toks[first].start if first < len(toks) else len(query), "?this "))
    for at, text in sorted(edits, reverse=True):
        query = query[:at] + text + query[at:]
    return query


# -- helpers ---------------------------------------------------------------------------------


def _integer(node: Node) -> int:
    """A count or length parameter (an xsd:integer literal)."""
    if isinstance(node, Literal):
        try:
            return int(node)
        except ValueError:
            pass
    raise Unsupported(f"expected an integer, got {node!r}")


def _iri(node: Node) -> str:
    if not isinstance(node, URIRef):
        raise Unsupported(f"expected an IRI, got {node!r}")
    return f"<{node}>"


def _term(node: Node) -> str:
    if isinstance(node, BNode):
        raise Unsupported("blank node as a constraint parameter")
    return sparql_term(node)


_COMPONENTS = {
    SH["class"]: _class,
    SH.datatype: _datatype,
    SH.nodeKind: _node_kind,
    SH["in"]: _in,
    SH.hasValue: _has_value,
    SH.minCount: _count("<", "MinCount"),
    SH.maxCount: _count(">", "MaxCount"),
    SH.minInclusive: _compare(">=", "MinInclusive"),
    SH.minExclusive: _compare(">", "MinExclusive"),
    SH.maxInclusive: _compare("<=", "MaxInclusive"),
    SH.maxExclusive: _compare("<", "MaxExclusive"),
    SH.minLength: _length(">=", "MinLength"),
    SH.maxLength: _length("<=", "MaxLength"),
    SH.pattern: _pattern,
    SH.languageIn: _language_in,
    SH.uniqueLang: _unique_lang,
    SH.equals: _pair("Equals"),
    SH.disjoint: _pair("Disjoint"),
    SH.lessThan: _pair("LessThan"),
    SH.lessThanOrEquals: _pair("LessThanOrEquals"),
    SH["and"]: _logical("And"),
    SH["or"]: _logical("Or"),
    SH["not"]: _logical("Not"),
    SH.xone: _logical("Xone"),
    SH.node: _logical("Node"),
}
