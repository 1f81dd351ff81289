"""``import aas``: an AAS file (JSON, XML, AASX) to one named graph in the official AAS RDF form,
plus the bridging triples of ``aas_bridge``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import aas_core3_1.types as aas
import aas_core3_1.verification as verification
import pyoxigraph as ox

from otmlops.importers.aas_bridge import bridge_triples
from otmlops.importers.aas_rdf import environment_triples
from otmlops.importers.aas_read import read_environment
from otmlops.importers.aas_rules import AasRules, load_aas_rules
from otmlops.importers.report import GraphPayload, ImportResult

#: Base for ids that are not absolute IRIs (the official examples use relative ids).
DEFAULT_BASE = "urn:otmlops:aas:"
_MAX_LISTED_VIOLATIONS = 5


def import_aas(
    path: Path,
    *,
    graph: str | None = None,
    base: str = DEFAULT_BASE,
    bridge: bool = True,
    rules: list[Path] | None = None,
) -> ImportResult:
    """Convert ``path``; nothing is stored here (see ``report.store_result``)."""
    loaded = load_aas_rules(rules) if bridge else None
    env, skipped_parts, notes = read_environment(path)
    return import_environment(
        env,
        source=str(path),
        graph=graph or path.resolve().as_uri(),
        base=base,
        rules=loaded,
        notes=notes,
        skipped_parts=skipped_parts,
    )


def import_aas_server(
    url: str,
    *,
    graph: str | None = None,
    base: str = DEFAULT_BASE,
    bridge: bool = True,
    rules: list[Path] | None = None,
    token: str | None = None,
    page_size: int = 100,
) -> ImportResult:
    """Read every shell and submodel of an AAS repository (AAS API V3) and convert them like a
    file; the graph defaults to the repository URL."""
    from otmlops.importers.aas_live import read_repository

    loaded = load_aas_rules(rules) if bridge else None
    env = read_repository(url, token=token, page_size=page_size)
    return import_environment(env, source=url, graph=graph or url, base=base, rules=loaded)


def import_environment(
    env: aas.Environment,
    *,
    source: str,
    graph: str,
    base: str = DEFAULT_BASE,
    rules: AasRules | None = None,
    notes: list[str] | None = None,
    skipped_parts: list[str] | None = None,
) -> ImportResult:
    """Convert an environment read already (from a file or an AAS server); ``rules`` None
    writes the AAS RDF only, without bridging triples."""
    result = ImportResult(kind="aas")
    result.warnings.extend(notes or ())
    for part in skipped_parts or ():
        result.skip(part, "supplementary file in the AASX package (not part of the environment)")
    nodes: dict[int, ox.NamedNode | ox.BlankNode] = {}

    def on_node(node: ox.NamedNode | ox.BlankNode, obj: aas.Class) -> None:
        nodes[id(obj)] = node
        if isinstance(obj, aas.SubmodelElement):
            result.counts["submodel elements"] += 1

    triples = environment_triples(env, base, on_node)
    result.counts["asset administration shells"] = len(env.asset_administration_shells or ())
    result.counts["submodels"] = len(env.submodels or ())
    result.counts["concept descriptions"] = len(env.concept_descriptions or ())
    if rules is not None:
        counts: Counter[str] = Counter()
        triples.extend(bridge_triples(env, base, nodes, counts, rules, result.warnings))
        result.counts.update(counts)
    ids = Counter(
        i.id
        for group in (env.asset_administration_shells, env.submodels, env.concept_descriptions)
        for i in group or ()
    )
    duplicated = sorted(i for i, n in ids.items() if n > 1)
    if duplicated:
        result.warnings.append(
            f"{len(duplicated)} id(s) used by more than one identifiable, so "
            f"their descriptions share one RDF node: {', '.join(duplicated)}"
        )
    violations = list(verification.verify(env))
    if violations:
        listed = "; ".join(f"{v.path}: {v.cause}" for v in violations[:_MAX_LISTED_VIOLATIONS])
        result.warnings.append(
            f"{len(violations)} AAS metamodel constraint violation(s), "
            f"imported as they are: {listed}"
        )
    result.payloads.append(GraphPayload(graph=graph, source=source, triples=triples))
    return result
