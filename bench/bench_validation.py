"""Validation benchmark: fast engine vs pySHACL on generated plants (issue 4, item 6).

For each size, bench/plantgen.py writes a plant with its use cases (N-Triples); the last use case
is split off into its own mapping file. Then:

1. full validation of plant + mapping against all shipped shapes, fast engine and pySHACL in the
   same run, on the same triples and shapes; the two sets of (focus node, path, constraint
   component, severity) must be identical;
2. incremental validation: the plant is loaded and indexed once (pyoxigraph, in memory), then the
   mapping file is read, parsed and validated repeatedly; median and spread are reported, and the
   incremental result set is checked against the full one.

    python bench/bench_validation.py --size 100k --size 500k [--no-pyshacl] [--json out.json]

pySHACL at 500k triples takes many minutes; run that size in the background.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import plantgen  # noqa: E402
from otmlops.validation.api import Validator, load_shapes, ontology_triples  # noqa: E402
from otmlops.validation.reference import rdflib_graph, run_pyshacl  # noqa: E402
from otmlops.validation.sources import parse, read_file  # noqa: E402


def make_plant(size: int, seed: int, folder: Path) -> tuple[Path, Path]:
    """plant.nt (everything but one use case) and mapping.nt (that use case and its stages)."""
    folder.mkdir(parents=True, exist_ok=True)
    full = folder / f"plant-{size}-{seed}.nt"
    plant, mapping = folder / f"plant-{size}-{seed}-rest.nt", folder / f"plant-{size}-{seed}-uc.nt"
    if plant.exists() and mapping.exists():
        return plant, mapping
    plantgen.generate(size, seed=seed, out=full)
    lines = full.read_text(encoding="utf-8").splitlines(keepends=True)
    use_cases = [ln.split(" ", 1)[0] for ln in lines if ln.rstrip().endswith("mlops#UseCase> .")]
    chosen = use_cases[-1][:-1]  # "<iri" without ">"
    mine = [ln for ln in lines if ln.startswith(chosen + ">") or ln.startswith(chosen + "/")]
    rest = [ln for ln in lines if not (ln.startswith(chosen + ">") or ln.startswith(chosen + "/"))]
    plant.write_text("".join(rest), encoding="utf-8")
    mapping.write_text("".join(mine), encoding="utf-8")
    return plant, mapping


def bench_size(size: int, seed: int, folder: Path, with_pyshacl: bool, repeat: int) -> dict:
    plant_path, mapping_path = make_plant(size, seed, folder)
    shapes = load_shapes()
    onto = ontology_triples()
    t0 = time.perf_counter()
    plant = parse(read_file(plant_path, max_size=None))
    mapping = parse(read_file(mapping_path, max_size=None))
    t_parse = time.perf_counter() - t0
    out: dict = {"size_target": size, "triples_plant": len(plant), "triples_mapping": len(mapping),
                 "triples_ontology": len(onto), "parse_s": round(t_parse, 3)}

    # 1. full validation, fast engine
    t0 = time.perf_counter()
    validator = Validator(shapes, plant=plant)
    t_index = time.perf_counter() - t0
    t0 = time.perf_counter()
    fast = validator.validate(mapping, incremental=False)
    t_fast = time.perf_counter() - t0
    assert fast.engine == "fast", fast.engine
    out.update(fast_index_s=round(t_index, 3), fast_validate_s=round(t_fast, 3),
               fast_total_s=round(t_index + t_fast, 3), results=len(fast.results),
               result_keys=len(fast.keys()))
    print(f"[{size}] fast: index {t_index:.2f}s, validate {t_fast:.3f}s, "
          f"{len(fast.results)} results", flush=True)

    # 2. incremental: plant pre-loaded, mapping file read + parsed + validated each time
    validator.base_results()
    times = []
    inc = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        data = parse(read_file(mapping_path))
        inc = validator.validate(data, incremental=True)
        times.append(time.perf_counter() - t0)
    assert inc is not None
    same_inc = inc.keys() == fast.keys()
    out.update(incremental_median_ms=round(statistics.median(times) * 1000, 1),
               incremental_min_ms=round(min(times) * 1000, 1),
               incremental_max_ms=round(max(times) * 1000, 1),
               incremental_same_results=same_inc)
    print(f"[{size}] incremental: median {statistics.median(times) * 1000:.1f} ms "
          f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}); same results: {same_inc}",
          flush=True)

    # 3. pySHACL on the same triples and shapes
    if with_pyshacl:
        t0 = time.perf_counter()
        graph = rdflib_graph(onto, plant, mapping)
        t_conv = time.perf_counter() - t0
        t0 = time.perf_counter()
        ref = run_pyshacl(graph, shapes)
        t_ref = time.perf_counter() - t0
        ref_keys = {r.key for r in ref if r.key[0] not in validator.ontology_nodes}
        same = ref_keys == fast.keys()
        out.update(pyshacl_graph_s=round(t_conv, 3), pyshacl_validate_s=round(t_ref, 1),
                   pyshacl_results=len(ref), same_results=same,
                   speedup_validate=round(t_ref / t_fast, 1),
                   speedup_total=round(t_ref / (t_index + t_fast), 1))
        if not same:
            out["only_fast"] = sorted(map(list, fast.keys() - ref_keys))[:20]
            out["only_pyshacl"] = sorted(map(list, ref_keys - fast.keys()))[:20]
        print(f"[{size}] pyshacl: {t_ref:.1f}s, {len(ref)} results; same result set: {same}; "
              f"speed-up {t_ref / t_fast:.0f}x (validation), {t_ref / (t_index + t_fast):.0f}x "
              f"(with loading and indexing)", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", action="append", type=plantgen.parse_size,
                        help="plant size in triples (repeatable; default 100k)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=21, help="incremental runs (median)")
    parser.add_argument("--no-pyshacl", action="store_true", help="skip the reference engine")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/otmlops-bench-validation"))
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    rows = [bench_size(s, args.seed, args.workdir, not args.no_pyshacl, args.repeat)
            for s in (args.size or [100_000])]
    text = json.dumps(rows, indent=2)
    if args.json:
        args.json.write_text(text + "\n")
    print(text)
    ok = all(r.get("same_results", True) and r["incremental_same_results"] for r in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
