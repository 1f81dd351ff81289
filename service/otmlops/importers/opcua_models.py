"""Check that the nodesets given satisfy each other's RequiredModel entries.

As OPC UA tools do, a newer version of a required model is accepted with a warning and an older
one is refused; a required model that no given file defines is an error that names its URI.
"""

from __future__ import annotations

import re

from otmlops.errors import InputError
from otmlops.importers.opcua_nodeset import Model, ModelInfo, NodeSet


def _version_key(version: str) -> tuple[int, ...] | None:
    parts = re.findall(r"\d+", version)
    return tuple(int(p) for p in parts) if parts else None


def compare(provided: ModelInfo, required: ModelInfo) -> int:
    """-1 if ``provided`` is older than ``required``, 1 if newer, 0 if same or unknown."""
    pv = _version_key(provided.version or "")
    rv = _version_key(required.version or "")
    if pv is not None and rv is not None and pv != rv:
        width = max(len(pv), len(rv))
        pv, rv = pv + (0,) * (width - len(pv)), rv + (0,) * (width - len(rv))
        if pv != rv:
            return -1 if pv < rv else 1
    if provided.publication_date and required.publication_date:
        p, r = provided.publication_date[:10], required.publication_date[:10]
        if p != r:
            return -1 if p < r else 1
    return 0


def _describe(info: ModelInfo) -> str:
    return (
        " ".join(
            x
            for x in (
                info.version,
                f"({info.publication_date[:10]})" if info.publication_date else None,
            )
            if x
        )
        or "(no version)"
    )


def _without_models(ns: NodeSet, provided: dict[str, tuple[Model, NodeSet]]) -> str:
    """<Models> is optional in NodeSet2 (instance files such as the Pumps example omit it): the
    namespaces such a file uses stand in for its dependencies, and the ones no given file
    defines are taken to be its own."""
    used = ns.namespaces[1:]
    foreign = [u for u in used if u in provided]
    own = [u for u in used if u not in provided]
    return (
        f"{ns.path.name} declares no <Models>, so its dependencies are not checked; it "
        f"uses {len(foreign)} namespace(s) defined by the files given and defines "
        f"{', '.join(own) or 'no namespace of its own'}"
    )


def resolve_models(nodesets: list[NodeSet]) -> list[str]:
    """Warnings for accepted newer versions; raises InputError for missing, older or
    duplicated models."""
    provided: dict[str, tuple[Model, NodeSet]] = {}
    warnings: list[str] = []
    for ns in nodesets:
        for model in ns.models:
            if model.uri in provided:
                other = provided[model.uri][1].path
                raise InputError(
                    f"model {model.uri} is defined twice (also in {other})", source=str(ns.path)
                )
            provided[model.uri] = (model, ns)
    for ns in nodesets:
        if not ns.models:
            warnings.append(_without_models(ns, provided))
    missing: dict[str, list[str]] = {}
    first_missing: str | None = None
    older: list[str] = []
    for ns in nodesets:
        for model in ns.models:
            for req in model.required:
                if req.uri not in provided:
                    missing.setdefault(req.uri, []).append(ns.path.name)
                    first_missing = first_missing or str(ns.path)
                    continue
                have, where = provided[req.uri]
                order = compare(have, req)
                if order < 0:
                    older.append(
                        f"{model.uri} requires {req.uri} {_describe(req)}, but "
                        f"{where.path.name} provides the older {_describe(have)}"
                    )
                elif order > 0:
                    warnings.append(
                        f"{model.uri} requires {req.uri} {_describe(req)}; using "
                        f"the newer {_describe(have)} from {where.path.name}"
                    )
    if missing:
        listed = "; ".join(
            f"{uri} (required by {', '.join(sorted(set(by)))})"
            for uri, by in sorted(missing.items())
        )
        raise InputError(
            f"missing required OPC UA model(s): {listed}. Give the NodeSet2 "
            f"file(s) that define them on the same command line",
            source=first_missing,
        )
    if older:
        raise InputError(
            "required model too old: " + "; ".join(older), source=str(nodesets[0].path)
        )
    return warnings
