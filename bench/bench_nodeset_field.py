"""Field test of the OPC UA importer over a checkout of OPCFoundation/UA-Nodeset.

Every NodeSet2 file in the tree is imported (dry run) together with the files that define the
models it requires, found by model URI in the same tree. For each file the table gives whether it
imported, the ISA-95 equipment the bridge rules found in that file, the ``isa95:partOf`` edges
and the ``map:DataSource`` nodes. docs/importers.md quotes the totals and the files that yield
equipment.

    python bench/bench_nodeset_field.py UA-NODESET-DIR [--markdown] [--only SUBSTRING]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from lxml import etree

from otmlops.errors import OtmlopsError
from otmlops.importers.opcua import import_nodesets
from otmlops.importers.opcua_nodeset import NodeSet, parse_nodeset
from otmlops.importers.opcua_rules import load_rules

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ISA95 = "https://w3id.org/otmlops/isa95#"
PART_OF = ISA95 + "partOf"
DATA_SOURCE = "https://w3id.org/otmlops/map#DataSource"
NODE_ID = "https://w3id.org/otmlops/opcua#nodeId"


def is_nodeset(path: Path) -> bool:
    try:
        for _, el in etree.iterparse(str(path), events=("start",)):
            return etree.QName(el).localname == "UANodeSet"
    except etree.XMLSyntaxError:
        return False
    return False


def closure(ns: NodeSet, providers: dict[str, NodeSet]) -> list[NodeSet]:
    """``ns`` and, depth first, every nodeset that defines a model it (indirectly) needs."""
    order: list[NodeSet] = []
    seen: set[int] = set()

    def visit(n: NodeSet) -> None:
        if id(n) in seen:
            return
        seen.add(id(n))
        needed = (
            {r.uri for m in n.models for r in m.required} if n.models else set(n.namespaces[1:])
        )
        for uri in sorted(needed):
            p = providers.get(uri)
            if p is not None:
                visit(p)
        order.append(n)

    visit(ns)
    return order


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a checkout of OPCFoundation/UA-Nodeset")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--only", help="only files whose path contains this")
    args = parser.parse_args()
    started = time.perf_counter()
    files = sorted(p for p in args.root.rglob("*") if p.suffix.lower() == ".xml" and is_nodeset(p))
    parsed: dict[Path, NodeSet | str] = {}
    for path in files:
        try:
            parsed[path] = parse_nodeset(path)
        except OtmlopsError as exc:
            parsed[path] = str(exc)
    providers: dict[str, NodeSet] = {}
    for ns in parsed.values():
        if isinstance(ns, NodeSet):
            for m in ns.models:
                # a model defined by several files (the core in full and in parts): the fullest
                if m.uri not in providers or len(ns.nodes) > len(providers[m.uri].nodes):
                    providers[m.uri] = ns
    rules = load_rules()
    rows = []
    totals: Counter[str] = Counter()
    for path, ns in parsed.items():
        name = str(path.relative_to(args.root))
        if args.only and args.only not in name:
            continue
        if isinstance(ns, str):
            rows.append((name, "parse error: " + ns.replace(str(args.root) + "/", ""), 0, 0, 0))
            totals["failed"] += 1
            continue
        try:
            result = import_nodesets(closure(ns, providers), graph="urn:field", rules=rules)
        except OtmlopsError as exc:
            rows.append((name, "error: " + str(exc).splitlines()[0][:120], 0, 0, 0))
            totals["failed"] += 1
            continue
        mine = [t for p in result.payloads if p.source == str(ns.path) for t in p.triples]
        # OPC UA nodes only, not the asset-identity IRIs their typing is repeated on
        nodes = {t.subject for t in mine if t.predicate.value == NODE_ID}
        equipment = {
            t.subject
            for t in mine
            if t.predicate.value == RDF_TYPE
            and t.object.value.startswith(ISA95)
            and t.subject in nodes
        }
        part_of = sum(
            1
            for t in mine
            if t.predicate.value == PART_OF and t.subject in nodes and t.object in nodes
        )
        sources = {
            t.subject
            for t in mine
            if t.predicate.value == RDF_TYPE and t.object.value == DATA_SOURCE
        }
        rows.append((name, "ok", len(equipment), part_of, len(sources)))
        totals["imported"] += 1
        totals["equipment"] += len(equipment)
        totals["partOf"] += part_of
        totals["data sources"] += len(sources)
        totals["files with equipment"] += bool(equipment)
    if args.markdown:
        print("| file | import | equipment | `isa95:partOf` | data sources |")
        print("|---|---|---:|---:|---:|")
        for name, status, e, p, d in rows:
            if e or p or d or status != "ok":
                print(f"| {name} | {status} | {e} | {p} | {d} |")
    else:
        for name, status, e, p, d in rows:
            print(f"{name:70} {status[:60]:60} {e:6} {p:6} {d:6}")
    print(
        f"\n{len(rows)} nodeset files; "
        + ", ".join(f"{k}: {v}" for k, v in sorted(totals.items()))
        + f"; {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
