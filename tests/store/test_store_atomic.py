"""Nothing lost: a load killed with SIGKILL half-way, or failing half-way, leaves the store with
its old contents (embedded store on disk)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from otmlops.store import open_store

GRAPH = "http://example.org/g/plant"
OLD = (
    "@prefix isa95: <https://w3id.org/otmlops/isa95#> .\n"
    "<http://example.org/old/cell> isa95:partOf <http://example.org/old/line> .\n"
    "<http://example.org/old/line> isa95:partOf <http://example.org/old/area> .\n"
)


def big_file(path: Path, triples: int) -> Path:
    """N-Triples big enough that loading takes seconds, with a few partOf edges that the
    reopened store is asked about."""
    part_of = "<https://w3id.org/otmlops/isa95#partOf>"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    value = "<http://example.org/value>"
    with path.open("w") as out:
        for i in range(triples // 2):
            node = f"<http://example.org/big/e{i}>"
            if i % 1000 == 1:
                out.write(f"{node} {part_of} <http://example.org/big/e{i - 1}> .\n")
            else:
                out.write(f'{node} {value} "{i}"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
            out.write(f'{node} {label} "equipment number {i} of a rather large plant" .\n')
    return path


def contents(location: Path) -> tuple[dict[str, int], set[str]]:
    with open_store(str(location), bootstrap=False) as store:
        counts = {g.iri: g.triples for g in store.graphs()}
        result = store.query(f"SELECT ?s ?o WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
        assert isinstance(result, ox.QuerySolutions)
        return counts, {f"{r['s']} {r['o']}" for r in result}


LOADER = """
import sys
from pathlib import Path
from otmlops.store import open_store

def progress(done, total):
    print(done, total, flush=True)
    if done >= 0.7 * total:  # past the checking pass, well into writing: wait here (the
        sys.stdin.readline()  # test kills this process), so the kill cannot come too late

with open_store(sys.argv[1]) as store:
    store.load(Path(sys.argv[2]), graph=sys.argv[3], progress=progress)
print("finished", flush=True)
"""


def store_with_old_graph(tmp_path: Path) -> tuple[Path, tuple[dict[str, int], set[str]]]:
    """A disk store holding the small OLD graph, and its contents before anything fails."""
    location = tmp_path / "store"
    old = tmp_path / "old.ttl"
    old.write_text(OLD)
    with open_store(str(location)) as store:
        store.load(old, graph=GRAPH)
    return location, contents(location)


#: Triples of the big file: a bulk load (over SMALL_LOAD_TRIPLES) that is compacted after it
#: commits (over COMPACT_AFTER_TRIPLES), about 10 MB, so its progress comes in about ten steps
#: per pass. The kill needs no margin of load time: the loader waits for it at 70 %.
BIG = 120_000


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The big file, written once; the tests only read it."""
    return big_file(tmp_path_factory.mktemp("atomic") / "big.nt", BIG)


@pytest.mark.slow
def test_sigkill_during_load_keeps_old_contents(tmp_path: Path, big: Path) -> None:
    location, before = store_with_old_graph(tmp_path)
    assert len(before[1]) == 2
    proc = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(location), str(big), GRAPH],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    killed_at = None
    for line in proc.stdout:
        if line.startswith("finished"):
            break
        done, total = (int(x) for x in line.split())
        if done >= 0.7 * total:  # the loader now waits, mid-load, to be killed
            os.kill(proc.pid, signal.SIGKILL)
            killed_at = done / total
            break
    proc.wait(timeout=60)
    assert killed_at is not None, (
        f"the load finished before it could be killed: {proc.stderr.read() if proc.stderr else ''}"
    )
    assert proc.returncode == -signal.SIGKILL
    after = contents(location)
    assert after == before
    # and the store still works: the same load now completes
    with open_store(str(location)) as store:
        report = store.load(big, graph=GRAPH)
        assert report.triples == BIG
        assert store.query(
            "ASK { <http://example.org/big/e1001> "
            "<https://w3id.org/otmlops/isa95#partOf> <http://example.org/big/e1000> }"
        )


@pytest.mark.slow
def test_failure_during_bulk_write_rolls_back(tmp_path: Path, big: Path) -> None:
    location, before = store_with_old_graph(tmp_path)

    def interrupt(done: int, total: int) -> None:
        if done > 0.75 * total:
            raise KeyboardInterrupt

    with open_store(str(location)) as store:
        with pytest.raises(KeyboardInterrupt):
            store.load(big, graph=GRAPH, progress=interrupt)
        # the same Store object keeps working, with the old contents
        assert {g.iri: g.triples for g in store.graphs()}[GRAPH] == 2
    assert contents(location) == before
