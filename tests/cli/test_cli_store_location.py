"""A store location that cannot be a store is one line and exit 2, before anything is opened."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import run_cli


def test_a_file_given_as_the_store_is_refused_and_left_alone(tmp_path: Path) -> None:
    plant = tmp_path / "plant.ttl"
    plant.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    for args in (["query", "stages-without-owner"], ["graphs"], ["load", str(plant)]):
        done = run_cli(*args, store=plant, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert done.stderr == (
            f"otmlops: usage error: store {plant}: this is a file, not a "
            "store folder; give a folder (created if missing), an http(s):// "
            "SPARQL endpoint or 'memory'\n"
        )
        assert plant.read_text(encoding="utf-8") == "<urn:a> <urn:b> <urn:c> .\n"
