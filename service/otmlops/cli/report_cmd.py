"""``otmlops report USECASE --out FILE.html``: the workbench's printable governance report of
one use case, written as a single HTML file (stylesheet inside, no script, no external asset)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from otmlops.store.base import Store


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "report",
        parents=[common],
        help="write the governance report of a use case as one HTML file",
        description="Write the printable report of a use case (RAMI 4.0 grid and ISA-95 path "
        "as SVG, owners, gaps, IT/OT crossings, validation findings) that the workbench "
        "shows at /ui/report.",
    )
    parser.add_argument(
        "use_case",
        metavar="USECASE",
        help="the use case: its IRI (<...> optional) or a unique part of its label",
    )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="FILE.html", help="where to write the report"
    )
    parser.set_defaults(func=_cmd_report)


def resolve_use_case(store: Store, given: str) -> str:
    """The IRI of the use case the user named by IRI or by a unique part of its label."""
    import pyoxigraph as ox

    from otmlops.catalogue import run_named_query
    from otmlops.errors import UsageError

    text = given.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    overview = run_named_query(store, "use-case-overview")
    assert isinstance(overview, ox.QuerySolutions)  # a SELECT query
    rows = [(sol["useCase"], sol["label"]) for sol in overview]
    cases = {str(uc.value): str(label.value) for uc, label in rows if uc and label}
    every = {str(uc.value) for uc, _ in rows if uc}
    if text in every:
        return text
    hits = sorted(iri for iri, label in cases.items() if text.lower() in label.lower())
    if len(hits) == 1:
        return hits[0]
    if not hits:
        known = ", ".join(f"{cases.get(i, i)!r}" for i in sorted(every)) or "none is loaded"
        raise UsageError(f"no use case is named {given!r}; known use cases: {known}")
    raise UsageError(
        f"{given!r} matches {len(hits)} use cases ("
        + ", ".join(f"<{h}>" for h in hits[:5])
        + "); give its IRI"
    )


def _cmd_report(args: argparse.Namespace) -> int:
    import sys

    from otmlops.cli import open_cli_store
    from otmlops.errors import UsageError
    from otmlops.web import views
    from otmlops.web.pages import render

    with open_cli_store(args) as store:
        iri = resolve_use_case(store, args.use_case)
        data = views.report(store, iri)
        location = store.location
    html = render(
        "report.html",
        standalone=True,
        active="",
        store=location,
        title="Report: " + data["node"]["label"],
        data=data,
    )
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    print(f"wrote the report on {data['node']['label']} to {args.out}", file=sys.stderr)
    return 0
