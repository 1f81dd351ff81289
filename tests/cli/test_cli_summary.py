"""``otmlops summary FILE...`` reads the files together as one dataset (issue 12, item 9).

A mapping points at plant equipment by IRI; the plant file says what that equipment is. Given
together, the equipment is typed by the plant (directly, or through the bundled alignments for
a plant typed in another vocabulary); given alone, the summary says the plant is missing. Bad
input is one line naming the file (and line and column) with exit code 2.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import run_cli, run_cli_inprocess
from tests.support.paths import DATA, FIXTURES, SHAPES

PLANT = SHAPES / "base-plant.ttl"
MAPPING = SHAPES / "base-mapping.ttl"
ESMF_PLANT = FIXTURES / "esmf" / "esmf_i40_core_whitepaper_example.ttl"
ESMF_MAPPING = DATA / "importers" / "esmf-mapping.ttl"

TYPED = [
    "ex:Acme [enterprise]",
    "ex:Cell1 [work cell]",
    "ex:History [data source]",
    "ex:Line1 [production line]",
    "ex:Sensor1 [sensor]",
    "ex:Spindle1 [equipment module]",
]


def equipment_lines(out: str) -> list[str]:
    lines = out.splitlines()
    start = lines.index("    equipment and data sources:") + 1
    return [line.strip() for line in lines[start:] if line.startswith("      ")]


def test_plant_and_mapping_are_one_dataset(tmp_path: Path) -> None:
    done = run_cli_inprocess("summary", str(PLANT), str(MAPPING), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Dataset base-plant.ttl, base-mapping.ttl (" in done.stdout
    assert "  use case: ex:UC (5 stages)" in done.stdout
    assert equipment_lines(done.stdout) == TYPED
    assert "untyped" not in done.stdout and "note:" not in done.stdout
    # the order of the files does not matter
    swapped = run_cli_inprocess("summary", str(MAPPING), str(PLANT), cwd=tmp_path)
    assert equipment_lines(swapped.stdout) == TYPED


def test_mapping_alone_says_the_plant_is_missing(tmp_path: Path) -> None:
    done = run_cli_inprocess("summary", str(MAPPING), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert equipment_lines(done.stdout)[:6] == [f"{t.split(' [')[0]} [untyped]" for t in TYPED]
    assert (
        "  note: 6 items not described in the files given; give the plant model too: "
        "otmlops summary PLANT.ttl MAPPING.ttl"
    ) in done.stdout


def test_plant_in_another_vocabulary_is_typed_through_the_alignments(tmp_path: Path) -> None:
    """The ESMF example types Housing_10 as an ESMF Station only; the bundled ESMF alignment
    makes that an ISA-95 work unit."""
    done = run_cli_inprocess("summary", str(ESMF_PLANT), str(ESMF_MAPPING), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "  use case: housing bore inspection (1 stage)" in done.stdout
    assert equipment_lines(done.stdout) == ["eqm:Station/Housing_10 [work unit]"]
    alone = run_cli_inprocess("summary", str(ESMF_MAPPING), cwd=tmp_path)
    assert "Housing_10> [untyped]" in alone.stdout


def test_a_plant_without_use_cases_says_so(tmp_path: Path) -> None:
    done = run_cli_inprocess("summary", str(PLANT), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "  no use cases (nothing is typed mlops:UseCase)" in done.stdout


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix ex: <https://example.org/x#> .\nex:a ex:b ex:c ;\n    ex:d ex:e ex:f .\n",
        encoding="utf-8",
    )
    undeclared = tmp_path / "undeclared.ttl"
    undeclared.write_text("ex:a ex:b ex:c .\n", encoding="utf-8")
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    cases = [
        (broken, f"otmlops: error: {broken}:3:"),
        (undeclared, f"otmlops: error: {undeclared}:1:1: unknown prefix ex: (declare it with"),
        (empty, f"otmlops: error: {empty}: file is empty: there is nothing to summarise"),
        (tmp_path / "missing.ttl", f"otmlops: error: {tmp_path / 'missing.ttl'}: no such file"),
    ]
    for bad, expected in cases:
        done = run_cli("summary", str(PLANT), str(bad), cwd=tmp_path)
        assert done.returncode == 2, (bad, done.stderr)
        assert done.stdout == ""  # checked before anything is printed
        assert done.stderr.startswith(expected), done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr
