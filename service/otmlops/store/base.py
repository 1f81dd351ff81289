"""The store interface every backend implements; the CLI and the HTTP app only see this.

Results are pyoxigraph objects for every backend (a remote backend parses the endpoint's answer
with ``pyoxigraph.parse_query_results``), so serialisation and tests do not care where a query ran.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from otmlops.rdfio import Progress

QueryOutcome = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Term = ox.NamedNode | ox.BlankNode | ox.Literal
#: progress(bytes_done, bytes_total) — called while a file is parsed (rdfio's reader calls it).
ProgressCallback = Progress


@dataclass(frozen=True)
class GraphInfo:
    iri: str
    triples: int
    system: bool = False


@dataclass
class LoadReport:
    graph: str
    triples: int
    source: str
    replaced: bool = False
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    #: Every graph the load replaced, with its triple count (quad formats can fill several;
    #: ``graph``/``triples`` are the main one and the sum).
    graphs: dict[str, int] = field(default_factory=dict)


class Store(ABC):
    """A dataset of named graphs with SPARQL query/update and graph-level load/drop.

    Contract shared by all backends:
    - the default graph of a query is the union of all named graphs, unless the query or the
      call names a dataset (FROM/FROM NAMED, default_graphs, named_graphs);
    - ``load`` replaces a whole named graph atomically: on any error the store is unchanged;
    - queries see entailed answers: their patterns are widened at query time
      (docs/entailment.md), nothing is materialised;
    - the bundled ontology and reference mapping are present after ``bootstrap()``.
    """

    location: str

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        entailment: bool = True,
    ) -> QueryOutcome:
        """Run a SPARQL query. ``bindings`` pre-bind variables (by name, without ``?``) to RDF
        terms; values are never spliced into the query text as strings. ``entailment=False``
        answers from the asserted triples only."""

    @abstractmethod
    def update(
        self,
        sparql: str,
        *,
        using_graphs: Sequence[str] | None = None,
        using_named_graphs: Sequence[str] | None = None,
    ) -> None:
        """Run a SPARQL update atomically; its WHERE clauses see entailed answers too."""

    @abstractmethod
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
        """Parse ``source`` and make it the whole content of ``graph`` (default: the file's
        ``file://`` URI). Syntax errors raise InputError with file:line:column; the store is
        unchanged. Quad formats (N-Quads, TriG) keep their own graph names unless ``graph``
        is given. With ``record_prefixes`` the file's prefix declarations are kept in the meta
        graph for short names in answers; a union query then sees them too, so conformance
        runs that compare answers with plain SPARQL turn it off."""

    def replace_default_graph(
        self, source: Path | bytes, *, format: ox.RdfFormat, base_iri: str | None = None
    ) -> int:
        """Make the store's default graph hold exactly ``source`` atomically (GSP PUT of
        ``?default``); returns the number of triples parsed. (Not abstract, so that other
        implementations of this interface keep working until they provide it.)"""
        raise NotImplementedError(f"{type(self).__name__} cannot replace the default graph")

    def replace_graphs(
        self, graphs: Mapping[str, bytes], *, format: ox.RdfFormat, source_name: str = "<input>"
    ) -> dict[str, int]:
        """Replace several named graphs in one atomic write (all or none); returns the stored
        triple count of each."""
        raise NotImplementedError(f"{type(self).__name__} cannot replace several graphs at once")

    @abstractmethod
    def add_to_graph(
        self,
        source: Path | bytes,
        *,
        graph: str | None,
        format: ox.RdfFormat | None = None,
        base_iri: str | None = None,
        record_prefixes: bool = True,
    ) -> int:
        """Append triples to ``graph`` (None: the default graph) atomically (GSP POST)."""

    @abstractmethod
    def drop(self, graph: str) -> None:
        """Remove a named graph; NotFound if it does not exist."""

    @abstractmethod
    def graphs(self) -> list[GraphInfo]:
        """Named graphs with their triple counts (staging graphs excluded)."""

    @abstractmethod
    def has_graph(self, graph: str) -> bool: ...

    @abstractmethod
    def graph_triples(self, graph: str | None) -> Iterator[ox.Triple]:
        """The asserted triples of one graph (None: the default graph, not the union; nothing
        entailed), read as they are consumed; NotFound (at once) for a named graph the store
        does not have. Validation reads plant graphs with it; :meth:`export_graph` serialises
        it."""

    def export_graph(self, graph: str | None, format: ox.RdfFormat) -> bytes:
        """Serialise one graph (None: the default graph, not the union) (GSP GET)."""
        triples = self.graph_triples(graph)
        if format.supports_datasets:
            g = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
            quads = (ox.Quad(t.subject, t.predicate, t.object, g) for t in triples)
            return ox.serialize(quads, format=format) or b""
        return ox.serialize(triples, format=format) or b""

    @abstractmethod
    def triple_count(self) -> int: ...

    def prefixes(self) -> dict[str, str]:
        """Prefix names for showing IRIs (``name -> namespace``): ours and those declared by the
        files loaded into the store."""
        from otmlops.namespaces import PREFIXES

        return dict(PREFIXES)

    @abstractmethod
    def bootstrap(self, *, force: bool = False) -> None:
        """Load the bundled ontology and reference mapping if missing or outdated."""

    def close(self) -> None:  # pragma: no cover - backends override when they hold resources
        return None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
