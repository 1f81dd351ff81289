"""The benchmark plant generator: deterministic, about the size asked for, and the catalogue
finds exactly the defects it planted."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from otmlops import plantgen
from otmlops.catalogue import run_named_query
from otmlops.store import open_store


def test_same_seed_same_plant_other_seed_other_plant() -> None:
    a, _ = plantgen.generate(5_000, seed=7)
    b, _ = plantgen.generate(5_000, seed=7)
    c, _ = plantgen.generate(5_000, seed=8)
    assert a == b
    assert a != c


@pytest.mark.parametrize("target", [10_000, 40_000])
def test_size_is_close_to_target(target: int) -> None:
    data, stats = plantgen.generate(target, seed=1)
    triples = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    assert len(triples) == stats.triples
    assert len(set(triples)) == len(triples)
    assert abs(stats.triples - target) / target < 0.1
    assert stats.use_cases >= plantgen.MIN_USE_CASES


def test_sizes_parse() -> None:
    assert plantgen.parse_size("1M") == 1_000_000
    assert plantgen.parse_size("medium") == 100_000
    assert plantgen.parse_size("250k") == 250_000


def test_cli_writes_a_file(tmp_path) -> None:
    out = tmp_path / "plant.nt"
    assert plantgen.main(["--size", "3k", "--seed", "2", "--out", str(out)]) == 0
    assert out.read_bytes() == plantgen.generate(3_000, seed=2)[0]


def _count(store, query_id: str, *params: str) -> int:
    return sum(1 for _ in run_named_query(store, query_id, list(params)))


@pytest.mark.slow
def test_catalogue_finds_what_was_planted() -> None:
    data, stats = plantgen.generate(12_000, seed=3, use_case_share=0.3)
    with open_store("memory") as store:
        store.load(data, graph="urn:bench:plant", format=ox.RdfFormat.N_TRIPLES)
        assert stats.stages_without_owner > 0 and stats.level_mismatches > 0
        assert _count(store, "stages-without-owner") == stats.stages_without_owner
        assert _count(store, "level-mismatches") == stats.level_mismatches
        assert _count(store, "phase-mismatches") == stats.phase_mismatches
        assert _count(store, "serving-without-monitoring") == stats.serving_without_monitoring
        assert _count(store, "dangling-links") == stats.dangling_links
        assert _count(store, "use-case-overview") == stats.use_cases
        assert _count(store, "use-cases-by-area") == stats.areas
        assert _count(store, "stages-missing-placement") == 0
        assert (
            _count(store, "models-on-equipment", f"equipment={stats.samples['deployedArea']}") > 0
        )
