"""What an import produced and did: payload per graph, counts, skips and warnings.

Kept separate from the converters so the CLI, the HTTP layer and the tests print and check the
same summary.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox

from otmlops.errors import OtmlopsError, StoreError
from otmlops.store.base import Store


@dataclass
class GraphPayload:
    """The triples one source contributes to one named graph."""

    graph: str
    source: str
    triples: list[ox.Triple] = field(default_factory=list)

    def ntriples(self) -> bytes:
        return ox.serialize(self.triples, format=ox.RdfFormat.N_TRIPLES) or b""


@dataclass
class ImportResult:
    """Everything an importer made, before anything is stored."""

    kind: str
    payloads: list[GraphPayload] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    #: (what was skipped, why)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: triples actually stored per graph (filled by ``store_result``)
    stored: dict[str, int] = field(default_factory=dict)

    def skip(self, what: str, reason: str) -> None:
        self.skipped.append((what, reason))

    def summary_lines(self) -> list[str]:
        """The human-readable report the CLI prints."""
        lines = [f"import {self.kind}:"]
        by_graph: dict[str, list[GraphPayload]] = {}
        for p in self.payloads:
            by_graph.setdefault(p.graph, []).append(p)
        for graph, payloads in by_graph.items():
            n = self.stored.get(graph, len({t for p in payloads for t in p.triples}))
            sources = ", ".join(p.source for p in payloads)
            lines.append(f"  graph <{graph}> from {sources}: {n} triples")
        for key in sorted(self.counts):
            lines.append(f"  {key}: {self.counts[key]}")
        reasons = Counter(reason for _, reason in self.skipped)
        if self.skipped:
            lines.append(f"  skipped: {len(self.skipped)}")
            for reason, n in sorted(reasons.items()):
                examples = [w for w, r in self.skipped if r == reason][:3]
                lines.append(f"    {n} x {reason} (e.g. {', '.join(examples)})")
        for w in self.warnings:
            lines.append(f"  warning: {w}")
        return lines


def store_result(store: Store, result: ImportResult) -> ImportResult:
    """Make each payload the whole content of its graph, all graphs in one atomic store write
    (``Store.replace_graphs``): after a failure every graph holds what it held before.

    Payloads that share a graph are merged first, so a multi-file import into one ``--graph``
    is one graph of that write.
    """
    merged: dict[str, list[ox.Triple]] = {}
    for p in result.payloads:
        merged.setdefault(p.graph, []).extend(p.triples)
    data = {
        graph: ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        for graph, triples in merged.items()
    }
    try:
        result.stored.update(
            store.replace_graphs(data, format=ox.RdfFormat.N_TRIPLES, source_name=result.kind)
        )
    except StoreError:
        raise
    except Exception as exc:
        if isinstance(exc, OtmlopsError):  # it already says what to do
            raise
        raise StoreError(f"import into the store failed: {exc}") from exc
    return result
