"""What a worker does with one request: run it against a store and serialise the answer.

Every function takes the store (the otmlops.store interface) and plain arguments, and returns
plain data (bytes, ints, lists), so it can run in a worker process and its answer can cross a
pipe. The CLI can call the same functions in-process.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

import pyoxigraph as ox

from otmlops import media_types as formats
from otmlops.errors import NotFound, UsageError


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


class Sink(Protocol):
    """Where a worker writes a serialised answer as it is produced (see worker.PipeSink)."""

    def open(self, media_type: str, kind: str) -> Any:
        """Start the answer; returns an object with ``write(bytes)``."""


def serialize_outcome(outcome: Any, accept: str | None, sink: Sink | None = None) -> Reply:
    """Negotiate the format for a query outcome and serialise it: into the returned Reply,
    or, with ``sink``, into the sink as it is produced (the Reply's body is then empty)."""
    if isinstance(outcome, ox.QueryBoolean):
        media = formats.result_media_type(accept)
        fmt: Any = formats.RESULT_FORMATS[media]
        kind = "ask"
    elif isinstance(outcome, ox.QuerySolutions):
        media = formats.result_media_type(accept)
        fmt, kind = formats.RESULT_FORMATS[media], "select"
    elif isinstance(outcome, ox.QueryTriples):
        media = formats.graph_media_type(accept)
        fmt, kind = formats.GRAPH_FORMATS[media], "graph"
    else:
        raise TypeError(f"unexpected query outcome {type(outcome).__name__}")
    if sink is None:
        return Reply(media, outcome.serialize(format=fmt), kind)
    outcome.serialize(sink.open(media, kind), format=fmt)
    return Reply(media, b"", kind)


def run_query(
    store: Any,
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
        raise UsageError(fix_error_position(str(exc), shift)) from None


class ParameterError(UsageError):
    """A named query's parameter is missing, unknown or has a bad value (HTTP 422)."""

    http_status = 422


def run_named(
    store: Any,
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
    store: Any,
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


def graph_exists(store: Any, graph: str | None) -> bool:
    """The default graph always exists; a named graph exists if the store knows it."""
    return graph is None or store.has_graph(graph)


def export_graph(store: Any, *, graph: str | None, accept: str | None) -> Reply:
    if not graph_exists(store, graph):
        raise NotFound(f"graph <{graph}> does not exist")
    media = formats.graph_media_type(accept)
    return Reply(media, store.export_graph(graph, formats.GRAPH_FORMATS[media]), "graph")


def put_graph(store: Any, *, graph: str | None, body: bytes, media_type: str) -> bool:
    """Replace a graph with the body; True if the graph was created."""
    fmt = _input_format(media_type)
    if graph is None:
        _check_parses(body, fmt)
        store.replace_default_graph(body, format=fmt)  # one atomic write, never two steps
        return False
    existed = store.has_graph(graph)
    store.load(body, graph=graph, format=fmt, base_iri=graph, source_name="request body")
    return not existed


def post_graph(store: Any, *, graph: str | None, parts: list[tuple[bytes, str]]) -> bool:
    """Add the RDF of each (body, media type) part to a graph; True if it was created."""
    existed = graph_exists(store, graph)
    for body, media_type in parts:
        fmt = _input_format(media_type)
        store.add_to_graph(body, graph=graph, format=fmt, base_iri=graph)
    return not existed


def new_graph_iri(base: str) -> str:
    """An IRI for a graph created by POST to the store endpoint (GSP section 5.5)."""
    return f"{base.rstrip('/')}/{uuid.uuid4()}"


def delete_graph(store: Any, *, graph: str | None) -> None:
    if graph is None:
        store.update("CLEAR DEFAULT")
        return
    store.drop(graph)


def graph_list(store: Any) -> list[dict[str, Any]]:
    return [{"iri": g.iri, "triples": g.triples, "system": g.system} for g in store.graphs()]


def _input_format(media_type: str) -> ox.RdfFormat:
    fmt = formats.input_format(media_type)
    if fmt is None:
        raise UsageError(f"unsupported RDF media type {media_type!r}")
    return fmt


def _check_parses(body: bytes, fmt: ox.RdfFormat) -> None:
    """Parse before touching the store, so bad input leaves the default graph unchanged."""
    from otmlops.rdfio import scan

    scan(body, fmt, base_iri="http://localhost/", source_name="request body")
