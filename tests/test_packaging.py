"""The wheel ships the ontology, shapes, queries and examples as package data: build it, install
it into a bare target folder, and use it from another directory."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support.paths import REPO

pytestmark = pytest.mark.slow

PROBE = textwrap.dedent("""
    import json, otmlops
    from otmlops import resources
    from otmlops.ontology import load_ontology, load_reference_mapping, module_files
    from otmlops.http.docs_pages import assets_dir
    from otmlops.web.pages import WEB_DIR
    print(json.dumps({
        "package": otmlops.__file__,
        "ontology_dir": str(resources.ontology_dir()),
        "modules": [str(p) for p in module_files()],
        "triples": len(load_ontology()),
        "reference": len(load_reference_mapping()),
        "shapes": sorted(p.name for p in resources.shapes_dir().glob("*.ttl")),
        "queries": sorted(p.name for p in resources.queries_dir().glob("*.rq")),
        "examples": sorted(p.name for p in resources.examples_dir().glob("*.ttl")),
        "docs_assets": sorted(p.name for p in assets_dir().iterdir()),
        "schema": str(__import__("otmlops.authoring.schema", fromlist=["x"]).SCHEMA_FILE),
        "web": sorted(str(p.relative_to(WEB_DIR)) for p in WEB_DIR.rglob("*") if p.is_file()
                      and "__pycache__" not in p.parts),
    }))
""")


def test_wheel_installs_and_loads_its_data_from_another_directory(tmp_path: Path) -> None:
    wheels, target, elsewhere = tmp_path / "wheels", tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    # --no-build-isolation: use the installed hatchling instead of downloading one
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("otmlops-*.whl")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    import json

    info = json.loads(result.stdout)
    data = target / "otmlops" / "_data"
    assert info["package"].startswith(str(target))
    # PEP 561: the package says it is typed, so mypy checks code that uses it
    assert (target / "otmlops" / "py.typed").is_file()
    assert info["ontology_dir"] == str(data / "ontology")
    assert all(m.startswith(str(data / "ontology")) for m in info["modules"])
    assert len(info["modules"]) == 5 and info["triples"] > 1000 and info["reference"] > 100
    assert info["examples"] == ["pdm-machinery.ttl", "quality-esmf.ttl"]
    assert info["shapes"] == sorted(p.name for p in (REPO / "shapes").glob("*.ttl"))
    assert info["queries"] == sorted(p.name for p in (REPO / "queries").glob("*.rq"))
    assert info["queries"], "no queries shipped"
    # /docs assets come from fastapi-offline
    assert {"swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"} <= set(
        info["docs_assets"]
    )
    schema = Path(info["schema"])  # the JSON Schema of the YAML form ships in the package
    assert (
        schema.is_file()
        and schema.read_bytes()
        == (REPO / "service" / "otmlops" / "authoring" / "mapping.schema.json").read_bytes()
    )
    # every file of the workbench (templates, scripts, vendored editor and its licence) ships
    web = REPO / "service" / "otmlops" / "web"
    shipped = sorted(
        str(p.relative_to(web))
        for p in web.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert info["web"] == shipped
    assert {
        "templates/rami.html",
        "static/wb.js",
        "static/vendor/codemirror/codemirror.js",
        "static/vendor/codemirror/LICENSE",
        "static/vendor/THIRD-PARTY.md",
    } <= set(info["web"])
