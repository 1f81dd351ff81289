"""Behaviour shared by all backends, written against a few SPARQL-level primitives.

A backend supplies raw query/update, graph counts and the physical write of a load; this class
supplies the contract: validation before writing, graph naming, query-time entailment, bootstrap
of the bundled ontology and clean-up of stale staging graphs.
"""

from __future__ import annotations

import io
import time
from abc import abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from otmlops.authoring import compile_file, form_of_path
from otmlops.errors import InputError, NotFound, UsageError
from otmlops.rdfio import format_of_path, open_source, scan, source_size
from otmlops.store import entailment, meta
from otmlops.store.base import GraphInfo, LoadReport, ProgressCallback, QueryOutcome, Store, Term
from otmlops.store.bundle import bundled_files
from otmlops.store.graphs import (
    LEGACY_INFERRED_GRAPH,
    STAGING_PREFIX,
    SYSTEM_GRAPH_ROLES,
    SYSTEM_GRAPHS,
)
from otmlops.store.sparql_text import (
    add_using,
    bind_values,
    check_nesting,
    decode_codepoints,
    has_dataset_clause,
    query_form,
    tokens,
)
from otmlops.store.sparql_update import Operation, parse_update
from otmlops.store.sparql_verbs import Unfollowable

#: Loads up to this many triples are written as one SPARQL update (atomic everywhere); bigger
#: ones take the bulk loader behind a checkpoint. A transactional write on disk costs ~30 µs per
#: quad, so the bulk path wins from about a thousand triples (45k triples: 0.47 s against 3.0 s
#: new, 1.5 s against 5.5 s replacing).
SMALL_LOAD_TRIPLES = 1_000
#: Prefix names a file may declare but that are not used for short names: ``http:x`` must stay
#: the IRI it is when given as a parameter.
URI_SCHEMES = frozenset({"http", "https", "urn", "file", "mailto", "tag", "ftp", "data"})


@dataclass
class LoadItem:
    """One source to write. Triples in the source's default graph go to ``target`` (None: the
    store's default graph); named graphs keep their names unless ``flatten``."""

    source: Path | bytes
    fmt: ox.RdfFormat
    base_iri: str | None
    name: str
    target: str | None
    flatten: bool = False
    size: int = 0
    #: @prefix declarations of the source (recorded for the graphs it fills)
    prefixes: dict[str, str] = field(default_factory=dict)

    def quads(self, stream: io.BufferedReader | None = None) -> Iterator[ox.Quad]:
        """Parsed quads with graph names mapped as described above (fresh blank nodes)."""
        with ExitStack() as opened:
            src = stream if stream is not None else opened.enter_context(open_source(self.source))
            target = ox.DefaultGraph() if self.target is None else ox.NamedNode(self.target)
            for q in ox.parse(src, self.fmt, base_iri=self.base_iri, rename_blank_nodes=True):
                if self.flatten or isinstance(q.graph_name, ox.DefaultGraph):
                    yield ox.Quad(q.subject, q.predicate, q.object, target)
                else:
                    yield q


@dataclass
class LoadPlan:
    """Graphs to replace (emptied first) and what to write into them."""

    items: list[LoadItem]
    replace: set[str] = field(default_factory=set)
    triples: int = 0
    #: Empty the store's default graph first (GSP PUT of ``?default``).
    replace_default: bool = False


def insert_data_update(plan: LoadPlan) -> str:
    """The whole plan as one SPARQL update: DROP the replaced graphs, INSERT DATA the quads."""
    parts = ["DROP SILENT DEFAULT"] if plan.replace_default else []
    parts += [f"DROP SILENT GRAPH <{g}>" for g in sorted(plan.replace)]
    lines: list[str] = []
    for item in plan.items:
        for q in item.quads():
            triple = f"{q.subject} {q.predicate} {q.object} ."
            if isinstance(q.graph_name, ox.DefaultGraph):
                lines.append(f"{triple}\n")
            else:
                lines.append(f"GRAPH {q.graph_name} {{ {triple} }}\n")
    if lines:
        parts.append("INSERT DATA {\n" + "".join(lines) + "}")
    return " ;\n".join(parts)


def guess_format(path: Path) -> ox.RdfFormat:
    """The format of ``path`` from its extension; UsageError if it has none we know (a load
    streams files of any size, so it does not guess from the content)."""
    fmt = format_of_path(path)
    if fmt is None:
        raise UsageError(
            f"{path}: cannot tell the RDF format from the extension "
            f"{path.suffix or '(none)'!r}; pass --format"
        )
    return fmt


def check_graph_iri(graph: str, *, allow_system: bool = False) -> str:
    """An absolute IRI a user may write to; UsageError otherwise."""
    try:
        ox.NamedNode(graph)
    except ValueError as exc:
        raise UsageError(f"invalid graph IRI {graph!r}: {exc}") from None
    if ":" not in graph:
        raise UsageError(f"graph IRI {graph!r} is not absolute")
    if not allow_system and (graph in SYSTEM_GRAPHS or graph.startswith(STAGING_PREFIX)):
        raise UsageError(f"{graph} is managed by otmlops and cannot be written directly")
    return graph


def check_update_syntax(sparql: str) -> None:
    """Oxigraph's verdict on an update's syntax, with positions in the user's text, before the
    store takes the request apart (a request with LOAD or SERVICE is left to the backend:
    running it on a scratch store would fetch the document or call the service)."""
    if any(t.keyword in ("LOAD", "SERVICE") for t in tokens(sparql)):
        return
    try:
        ox.Store().update(sparql)
    except SyntaxError as exc:
        raise UsageError(f"invalid SPARQL update: {exc.args[0]}") from None
    except (OSError, RuntimeError, ValueError):
        pass  # evaluation on the empty store failed (a DROP of a missing graph): not syntax


def unfollowable_error(sparql: str, exc: Unfollowable) -> UsageError:
    """The error for a text the entailment walker cannot follow: Oxigraph's own syntax error
    if it does not parse (as a query, or as an update without LOAD), else where and why the
    walker stopped."""
    scratch = ox.Store()
    messages = []
    calls_out = any(t.keyword in ("LOAD", "SERVICE") for t in tokens(sparql))
    for run in (scratch.query, scratch.update):
        if calls_out:  # running it would fetch a document or call a service
            break
        try:
            run(sparql)
            break
        except SyntaxError as err:
            messages.append(str(err.args[0]))
        except (OSError, RuntimeError, ValueError):
            break
    else:
        kind = "update" if query_form(sparql) is None else "query"
        message = messages[1] if kind == "update" and len(messages) > 1 else messages[0]
        return UsageError(f"invalid SPARQL {kind}: {message}")
    where = ""
    if exc.offset is not None:
        line = sparql.count("\n", 0, exc.offset) + 1
        col = exc.offset - (sparql.rfind("\n", 0, exc.offset) + 1) + 1
        where = f" at line {line}, column {col}"
    valid = "it may be valid SPARQL" if calls_out else "it is valid SPARQL"
    return UsageError(
        f"otmlops cannot apply entailment to this request ({exc}{where}); "
        f"{valid}, but running it without the entailment the store promises "
        "would give silently different answers"
    )


def is_managed(graph: str) -> bool:
    """A graph the store manages itself: the system graphs and staging graphs."""
    return graph in SYSTEM_GRAPHS or graph.startswith(STAGING_PREFIX)


def refuse_managed(graph: str, op: Operation, variable: str | None = None) -> None:
    """UsageError naming ``graph`` if an update operation would write it."""
    if not is_managed(graph):
        return
    what = SYSTEM_GRAPH_ROLES.get(graph, "a staging graph of a load in progress")
    kind = "DELETE/INSERT" if op.kind == "MODIFY" else op.kind
    how = (
        (f" (the template's GRAPH ?{variable} is bound to it; filter it out in the WHERE clause)")
        if variable
        else ""
    )
    raise UsageError(
        f"the update's {kind} operation would write <{graph}> ({what}){how}; "
        "otmlops manages that graph itself and SPARQL Update cannot change it "
        "(`otmlops bootstrap` reloads the bundled graphs)"
    )


def check_writes(op: Operation) -> None:
    """Refuse an operation that names a managed graph as something it writes."""
    for ref in op.writes:
        if ref.kind == "iri":
            refuse_managed(ref.value, op)


def check_rows(op: Operation, variables: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Refuse an operation whose template ``GRAPH ?g`` is bound to a managed graph."""
    for ref in op.writes:
        if ref.kind != "var" or ref.value not in variables:
            continue
        k = list(variables).index(ref.value)
        for row in rows:
            term = row[k]
            if isinstance(term, ox.NamedNode):
                refuse_managed(term.value, op, ref.value)


class SparqlBackedStore(Store):
    """The Store contract on top of backend primitives."""

    location: str
    #: Seconds the entailment rules read from the store stay valid when this object did not
    #: change the store itself (None: until the next change through this object). A remote
    #: server can be written to by others.
    rules_ttl: float | None = None
    _rules: entailment.Rules | None = None
    _rules_read_at: float = 0.0
    _rewritten: dict[str, str] | None = None

    # -- primitives -------------------------------------------------------------------------

    @abstractmethod
    def _raw_query(
        self,
        sparql: str,
        *,
        union: bool,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
    ) -> QueryOutcome: ...

    @abstractmethod
    def _raw_update(self, sparql: str) -> None: ...

    @abstractmethod
    def _graph_counts(self) -> dict[str, int]:
        """Every named graph (staging included) with its triple count."""

    def _graph_names(self) -> set[str]:
        """Every named graph (staging included); cheaper than counting where possible."""
        return set(self._graph_counts())

    @abstractmethod
    def _write(self, plan: LoadPlan, progress: ProgressCallback | None) -> None:
        """Make the plan's graphs hold exactly the plan's data, atomically."""

    @abstractmethod
    def _append(self, item: LoadItem) -> None:
        """Add the item's triples atomically (nothing replaced)."""

    @abstractmethod
    def _drop_graph(self, graph: str) -> None: ...

    # -- opening ----------------------------------------------------------------------------

    def _after_open(self, bootstrap: bool) -> None:
        """Clean up after a crash, drop what older versions materialised, load the bundled
        data."""
        self._drop_stale_staging()
        self._drop_legacy_entailments()
        if bootstrap:
            self.bootstrap()

    def _drop_legacy_entailments(self) -> None:
        """Stores written before entailment moved to query time hold a materialised inferred
        graph and a dirty flag; both would now only duplicate answers."""
        if LEGACY_INFERRED_GRAPH in self._graph_names():
            self._raw_update(
                f"DROP SILENT GRAPH <{LEGACY_INFERRED_GRAPH}> ;\n"
                + meta.clear_legacy_dirty_update()
            )

    def _drop_stale_staging(self) -> None:
        stale = {g for g in self._graph_names() if g.startswith(STAGING_PREFIX)}
        pending = {str(row["g"].value) for row in self._select(meta.pending_query())}
        ops = [f"DROP SILENT GRAPH <{g}>" for g in sorted(stale | pending)]
        ops += [meta.remove_pending_update(g) for g in sorted(pending)]
        if ops:
            self._raw_update(" ;\n".join(ops))

    def _select(
        self, sparql: str, default_graphs: Sequence[str] | None = None
    ) -> list[ox.QuerySolution]:
        result = self._raw_query(
            sparql, union=default_graphs is None, default_graphs=default_graphs, named_graphs=None
        )
        assert isinstance(result, ox.QuerySolutions)
        return list(result)

    # -- queries ----------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        entailment: bool = True,
    ) -> QueryOutcome:
        """SPARQL query over the union of all graphs unless a dataset is named (FROM, or the
        ``default_graphs``/``named_graphs`` arguments, as in the SPARQL protocol). With
        ``entailment`` its patterns are widened as docs/entailment.md describes."""
        sparql = decode_codepoints(sparql)
        check_nesting(sparql)
        text = bind_values(sparql, bindings) if bindings else sparql
        if entailment:
            text = self.entailed(text)
        own_dataset = default_graphs is not None or named_graphs is not None
        union = not own_dataset and not has_dataset_clause(sparql)
        return self._raw_query(
            text, union=union, default_graphs=default_graphs, named_graphs=named_graphs
        )

    def update(
        self,
        sparql: str,
        *,
        using_graphs: Sequence[str] | None = None,
        using_named_graphs: Sequence[str] | None = None,
    ) -> None:
        """Run a SPARQL update request: every operation's WHERE sees the union of all graphs
        with entailment (unless the operation names its own dataset with WITH/USING), and no
        operation may write a graph the store manages (docs/store.md, "Updates")."""
        text = decode_codepoints(sparql)
        check_nesting(text)
        check_update_syntax(text)
        text = add_using(text, using_graphs or (), using_named_graphs or ())
        ops = self._parse_update(text)
        for op in ops:
            check_writes(op)
        try:
            self._run_update(text, ops)
        finally:
            self._changed()

    def _parse_update(self, text: str) -> list[Operation]:
        """The request's operations; a text Oxigraph refuses is reported with its message."""
        try:
            return parse_update(text)
        except UsageError:
            if not any(t.keyword in ("LOAD", "SERVICE") for t in tokens(text)):
                try:  # an empty scratch store: only the parser's verdict matters
                    ox.Store().update(text)
                except SyntaxError as exc:
                    raise UsageError(f"invalid SPARQL update: {exc.args[0]}") from None
                except (OSError, RuntimeError, ValueError):
                    pass
            raise

    @abstractmethod
    def _run_update(self, text: str, ops: list[Operation]) -> None:
        """Execute the parsed request atomically (``text`` is the whole request)."""

    def _user_graphs(self) -> list[str]:
        """Named graphs an update may write: not system, not staging."""
        return sorted(g for g in self._graph_names() if not is_managed(g))

    def _expand_all(self, op: Operation, *, in_request: bool = False) -> str:
        """A CLEAR/DROP of NAMED or ALL spelled out over the user graphs (system graphs are
        never cleared by a request); other operations unchanged. With ``in_request`` the text
        also empties user graphs that earlier operations of the same request create (the
        graph list is read before the request runs)."""
        ref = op.writes[0] if op.writes else None
        if op.kind not in ("CLEAR", "DROP") or ref is None or ref.kind not in ("NAMED", "ALL"):
            return f"{op.prologue}\n{op.text}"
        silent = " SILENT" if op.silent else ""
        parts = [f"{op.kind}{silent} DEFAULT"] if ref.kind == "ALL" else []
        parts += [f"{op.kind}{silent} GRAPH <{g}>" for g in self._user_graphs()]
        if in_request:
            managed = ", ".join(f"<{g}>" for g in sorted(SYSTEM_GRAPHS))
            parts.append(
                "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } "
                f"FILTER(?g NOT IN ({managed}) && "
                f'!STRSTARTS(STR(?g), "{STAGING_PREFIX}")) }}'
            )
        return " ;\n".join(parts)

    # -- entailment -------------------------------------------------------------------------

    def entailment_rules(self) -> entailment.Rules:
        """The schema facts query rewriting uses, read once per change of the store."""
        now = time.monotonic()
        stale = self.rules_ttl is not None and now - self._rules_read_at > self.rules_ttl
        if self._rules is None or stale:
            self._rules = entailment.read_rules(self._select)
            self._rules_read_at = now
            self._rewritten = {}
        return self._rules

    def entailed(self, sparql: str, *, identities: bool = True) -> str:
        """``sparql`` with its patterns widened to see entailed triples (cached per text).
        Without ``identities`` patterns do not cross ``owl:sameAs`` (update WHERE clauses:
        their templates must name the IRIs as stated).

        A text the pattern walker cannot follow is refused (UsageError): with the parser's
        message if it is not valid SPARQL, else saying where the walker stopped."""
        rules = self.entailment_rules()
        cache = self._rewritten if self._rewritten is not None else {}
        key = sparql if identities else "\0" + sparql
        found = cache.get(key)
        if found is None:
            try:
                found = entailment.rewrite(sparql, rules, identities=identities)
            except Unfollowable as exc:
                raise unfollowable_error(sparql, exc) from None
            if len(cache) >= 512:
                cache.clear()
            cache[key] = found
            self._rewritten = cache
        return found

    def _changed(self) -> None:
        """Forget the rules after a write: it may have changed the schema."""
        self._rules = None
        self._rewritten = None

    # -- graphs -----------------------------------------------------------------------------

    def graphs(self) -> list[GraphInfo]:
        return [
            GraphInfo(g, n, g in SYSTEM_GRAPHS)
            for g, n in sorted(self._graph_counts().items())
            if not g.startswith(STAGING_PREFIX)
        ]

    def _count_graph(self, graph: str) -> int:
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"].value) if rows else 0

    def has_graph(self, graph: str) -> bool:
        return graph in self._graph_names()

    def triple_count(self) -> int:
        return sum(g.triples for g in self.graphs())

    def drop(self, graph: str) -> None:
        check_graph_iri(graph)
        if not self.has_graph(graph):
            raise NotFound(f"no graph {graph} in the store")
        try:
            self._drop_graph(graph)
        finally:
            self._changed()
        self._record_prefixes(meta.forget_prefixes_update(graph))

    def _record_prefixes(self, update: str) -> None:
        """Write (or, on a drop, remove) a graph's prefix records in the meta graph:
        bookkeeping, so not through the protected SPARQL Update path."""
        self._raw_update(update)

    def prefixes(self) -> dict[str, str]:
        """The bundled prefixes, then those declared by loaded files (``name -> namespace``).

        A name already taken keeps its first namespace; graphs are read in IRI order, so the
        answer does not depend on the order of loading."""
        from otmlops.namespaces import PREFIXES

        merged = dict(PREFIXES)
        for row in self._select(meta.prefixes_query(), default_graphs=None):
            name, ns = row["name"].value, row["ns"].value
            if name not in merged and ns and name.lower() not in URI_SCHEMES:
                merged[name] = ns
        return merged

    # -- loading ----------------------------------------------------------------------------

    def load(
        self,
        source: Path | bytes,
        *,
        graph: str | None = None,
        format: ox.RdfFormat | None = None,
        base_iri: str | None = None,
        source_name: str | None = None,
        progress: ProgressCallback | None = None,
        record_prefixes: bool = True,
    ) -> LoadReport:
        started = time.perf_counter()
        item, targets, warnings = self._prepare(
            source, graph, format, base_iri, source_name, progress
        )
        existed = self._graph_names()
        plan = LoadPlan([item], set(targets), sum(targets.values()))
        try:
            self._write(plan, progress)
        finally:
            self._changed()
        if targets and record_prefixes:  # for short names in answers (docs/queries.md)
            self._record_prefixes(
                " ;\n".join(meta.record_prefixes_update(g, item.prefixes) for g in sorted(targets))
            )
        stored = {g: self._count_graph(g) for g in targets}
        main = item.target if item.target in stored else next(iter(sorted(stored)), "")
        return LoadReport(
            graph=main or "",
            triples=sum(stored.values()),
            source=item.name,
            replaced=bool(existed & set(targets)),
            seconds=time.perf_counter() - started,
            warnings=warnings,
            graphs=stored,
        )

    def _prepare(
        self,
        source: Path | bytes,
        graph: str | None,
        fmt: ox.RdfFormat | None,
        base_iri: str | None,
        source_name: str | None,
        progress: ProgressCallback | None,
    ) -> tuple[LoadItem, dict[str, int], list[str]]:
        """Validate arguments and scan the whole source; nothing is written yet."""
        if isinstance(source, bytes | bytearray):
            name = source_name or "<input>"
            if fmt is None:
                raise UsageError(
                    f"{name}: the RDF format must be given for data without a file name"
                )
            file_iri = None
        else:
            source = Path(source)
            name = source_name or str(source)
            if not source.is_file():
                raise InputError("no such file", source=name)
            file_iri = source.resolve().as_uri()
            if fmt is None and form_of_path(source):  # YAML/CSV/XLSX mapping: compile it
                source, fmt = compile_file(source).ntriples(), ox.RdfFormat.N_TRIPLES
            elif fmt is None:
                fmt = guess_format(source)
        if graph is not None:
            check_graph_iri(graph)
        target = graph or file_iri
        base = base_iri or file_iri or graph
        size = source_size(source)
        found = scan(
            source, fmt, base_iri=base, source_name=name, progress=progress, grand_total=2 * size
        )
        targets: dict[str, int] = {}
        if graph is not None:
            targets[graph] = found.total
        else:
            for key, n in found.counts.items():
                if key is None and target is None:
                    raise UsageError(
                        f"{name}: give a graph IRI for the triples outside any named graph"
                    )
                g = target if key is None else key
                assert g is not None
                check_graph_iri(g)
                targets[g] = targets.get(g, 0) + n
            if not targets and target is not None:
                targets[target] = 0
        warnings = [] if found.total else [f"{name}: no triples found"]
        item = LoadItem(
            source,
            fmt,
            base,
            name,
            target,
            flatten=graph is not None and fmt.supports_datasets,
            size=size,
            prefixes=found.prefixes,
        )
        return item, targets, warnings

    def replace_default_graph(
        self, source: Path | bytes, *, format: ox.RdfFormat, base_iri: str | None = None
    ) -> int:
        """Make the store's default graph hold exactly the source's triples, in one atomic
        write (GSP PUT of ``?default``): killed or failing, the old content stays."""
        name = "<input>" if isinstance(source, bytes | bytearray) else str(source)
        found = scan(source, format, base_iri=base_iri, source_name=name)
        item = LoadItem(
            source, format, base_iri, name, None, flatten=True, size=source_size(source)
        )
        try:
            self._write(LoadPlan([item], set(), found.total, replace_default=True), None)
        finally:
            self._changed()
        return found.total

    def replace_graphs(
        self, graphs: Mapping[str, bytes], *, format: ox.RdfFormat, source_name: str = "<input>"
    ) -> dict[str, int]:
        """Replace several named graphs in one atomic write (an import's graphs): all of them
        hold the new data afterwards, or none changed. Returns the stored triple counts."""
        items: list[LoadItem] = []
        total = 0
        for graph, data in graphs.items():
            check_graph_iri(graph)
            found = scan(data, format, base_iri=graph, source_name=source_name)
            total += found.total
            items.append(
                LoadItem(data, format, graph, source_name, graph, flatten=True, size=len(data))
            )
        try:
            self._write(LoadPlan(items, set(graphs), total), None)
        finally:
            self._changed()
        return {g: self._count_graph(g) for g in graphs}

    def add_to_graph(
        self,
        source: Path | bytes,
        *,
        graph: str | None,
        format: ox.RdfFormat | None = None,
        base_iri: str | None = None,
        record_prefixes: bool = True,
    ) -> int:
        if graph is not None:
            check_graph_iri(graph)
        if format is None:
            if isinstance(source, bytes | bytearray):
                raise UsageError("the RDF format must be given for data without a file name")
            format = guess_format(Path(source))
        name = "<input>" if isinstance(source, bytes | bytearray) else str(source)
        base = base_iri or graph
        found = scan(source, format, base_iri=base, source_name=name)
        item = LoadItem(source, format, base, name, graph, flatten=True, size=source_size(source))
        try:
            self._append(item)
        finally:
            self._changed()
        if graph is not None and found.prefixes and record_prefixes:
            self._record_prefixes(meta.record_prefixes_update(graph, found.prefixes, replace=False))
        return found.total

    def graph_triples(self, graph: str | None) -> Iterator[ox.Triple]:
        if graph is not None and not self.has_graph(graph):
            raise NotFound(f"no graph {graph} in the store")
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        result = self._raw_query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}",
            union=False,
            default_graphs=None,
            named_graphs=None,
        )
        assert isinstance(result, ox.QueryTriples)
        return iter(result)

    # -- bootstrap --------------------------------------------------------------------------

    def bootstrap(self, *, force: bool = False) -> None:
        bundle = bundled_files()
        if not force:
            rows = self._select(meta.bundle_query(), default_graphs=None)
            if any(
                r["version"].value == bundle.version and r["hash"].value == bundle.digest
                for r in rows
            ):
                return
        items = []
        for graph, paths in bundle.files.items():
            for path in paths:
                items.append(
                    LoadItem(
                        path,
                        guess_format(path),
                        path.resolve().as_uri(),
                        str(path),
                        graph,
                        flatten=True,
                        size=source_size(path),
                    )
                )
                scan(path, items[-1].fmt, base_iri=items[-1].base_iri, source_name=str(path))
        plan = LoadPlan(items, set(bundle.files), 0)
        try:
            self._write(plan, None)
            self._raw_update(meta.record_bundle_update(bundle.version, bundle.digest))
        finally:
            self._changed()
