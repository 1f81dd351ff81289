"""Commands import only what they use (issue 12, item 5).

Each case runs the real CLI in a subprocess (``main`` with the command line, as the console
script does), lists the modules the process imported, and checks that the libraries a command
does not need stay out: rdflib, pySHACL, owlready2, the web stack and the AAS SDKs each cost
tens to hundreds of milliseconds at start-up. A heavy import added at the top of a command module or of a library
module on the query path makes these fail. (How fast the commands start is measured by
bench/bench_startup.py and reported in docs/benchmarks.md, not asserted here.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.paths import EXAMPLES, FIXTURES, SHAPES

#: Top-level packages that no command below needs.
HEAVY = (
    "rdflib",
    "pyshacl",
    "owlready2",
    "fastapi",
    "starlette",
    "uvicorn",
    "pydantic",
    "basyx",
    "aas_core3_1",
    "httpx",
    "lxml",
    "pylode",
)

PLANT = SHAPES / "base-plant.ttl"
MAPPING = SHAPES / "base-mapping.ttl"


#: Runs the CLI's ``main`` like the console script does, then writes ``sys.modules`` to a file
#: (also after ``--version``/``--help``, which exit from inside the parser). A None entry is a
#: module kept out on purpose (``otmlops.cli`` blocks ``httpx._main``), not an import.
PROBE = """
import json, sys
from otmlops.cli import main
try:
    code = main(sys.argv[2:])
finally:
    with open(sys.argv[1], "w") as out:
        json.dump(sorted(k for k, m in sys.modules.items() if m is not None), out)
sys.exit(code)
"""


def imported_modules(*args: str, cwd: Path) -> set[str]:
    """Every module the process running ``otmlops ARGS`` had imported when it finished (the
    command must succeed)."""
    env = {k: v for k, v in os.environ.items() if k != "OTMLOPS_STORE"}
    listing = cwd / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(listing), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = set(json.loads(listing.read_text()))
    assert "otmlops.cli" in modules
    return modules


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.fixture(scope="module")
def case_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("startup") / "store"
    done = run_cli("load", *map(str, sorted(EXAMPLES.glob("*.ttl"))), store=store)
    assert done.returncode == 0, done.stderr
    return store


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["--help"],
        ["query", "--help"],
        ["queries"],
        ["queries", "stages-without-owner"],
    ],
    ids=" ".join,
)
def test_commands_without_a_store_import_no_heavy_library(tmp_path: Path, args) -> None:
    assert heavy(imported_modules(*args, cwd=tmp_path)) == []


@pytest.mark.parametrize(
    "args",
    [
        ["query", "stages-without-owner"],
        [
            "query",
            "models-on-equipment",
            "-p",
            "equipment=https://w3id.org/otmlops/examples/pdm-machinery#MouldingLine1",
        ],
        ["query", "--sparql", "SELECT * WHERE { ?s a ?c } LIMIT 1", "--format", "json"],
        ["graphs"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_queries_on_the_store_import_no_heavy_library(
    case_store: Path, tmp_path: Path, args
) -> None:
    modules = imported_modules("--store", str(case_store), *args, cwd=tmp_path)
    assert "pyoxigraph" in modules
    assert heavy(modules) == []


def test_summary_of_files_imports_no_heavy_library(tmp_path: Path) -> None:
    modules = imported_modules("summary", str(PLANT), str(MAPPING), cwd=tmp_path)
    assert heavy(modules) == []


def test_importing_an_aasx_package_needs_no_aas_sdk(tmp_path: Path) -> None:
    """basyx-python-sdk is a test dependency only: reading a real AASX package (OPC
    relationships, XML part) must not import it."""
    package = next((FIXTURES / "aas").rglob("*.aasx"))
    modules = imported_modules(
        "--store", str(tmp_path / "store"), "import", "aas", str(package), cwd=tmp_path
    )
    top = {m.split(".")[0] for m in modules}
    assert {"aas_core3_1", "pyecma376_2"} <= top
    assert "basyx" not in top


def test_the_heavy_libraries_still_load_where_they_are_needed(tmp_path: Path) -> None:
    """The check above would pass vacuously if nothing could import them; validate with the
    reference engine does need pySHACL and rdflib."""
    modules = imported_modules(
        "validate", "--engine", "pyshacl", str(MAPPING), "--plant", str(PLANT), cwd=tmp_path
    )
    assert {"pyshacl", "rdflib"} <= {m.split(".")[0] for m in modules}


def test_defaults_spelled_out_for_the_parser_match_the_library() -> None:
    """Two defaults are repeated in the command modules so that building the parser does not
    import their libraries; they must stay equal to the originals."""
    from otmlops.cli.import_cmd import AAS_DEFAULT_BASE
    from otmlops.cli.validate_cmd import DEFAULT_MAX_SIZE_TEXT, parse_size
    from otmlops.importers.aas import DEFAULT_BASE
    from otmlops.validation.sources import DEFAULT_MAX_SIZE

    assert AAS_DEFAULT_BASE == DEFAULT_BASE
    assert parse_size(DEFAULT_MAX_SIZE_TEXT) == DEFAULT_MAX_SIZE


def test_namespaces_stay_rdflib_namespaces_for_library_users() -> None:
    """``from otmlops.namespaces import ISA95`` still gives an rdflib Namespace (made on first
    use), and the plain-string prefixes agree with it."""
    from rdflib import Namespace, URIRef

    from otmlops import namespaces
    from otmlops.namespaces import ISA95, MAP, PREFIXES

    assert isinstance(ISA95, Namespace) and isinstance(MAP.deployedOn, URIRef)
    assert str(ISA95) == PREFIXES["isa95"] and namespaces.ISA95 is ISA95
    with pytest.raises(AttributeError):
        namespaces.NOT_A_NAMESPACE  # noqa: B018


def _choices(parser) -> dict:
    import argparse

    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


def test_each_command_word_names_the_module_that_registers_it() -> None:
    """The CLI imports only the module of the command given; the table it uses must list
    every command, each with the module that really registers it."""
    from otmlops.cli import COMMAND_MODULES, COMMAND_WORDS, build_parser, modules_for

    words = set(_choices(build_parser()))
    assert words == set(COMMAND_WORDS)
    for word in words:
        assert modules_for(["--store", "x", word, "--help"]) == (COMMAND_WORDS[word],)
        assert word in _choices(build_parser([word]))
    assert modules_for(["--version"]) == ()
    # help before the command word is the top-level help: it lists every command
    assert modules_for(["-h", "query"]) == modules_for(["--help"]) == COMMAND_MODULES
    assert modules_for(["--version", "--help"]) == COMMAND_MODULES
    assert modules_for(["no-such-command"]) == COMMAND_MODULES
    # a store folder named like a command is not mistaken for the command
    assert modules_for(["--store", "query", "graphs"]) == (COMMAND_WORDS["graphs"],)
    assert modules_for(["--sto", "query", "graphs"]) == (COMMAND_WORDS["graphs"],)


def test_a_command_imports_only_its_own_command_module(case_store: Path, tmp_path: Path) -> None:
    def command_modules(modules: set[str]) -> set[str]:
        return {m for m in modules if m.startswith("otmlops.cli.")}

    version = imported_modules("--version", cwd=tmp_path)
    assert command_modules(version) == set() and "pyoxigraph" not in version
    query = imported_modules(
        "--store", str(case_store), "query", "stages-without-owner", cwd=tmp_path
    )
    assert command_modules(query) == {"otmlops.cli.query_cmd"}
