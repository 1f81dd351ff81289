"""What a worker does with one request: run it against a store and serialise the answer.

Every function takes a :class:`~otmlops.store.base.Store` and plain arguments, and returns
plain data (a :class:`Reply`, bool, int, lists), so it can run in a worker process and its
answer can cross a pipe. The CLI can call the same functions in-process.

A request to the runner is a *task*: a small frozen dataclass holding one of these functions'
arguments, with a typed ``run(store)``. Tasks are module-level classes, so they pickle by
reference and a worker process receives the task itself; ``ReadTask[R]``/``WriteTask[R]``
say what it answers, so callers need no casts, and the runner cannot send a write to a
reader (mypy checks it).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar, Generic, Protocol, TypedDict, TypeVar, cast

import pyoxigraph as ox

from otmlops import media_types
from otmlops.errors import NotFound, ParameterError, UsageError
from otmlops.store.base import QueryOutcome, Store

R = TypeVar("R", covariant=True)


@dataclass(frozen=True)
class Reply:
    """A serialised answer: body bytes and the media type they are in."""

    media_type: str
    body: bytes
    kind: str = ""  # select | ask | graph | report


# ----------------------------------------------------------------------------- queries

_ERROR_POS = re.compile(r"error at (\d+):(\d+)")


def with_base(text: str, base_iri: str | None) -> tuple[str, int]:
    """Prepend ``BASE <base_iri>`` on the first line (so relative IRIs resolve against the
    endpoint, as the protocol allows); returns the text and the column shift on line 1."""
    if not base_iri:
        return text, 0
    prefix = f"BASE <{base_iri}> "
    return prefix + text, len(prefix)


def fix_error_position(message: str, shift: int) -> str:
    """Undo the column shift of :func:`with_base` in a parser message ``error at L:C``."""
    if not shift:
        return message

    def repl(m: re.Match[str]) -> str:
        line, col = int(m.group(1)), int(m.group(2))
        return f"error at {line}:{col - shift if line == 1 else col}"

    return _ERROR_POS.sub(repl, message, count=1)


class Writable(Protocol):
    """What a serialiser writes into (a file-like object with ``write``)."""

    def write(self, data: bytes, /) -> int: ...


class Sink(Protocol):
    """Where a worker writes a serialised answer as it is produced (see worker.PipeSink)."""

    def open(self, media_type: str, kind: str) -> Writable:
        """Start the answer; returns an object with ``write(bytes)``."""
        ...


def serialize_outcome(outcome: QueryOutcome, accept: str | None, sink: Sink | None = None) -> Reply:
    """Negotiate the format for a query outcome and serialise it: into the returned Reply,
    or, with ``sink``, into the sink as it is produced (the Reply's body is then empty)."""
    if isinstance(outcome, ox.QueryBoolean):
        media = media_types.result_media_type(accept)
        kind = "ask"
        result_format = media_types.RESULT_FORMATS[media]
    elif isinstance(outcome, ox.QuerySolutions):
        media = media_types.result_media_type(accept)
        kind = "select"
        result_format = media_types.RESULT_FORMATS[media]
    elif isinstance(outcome, ox.QueryTriples):
        media = media_types.graph_media_type(accept)
        rdf_format = media_types.GRAPH_FORMATS[media]
        if sink is None:
            return Reply(media, outcome.serialize(format=rdf_format) or b"", "graph")
        outcome.serialize(_writer(sink, media, "graph"), format=rdf_format)
        return Reply(media, b"", "graph")
    else:
        raise TypeError(f"unexpected query outcome {type(outcome).__name__}")
    if sink is None:
        return Reply(media, outcome.serialize(format=result_format) or b"", kind)
    outcome.serialize(_writer(sink, media, kind), format=result_format)
    return Reply(media, b"", kind)


def _writer(sink: Sink, media_type: str, kind: str) -> IO[bytes]:
    """The sink opened for pyoxigraph, whose stubs ask for IO[bytes] where it only calls
    ``write``."""
    return cast(IO[bytes], sink.open(media_type, kind))


def run_query(
    store: Store,
    *,
    sparql: str,
    accept: str | None = None,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    base_iri: str | None = None,
    sink: Sink | None = None,
) -> Reply:
    """Run a SPARQL query (protocol dataset honoured) and serialise it for ``accept``."""
    text, shift = with_base(sparql, base_iri)
    try:
        outcome = store.query(
            text, default_graphs=default_graphs or None, named_graphs=named_graphs or None
        )
        return serialize_outcome(outcome, accept, sink)
    except SyntaxError as exc:
        raise UsageError(f"SPARQL syntax error: {fix_error_position(str(exc), shift)}") from None
    except UsageError as exc:
        fixed = fix_error_position(str(exc), shift)
        if fixed == str(exc):
            raise  # keeps its class, so its status (406 for NotAcceptable) too
        raise UsageError(fixed) from None


def run_named(
    store: Store,
    *,
    query_id: str,
    params: dict[str, str],
    accept: str | None,
    sink: Sink | None = None,
) -> Reply:
    """Run a catalogue query by id with raw string parameters (typed by the catalogue)."""
    from otmlops.catalogue import bind_params, get_query

    query = get_query(query_id)
    try:
        bindings = bind_params(query, params)
    except UsageError as exc:
        raise ParameterError(str(exc)) from None
    return serialize_outcome(store.query(query.sparql, bindings=bindings or None), accept, sink)


# ----------------------------------------------------------------------------- updates


def update_names_dataset(sparql: str) -> bool:
    """True if the update text has a USING or WITH clause (read with the store's SPARQL lexer:
    strings, IRIs and comments do not count), which the protocol forbids together with
    using-graph-uri parameters."""
    from otmlops.store.sparql_text import names_dataset

    return names_dataset(sparql)


def run_update(
    store: Store,
    *,
    sparql: str,
    using_graphs: list[str] | None = None,
    using_named_graphs: list[str] | None = None,
    base_iri: str | None = None,
) -> None:
    if (using_graphs or using_named_graphs) and update_names_dataset(sparql):
        raise UsageError(
            "the update names its dataset with USING or WITH, and the request "
            "also gives using-graph-uri/using-named-graph-uri; use one or the other"
        )
    text, shift = with_base(sparql, base_iri)
    try:
        store.update(
            text, using_graphs=using_graphs or None, using_named_graphs=using_named_graphs or None
        )
    except SyntaxError as exc:
        raise UsageError(
            f"SPARQL update syntax error: {fix_error_position(str(exc), shift)}"
        ) from None


# ----------------------------------------------------------------------------- graph store


def graph_exists(store: Store, graph: str | None) -> bool:
    """The default graph always exists; a named graph exists if the store knows it."""
    return graph is None or store.has_graph(graph)


def export_graph(store: Store, *, graph: str | None, accept: str | None) -> Reply:
    if not graph_exists(store, graph):
        raise NotFound(f"graph <{graph}> does not exist")
    media = media_types.graph_media_type(accept)
    return Reply(media, store.export_graph(graph, media_types.GRAPH_FORMATS[media]), "graph")


def put_graph(store: Store, *, graph: str | None, body: bytes, media_type: str) -> bool:
    """Replace a graph with the body; True if the graph was created."""
    fmt = _input_format(media_type)
    if graph is None:
        _check_parses(body, fmt)
        store.replace_default_graph(body, format=fmt)  # one atomic write, never two steps
        return False
    existed = store.has_graph(graph)
    store.load(body, graph=graph, format=fmt, base_iri=graph, source_name="request body")
    return not existed


def post_graph(store: Store, *, graph: str | None, parts: list[tuple[bytes, str]]) -> bool:
    """Add the RDF of each (body, media type) part to a graph; True if it was created."""
    existed = graph_exists(store, graph)
    for body, media_type in parts:
        fmt = _input_format(media_type)
        store.add_to_graph(body, graph=graph, format=fmt, base_iri=graph)
    return not existed


def new_graph_iri(base: str) -> str:
    """An IRI for a graph created by POST to the store endpoint (GSP section 5.5)."""
    return f"{base.rstrip('/')}/{uuid.uuid4()}"


def delete_graph(store: Store, *, graph: str | None) -> None:
    if graph is None:
        store.update("CLEAR DEFAULT")
        return
    store.drop(graph)


class GraphRow(TypedDict):
    """One graph of the store as the workbench lists it."""

    iri: str
    triples: int
    system: bool


def graph_list(store: Store) -> list[GraphRow]:
    return [{"iri": g.iri, "triples": g.triples, "system": g.system} for g in store.graphs()]


def _input_format(media_type: str) -> ox.RdfFormat:
    fmt = media_types.input_format(media_type)
    if fmt is None:
        raise UsageError(f"unsupported RDF media type {media_type!r}")
    return fmt


def _check_parses(body: bytes, fmt: ox.RdfFormat) -> None:
    """Parse before touching the store, so bad input leaves the default graph unchanged."""
    from otmlops.rdfio import scan

    scan(body, fmt, base_iri="http://localhost/", source_name="request body")


# ----------------------------------------------------------------------------- tasks


class ReadTask(Generic[R]):
    """A read the runner sends to a query worker; ``run`` answers an ``R``.

    Subclasses are frozen dataclasses defined at module level (they cross a pipe by pickle).
    Those with ``streams`` serialise into the sink as they go, so a large answer is sent in
    chunks; the others ignore it."""

    streams: ClassVar[bool] = False

    def run(self, store: Store, sink: Sink | None = None) -> R:
        raise NotImplementedError


class WriteTask(Generic[R]):
    """A write the runner sends to the one writer process; ``run`` answers an ``R``."""

    def run(self, store: Store) -> R:
        raise NotImplementedError


@dataclass(frozen=True)
class Query(ReadTask[Reply]):
    """A SPARQL query with its protocol dataset, serialised for ``accept``."""

    streams: ClassVar[bool] = True
    sparql: str
    accept: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    base_iri: str | None = None

    def run(self, store: Store, sink: Sink | None = None) -> Reply:
        return run_query(
            store,
            sparql=self.sparql,
            accept=self.accept,
            default_graphs=self.default_graphs,
            named_graphs=self.named_graphs,
            base_iri=self.base_iri,
            sink=sink,
        )


@dataclass(frozen=True)
class NamedQuery(ReadTask[Reply]):
    """A catalogue query by id with its raw string arguments."""

    streams: ClassVar[bool] = True
    query_id: str
    params: Mapping[str, str] = field(default_factory=dict)
    accept: str | None = None

    def run(self, store: Store, sink: Sink | None = None) -> Reply:
        return run_named(
            store, query_id=self.query_id, params=dict(self.params), accept=self.accept, sink=sink
        )


@dataclass(frozen=True)
class ExportGraph(ReadTask[Reply]):
    """One graph (None: the default graph) in the RDF format negotiated for ``accept``."""

    graph: str | None
    accept: str | None = None

    def run(self, store: Store, sink: Sink | None = None) -> Reply:
        return export_graph(store, graph=self.graph, accept=self.accept)


@dataclass(frozen=True)
class ListGraphs(ReadTask[list[GraphRow]]):
    """The store's named graphs with their sizes."""

    def run(self, store: Store, sink: Sink | None = None) -> list[GraphRow]:
        return graph_list(store)


@dataclass(frozen=True)
class TripleCount(ReadTask[int]):
    """How many triples the store holds (for /metrics)."""

    def run(self, store: Store, sink: Sink | None = None) -> int:
        return store.triple_count()


@dataclass(frozen=True)
class BuildView(ReadTask[Any]):
    """A workbench view model (otmlops.web.views): JSON-like data, its shape per view."""

    name: str
    args: Mapping[str, object] = field(default_factory=dict)

    def run(self, store: Store, sink: Sink | None = None) -> Any:
        from otmlops.web.views import build  # imported in the worker, on first use

        return build(store, self.name, **self.args)


@dataclass(frozen=True)
class Update(WriteTask[None]):
    """A SPARQL update with its protocol dataset."""

    sparql: str
    using_graphs: list[str] = field(default_factory=list)
    using_named_graphs: list[str] = field(default_factory=list)
    base_iri: str | None = None

    def run(self, store: Store) -> None:
        run_update(
            store,
            sparql=self.sparql,
            using_graphs=self.using_graphs,
            using_named_graphs=self.using_named_graphs,
            base_iri=self.base_iri,
        )


@dataclass(frozen=True)
class PutGraph(WriteTask[bool]):
    """Replace a graph with the body; answers whether the graph was created."""

    graph: str | None
    body: bytes
    media_type: str

    def run(self, store: Store) -> bool:
        return put_graph(store, graph=self.graph, body=self.body, media_type=self.media_type)


@dataclass(frozen=True)
class PostGraph(WriteTask[bool]):
    """Add each (body, media type) part to a graph; answers whether it was created."""

    graph: str | None
    parts: list[tuple[bytes, str]]

    def run(self, store: Store) -> bool:
        return post_graph(store, graph=self.graph, parts=self.parts)


@dataclass(frozen=True)
class DeleteGraph(WriteTask[None]):
    """Drop a named graph, or clear the default graph (None)."""

    graph: str | None

    def run(self, store: Store) -> None:
        delete_graph(store, graph=self.graph)
