"""Split a SPARQL 1.1 update request into its operations and read what each one writes.

The store needs this for two things. Every operation's WHERE clause must see what queries see
(the union of all graphs, with entailment, including what earlier operations of the request
wrote), which the embedded backend achieves by evaluating each WHERE as a query and feeding the
solutions to the operation's templates. And graphs the store manages (ontology, reference
mapping, meta, staging) must not be written by user updates, so the graphs each operation
writes are named here: template ``GRAPH`` blocks, ``WITH``, the targets of graph management
operations.

The parse follows the update grammar (SPARQL 1.1 Update, section 19) at the level of
operations; patterns and templates are kept as text slices of the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from otmlops.errors import UsageError
from otmlops.store.sparql_text import Prologue, Token, tokens

_GRAPH_OPS = frozenset({"LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY"})


@dataclass
class GraphRef:
    """A graph an operation names: an IRI, a template variable, DEFAULT, NAMED or ALL."""

    kind: str  # iri | var | DEFAULT | NAMED | ALL
    value: str = ""


@dataclass
class Operation:
    """One operation of an update request."""

    #: INSERT DATA, DELETE DATA, DELETE WHERE, MODIFY, or a graph operation keyword.
    kind: str
    #: The operation's own text, and the PREFIX/BASE declarations in scope before it.
    text: str
    prologue: str
    silent: bool = False
    #: MODIFY: WITH graph, the template texts (with braces), USING graphs, WHERE text.
    with_graph: str | None = None
    delete_template: str | None = None
    insert_template: str | None = None
    using: list[str] = field(default_factory=list)
    using_named: list[str] = field(default_factory=list)
    has_using: bool = False
    where: str | None = None
    #: Graphs written: template GRAPH blocks (iri or var), graph-operation targets.
    writes: list[GraphRef] = field(default_factory=list)
    #: Graphs a graph operation reads (ADD/MOVE/COPY source).
    source: GraphRef | None = None
    #: Whether templates (or data) write triples outside any GRAPH block.
    writes_default: bool = False


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = list(tokens(text))
        self.prologue = Prologue({})

    def tok(self, i: int) -> Token:
        if i >= len(self.toks):
            raise UsageError("the SPARQL update ends unexpectedly")
        return self.toks[i]

    def fail(self, i: int, what: str) -> UsageError:
        pos = self.toks[i].start if i < len(self.toks) else len(self.text)
        line = self.text.count("\n", 0, pos) + 1
        col = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        return UsageError(f"invalid SPARQL update at line {line}, column {col}: {what}")

    def iri(self, i: int) -> str:
        iri = self.prologue.resolve(self.tok(i))
        if iri is None:
            raise self.fail(i, f"expected an IRI, found {self.tok(i).text!r}")
        return iri

    def matching(self, i: int) -> int:
        """Index of the ``}`` closing the ``{`` at ``i``."""
        if not (self.tok(i).kind == "punct" and self.tok(i).text == "{"):
            raise self.fail(i, f"expected '{{', found {self.tok(i).text!r}")
        depth = 0
        for k in range(i, len(self.toks)):
            t = self.toks[k]
            if t.kind == "punct" and t.text == "{":
                depth += 1
            elif t.kind == "punct" and t.text == "}":
                depth -= 1
                if depth == 0:
                    return k
        raise self.fail(i, "unbalanced braces")

    def slice(self, i: int, j: int) -> str:
        """Text of tokens i..j inclusive."""
        return self.text[self.toks[i].start : self.toks[j].end]

    def parse(self) -> list[Operation]:
        ops: list[Operation] = []
        i = 0
        while i < len(self.toks):
            while (nxt := self.prologue.declare(self.toks, i)) is not None:
                i = nxt
                if i >= len(self.toks):
                    return ops
            start = i
            op, i = self.operation(i)
            op.text = self.slice(start, i - 1)
            ops.append(op)
            if i < len(self.toks):
                if not (self.toks[i].kind == "punct" and self.toks[i].text == ";"):
                    raise self.fail(
                        i, f"expected ';' between operations, found {self.toks[i].text!r}"
                    )
                i += 1
        return ops

    def operation(self, i: int) -> tuple[Operation, int]:
        kw = self.tok(i).keyword
        prologue = self.prologue.text()
        if kw in ("INSERT", "DELETE") and self.tok(i + 1).keyword == "DATA":
            op = Operation(f"{kw} DATA", "", prologue)
            end = self.matching(i + 2)
            self.template_writes(op, i + 2, end)
            return op, end + 1
        if kw == "DELETE" and self.tok(i + 1).keyword == "WHERE":
            op = Operation("DELETE WHERE", "", prologue)
            end = self.matching(i + 2)
            op.delete_template = op.where = self.slice(i + 2, end)
            self.template_writes(op, i + 2, end)
            return op, end + 1
        if kw in ("WITH", "INSERT", "DELETE"):
            return self.modify(i, prologue)
        if kw in _GRAPH_OPS:
            return self.graph_operation(i, prologue)
        raise self.fail(i, f"expected an update operation, found {self.tok(i).text!r}")

    def modify(self, i: int, prologue: str) -> tuple[Operation, int]:
        op = Operation("MODIFY", "", prologue)
        if self.tok(i).keyword == "WITH":
            op.with_graph = self.iri(i + 1)
            i += 2
        for kw in ("DELETE", "INSERT"):
            if self.tok(i).keyword == kw:
                end = self.matching(i + 1)
                text = self.slice(i + 1, end)
                if kw == "DELETE":
                    op.delete_template = text
                else:
                    op.insert_template = text
                self.template_writes(op, i + 1, end)
                i = end + 1
        if op.delete_template is None and op.insert_template is None:
            raise self.fail(i, "expected DELETE or INSERT")
        while self.tok(i).keyword == "USING":
            op.has_using = True
            if self.tok(i + 1).keyword == "NAMED":
                op.using_named.append(self.iri(i + 2))
                i += 3
            else:
                op.using.append(self.iri(i + 1))
                i += 2
        if self.tok(i).keyword != "WHERE":
            raise self.fail(i, f"expected WHERE, found {self.tok(i).text!r}")
        end = self.matching(i + 1)
        op.where = self.slice(i + 1, end)
        if op.writes_default and op.with_graph is not None:
            op.writes.append(GraphRef("iri", op.with_graph))
            op.writes_default = False
        return op, end + 1

    def template_writes(self, op: Operation, open_idx: int, close_idx: int) -> None:
        """Record the GRAPH blocks of a template (or data block) and whether it has triples
        outside them."""
        depth = 0
        k = open_idx + 1
        while k < close_idx:
            t = self.toks[k]
            if depth == 0 and t.keyword == "GRAPH":
                ref = self.tok(k + 1)
                if ref.kind == "var":
                    op.writes.append(GraphRef("var", ref.text[1:]))
                else:
                    op.writes.append(GraphRef("iri", self.iri(k + 1)))
                k = self.matching(k + 2) + 1
                continue
            if t.kind == "punct" and t.text in "{[(":
                depth += 1
            elif t.kind == "punct" and t.text in "}])":
                depth -= 1
            elif not (t.kind == "punct" and t.text == "."):
                op.writes_default = True
            k += 1

    def graph_ref(self, i: int, *, graph_keyword: bool) -> tuple[GraphRef, int]:
        """GraphRefAll / GraphOrDefault at ``i``."""
        kw = self.tok(i).keyword
        if kw in ("DEFAULT", "NAMED", "ALL"):
            return GraphRef(kw), i + 1
        if kw == "GRAPH":
            return GraphRef("iri", self.iri(i + 1)), i + 2
        if graph_keyword:
            raise self.fail(i, "expected GRAPH, DEFAULT, NAMED or ALL")
        return GraphRef("iri", self.iri(i)), i + 1

    def graph_operation(self, i: int, prologue: str) -> tuple[Operation, int]:
        kw = self.tok(i).keyword
        assert kw is not None
        op = Operation(kw, "", prologue)
        i += 1
        if i < len(self.toks) and self.toks[i].keyword == "SILENT":
            op.silent = True
            i += 1
        if kw == "LOAD":
            op.source = GraphRef("iri", self.iri(i))
            i += 1
            if i < len(self.toks) and self.toks[i].keyword == "INTO":
                if self.tok(i + 1).keyword != "GRAPH":
                    raise self.fail(i + 1, "expected GRAPH after INTO")
                op.writes.append(GraphRef("iri", self.iri(i + 2)))
                i += 3
            else:
                op.writes.append(GraphRef("DEFAULT"))
            return op, i
        if kw in ("CLEAR", "DROP", "CREATE"):
            ref, i = self.graph_ref(i, graph_keyword=True)
            if kw == "CREATE" and ref.kind != "iri":
                raise self.fail(i - 1, "CREATE needs GRAPH <iri>")
            op.writes.append(ref)
            return op, i
        source, i = self.graph_ref(i, graph_keyword=False)
        if source.kind in ("NAMED", "ALL"):
            raise self.fail(i - 1, f"{kw} takes a graph or DEFAULT")
        if self.tok(i).keyword != "TO":
            raise self.fail(i, "expected TO")
        target, i = self.graph_ref(i + 1, graph_keyword=False)
        if target.kind in ("NAMED", "ALL"):
            raise self.fail(i - 1, f"{kw} takes a graph or DEFAULT")
        op.source = source
        op.writes.append(target)
        if kw == "MOVE":
            op.writes.append(source)  # the source is dropped
        return op, i


def parse_update(sparql: str) -> list[Operation]:
    """The operations of an update request; UsageError (with line and column) if the text is
    not a sequence of update operations."""
    return _Parser(sparql).parse()


def wrap_default_triples(template: str, graph: str) -> str:
    """A template ``{ ... }`` whose triples outside GRAPH blocks are put in ``GRAPH <graph>``
    (what ``WITH <graph>`` means for a template), GRAPH blocks kept as they are."""
    toks = list(tokens(template))
    inner_start, inner_end = toks[0].end, toks[-1].start
    parts: list[str] = []
    pending_from: int | None = None

    def flush(upto: int) -> None:
        nonlocal pending_from
        if pending_from is not None:
            chunk = template[pending_from:upto].strip()
            if chunk.strip(". \n\t"):
                parts.append(f"GRAPH <{graph}> {{ {chunk} }}")
            pending_from = None

    k = 1
    while k < len(toks) - 1:
        t = toks[k]
        if t.keyword == "GRAPH":
            flush(t.start)
            depth, j = 0, k + 2
            while True:
                if toks[j].kind == "punct" and toks[j].text == "{":
                    depth += 1
                elif toks[j].kind == "punct" and toks[j].text == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            parts.append(template[t.start : toks[j].end])
            k = j + 1
            continue
        if pending_from is None:
            pending_from = t.start
        k += 1
    flush(inner_end)
    del inner_start
    return "{ " + " ".join(parts) + " }"


def with_using_as_graph(op: Operation) -> str | None:
    """The operation without WITH and with at most one USING, spelled with GRAPH blocks (for
    servers that refuse WITH/USING next to a union default graph); None if it has several
    USING graphs, USING NAMED, or USING with GRAPH in its WHERE, which GRAPH blocks cannot
    express exactly."""
    if op.kind != "MODIFY" or (op.with_graph is None and not op.has_using):
        return None
    assert op.where is not None
    if op.using_named or len(op.using) > 1:
        return None
    if op.using and any(t.keyword == "GRAPH" for t in tokens(op.where)):
        return None  # USING leaves no named graphs: GRAPH inside would read them anyway
    read = op.using[0] if op.using else op.with_graph
    parts = []
    for keyword, template in (("DELETE", op.delete_template), ("INSERT", op.insert_template)):
        if template is not None:
            body = (
                template if op.with_graph is None else wrap_default_triples(template, op.with_graph)
            )
            parts.append(f"{keyword} {body}")
    parts.append(f"WHERE {{ GRAPH <{read}> {op.where} }}")
    return "\n".join(parts)
