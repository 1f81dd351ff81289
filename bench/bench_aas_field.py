"""Field test of the AAS importer over a folder of real AAS files (.aasx, .json, .xml).

For example a checkout of admin-shell-io/submodel-templates or the XML examples of aas4j. Each
file is imported (dry run); the table gives whether it imported, and what the bridge rules made
of it: equipment, ``isa95:partOf`` edges, data sources, shells whose asset got no ISA-95 class.
A traceback here is a bug: the importer must turn every failure into an error naming the file.

    python bench/bench_aas_field.py DIR [--errors]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from otmlops.errors import OtmlopsError
from otmlops.importers.aas import import_aas

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ISA95 = "https://w3id.org/otmlops/isa95#"
DATA_SOURCE = "https://w3id.org/otmlops/map#DataSource"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--errors", action="store_true", help="list the files that failed")
    args = parser.parse_args()
    started = time.perf_counter()
    totals: Counter[str] = Counter()
    failures: list[tuple[str, str]] = []
    for path in sorted(
        p for p in args.root.rglob("*") if p.suffix.lower() in (".aasx", ".json", ".xml")
    ):
        name = str(path.relative_to(args.root))
        totals["files"] += 1
        try:
            result = import_aas(path)
        except OtmlopsError as exc:
            failures.append((name, str(exc).replace("\n", " ")[:200]))
            totals["refused"] += 1
            continue
        except Exception as exc:  # noqa: BLE001 - the field test counts crashes
            failures.append((name, f"CRASH {type(exc).__name__}: {exc}"[:200]))
            totals["crashed"] += 1
            continue
        triples = [t for p in result.payloads for t in p.triples]
        equipment = {
            t.subject
            for t in triples
            if t.predicate.value == RDF_TYPE and t.object.value.startswith(ISA95)
        }
        totals["imported"] += 1
        totals["equipment"] += len(equipment)
        totals["files with equipment"] += bool(equipment)
        totals["partOf"] += sum(1 for t in triples if t.predicate.value == ISA95 + "partOf")
        totals["data sources"] += len(
            {
                t.subject
                for t in triples
                if t.predicate.value == RDF_TYPE and t.object.value == DATA_SOURCE
            }
        )
    if args.errors:
        for name, why in failures:
            print(f"{name}\n    {why}")
    print(
        ", ".join(f"{k}: {v}" for k, v in sorted(totals.items()))
        + f"; {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
