"""Read-only snapshots of an embedded store, published under a generation counter on disk.

pyoxigraph cannot cancel a query, and opening a store read-only while another process writes
it is undefined behaviour. So the one process that writes makes a hard-link backup after every
write (cheap: RocksDB checkpoints link immutable files) and publishes its name in a small file;
query worker processes open the newest snapshot read-only and can be killed at any time.
The counter lives on disk, beside the store, so it does not depend on one process's memory.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

_CURRENT = "CURRENT"
_PREFIX = "gen-"


def snapshot_root(location: str) -> Path:
    """Where snapshots of the store folder ``location`` live: a hidden sibling folder
    (same file system, so hard links work; outside the store's own layout)."""
    path = Path(location).resolve()
    return path.parent / f".{path.name}.snapshots"


class SnapshotDir:
    """The snapshot folder of one store: create generations, read the current one, prune."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def current(self) -> tuple[int, Path] | None:
        """(generation, folder) of the newest published snapshot, or None before the first."""
        try:
            name = (self.root / _CURRENT).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        return int(name.removeprefix(_PREFIX)), self.root / name

    def generation(self) -> int:
        cur = self.current()
        return cur[0] if cur else 0

    def publish(self, make_backup: Callable[[Path], object]) -> int:
        """Create the next generation with ``make_backup(target_folder)`` and publish it."""
        self.root.mkdir(parents=True, exist_ok=True)
        gen = max(self.generation(), self._highest()) + 1
        target = self.root / f"{_PREFIX}{gen:09d}"
        if target.exists():
            shutil.rmtree(target)
        make_backup(target)
        tmp = self.root / f"{_CURRENT}.tmp"
        tmp.write_text(target.name, encoding="ascii")
        os.replace(tmp, self.root / _CURRENT)
        return gen

    def prune(self, *, keep: int = 2, min_age_s: float = 60.0) -> None:
        """Remove old generations: all but the newest ``keep``, and only once older than
        ``min_age_s`` (longer than any query may run, so no worker still reads them)."""
        gens = sorted(self._generations())
        now = time.time()
        for _gen, path in gens[:-keep] if keep else gens:
            try:
                if now - path.stat().st_mtime >= min_age_s:
                    shutil.rmtree(path, ignore_errors=True)
            except FileNotFoundError:
                continue

    def clear(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _generations(self) -> list[tuple[int, Path]]:
        if not self.root.is_dir():
            return []
        found = []
        for child in self.root.iterdir():
            if child.is_dir() and child.name.startswith(_PREFIX):
                try:
                    found.append((int(child.name.removeprefix(_PREFIX)), child))
                except ValueError:
                    continue
        return found

    def _highest(self) -> int:
        return max((g for g, _ in self._generations()), default=0)
