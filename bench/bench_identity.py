"""What query-time owl:sameAs costs the catalogue: every catalogue query on a generated plant,
without identity links and then with them.

Generates a plant (otmlops.plantgen, the plant of bench_store.py), loads it into a fresh store
on disk and runs every catalogue query with the parameters bench_store.py gives them (median of
``--runs``, answers counted). Then it gives ``--twins`` work units (every k-th, in IRI order) an
identity twin as an AAS import would: ``owl:sameAs`` to ``urn:twin:<n>``, a bill-of-material
part ``urn:twin:<n>/part isa95:partOf urn:twin:<n>`` and a data source that
``map:dataSourceOf`` the twin, and runs the queries again. Prints a markdown table; ``--json``
also writes the figures.

To compare with the code before query-time owl:sameAs, run the same command with that code
first on ``PYTHONPATH`` (for example ``git archive <commit> service | tar -x -C /tmp/before``,
then ``PYTHONPATH=/tmp/before/service``); the script prints which ``otmlops`` it imported.

    .venv/bin/python bench/bench_identity.py [--size 100k] [--twins 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

import otmlops
from bench_store import bench_params
from otmlops import plantgen
from otmlops.catalogue import load_catalogue, run_named_query
from otmlops.store import open_store
from otmlops.store.base import Store

ISA = "https://w3id.org/otmlops/isa95#"
MAP = "https://w3id.org/otmlops/map#"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"


def run_catalogue(store: Store, params: dict[str, list[str]], runs: int) -> dict[str, list[float]]:
    """Median ms and answer count of every catalogue query: ``{id: [ms, rows]}``."""
    out: dict[str, list[float]] = {}
    for qid, query in sorted(load_catalogue().items()):
        assignments = params.get(qid, query.example_assignments(0) if query.params else [])
        times, rows = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            rows = len(list(run_named_query(store, qid, assignments)))  # type: ignore[arg-type]
            times.append(time.perf_counter() - started)
        out[qid] = [1000 * statistics.median(times), rows]
    return out


def twin_data(store: Store, count: int) -> bytes:
    """N-Triples giving ``count`` work units (spread over the plant) an identity twin."""
    result = store.query(
        f"SELECT DISTINCT ?u WHERE {{ ?u a <{ISA}WorkUnit> }} ORDER BY ?u", entailment=True
    )
    units = [str(r["u"].value) for r in result]  # type: ignore[union-attr]
    step = max(1, len(units) // max(count, 1))
    lines = []
    for n, unit in enumerate(units[::step][:count]):
        twin = f"urn:twin:{n}"
        lines += [
            f"<{unit}> <{SAME_AS}> <{twin}> .",
            f"<{twin}/part> <{ISA}partOf> <{twin}> .",
            f"<{twin}/part> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            f"<{ISA}EquipmentModule> .",
            f"<{twin}/source> <{MAP}dataSourceOf> <{twin}> .",
        ]
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="100k")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--twins", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    print(f"otmlops from {Path(otmlops.__file__).parent}", file=sys.stderr)
    n = plantgen.parse_size(args.size)
    with tempfile.TemporaryDirectory() as tmp:
        plant = Path(tmp) / "plant.nt"
        stats = plantgen.generate(n, args.seed, plant)
        assert isinstance(stats, plantgen.PlantStats)
        params = bench_params(stats.samples)
        with open_store(str(Path(tmp) / "store")) as store:
            started = time.perf_counter()
            store.load(plant)
            print(
                f"loaded {stats.triples} triples in {time.perf_counter() - started:.1f} s",
                file=sys.stderr,
            )
            without = run_catalogue(store, params, args.runs)
            data = twin_data(store, args.twins)
            store.load(data, graph="urn:bench:twins", format=ox.RdfFormat.N_TRIPLES)
            started = time.perf_counter()
            store.entailment_rules()
            rules_ms = 1000 * (time.perf_counter() - started)
            with_twins = run_catalogue(store, params, args.runs)
    print(
        f"{stats.triples} triples, {args.twins} identity twins "
        f"(rules re-read with them: {rules_ms:.1f} ms), median of {args.runs} runs\n"
    )
    print("| query | without owl:sameAs (ms) | rows | with twins (ms) | rows |")
    print("|---|---:|---:|---:|---:|")
    for qid in without:
        a, b = without[qid], with_twins[qid]
        print(f"| {qid} | {a[0]:.1f} | {a[1]:.0f} | {b[0]:.1f} | {b[1]:.0f} |")
    total_a = sum(v[0] for v in without.values())
    total_b = sum(v[0] for v in with_twins.values())
    print(f"| all queries | {total_a:.1f} | | {total_b:.1f} | |")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "triples": stats.triples,
                    "twins": args.twins,
                    "rules_ms": rules_ms,
                    "without": without,
                    "with": with_twins,
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
