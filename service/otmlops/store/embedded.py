"""Embedded Oxigraph backend: a folder on disk, or memory (``pyoxigraph.Store()``).

Writes are serialised by a readers-writer lock, so a query running in the same process (the
HTTP service) never sees a load half-done: small loads are one transaction anyway, and big bulk
loads, which are not transactional, hold the write lock until they are complete.
"""

from __future__ import annotations

import gc
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from otmlops.errors import StoreError, UsageError
from otmlops.rdfio import open_source
from otmlops.store import checkpoint, holder
from otmlops.store.base import ProgressCallback, QueryOutcome
from otmlops.store.common import (
    SMALL_LOAD_TRIPLES,
    LoadItem,
    LoadPlan,
    SparqlBackedStore,
    check_rows,
    insert_data_update,
)
from otmlops.store.sparql_update import Operation

#: The custom function that hands a WHERE clause's solutions to an update's templates (row,
#: column -> term), and the row variable; neither can clash with a user's names.
_CELL = "urn:otmlops:internal:solution-cell"
_ROW = "otmlops_solution_row_"

#: After a bulk load of at least this many triples the store is compacted (``Store.optimize``).
#: The bulk loader leaves its output in many overlapping files, and every index lookup then
#: searches each of them: on the 1M-triple plant, catalogue queries ran 1.3-1.9x slower until
#: compaction (0.7 s) merged them. Below this size a compaction of a large store would cost
#: more than the load (1.1 s after a 3k-triple load into the 1M store), and RocksDB merges
#: small files itself in the background.
COMPACT_AFTER_TRIPLES = 100_000

#: RocksDB renames its diagnostic log to ``LOG.old.<time>`` each time the store is opened and
#: keeps up to 1,000 of them (about 140 KB each, mostly its option dump). Every CLI command opens
#: the store, so a store used from scripts would collect 140 MB of them; the newest few are kept.
KEEP_OLD_INFO_LOGS = 5


def prune_old_info_logs(folder: Path, keep: int = KEEP_OLD_INFO_LOGS) -> None:
    """Delete all but the newest ``keep`` rotated RocksDB info logs; they hold diagnostics only,
    never data, so a file that cannot be removed is left for the next open."""

    def rotated_at(log: Path) -> tuple[int, str]:  # the suffix is the rotation time in µs
        suffix = log.name.rsplit(".", 1)[-1]
        return (int(suffix) if suffix.isdigit() else 0, log.name)

    old = sorted(folder.glob("LOG.old.*"), key=rotated_at)
    for log in old[: max(len(old) - keep, 0)]:
        try:
            log.unlink()
        except OSError:
            pass


#: Store folders this process has open read-write (their lock is ours: never probe them).
_OPEN_HERE: set[str] = set()


def _in_use(folder: Path) -> str:
    service = holder.running_service(folder)
    if service is not None:
        return (
            f"the store at {folder} is held by `otmlops serve` at {service.url} (pid "
            f"{service.pid}); stop that service first, or use it (--store {service.url})"
        )
    return (
        f"the store at {folder} is in use by another process (an `otmlops load` or import "
        "still running, or a server that does not announce itself); wait for it to finish "
        "or stop it, then run the command again"
    )


#: A term pyoxigraph hands out or takes (an RDF 1.2 triple term included).
_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class _RWLock:
    """Many readers or one writer; writers wait for readers to finish."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer: int | None = None
        self._depth = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            if self._writer == me:  # a writer may read its own state
                self._depth += 1
            else:
                while self._writer is not None:
                    self._cond.wait()
                self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                if self._writer == me:
                    self._depth -= 1
                else:
                    self._readers -= 1
                    self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            if self._writer == me:
                self._depth += 1
            else:
                while self._writer is not None or self._readers:
                    self._cond.wait()
                self._writer = me
                self._depth = 1
        try:
            yield
        finally:
            with self._cond:
                self._depth -= 1
                if self._depth == 0:
                    self._writer = None
                    self._cond.notify_all()


class EmbeddedStore(SparqlBackedStore):
    """pyoxigraph in this process; ``path`` None means in memory."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.location = str(path) if path is not None else "memory"
        self._lock = _RWLock()
        self._read_only = False
        #: Whether anything was written through this object; close() flushes only then.
        self._wrote = False
        #: The open database; None once closed (or while a failed load is rolled back).
        self._db: ox.Store | None = self._open()

    def _open(self) -> ox.Store:
        if self.path is None:
            return ox.Store()
        if self.path.exists() and not self.path.is_dir():
            raise UsageError(
                f"store {self.path}: this is a file, not a store folder; give a "
                "folder (created if missing), an http(s):// SPARQL endpoint or "
                "'memory'"
            )
        key = str(self.path.resolve())
        if key not in _OPEN_HERE and holder.folder_locked(self.path):
            raise StoreError(_in_use(self.path))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            checkpoint.recover(self.path)
            store = ox.Store(str(self.path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreError(_in_use(self.path)) from None
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from None
        _OPEN_HERE.add(key)
        prune_old_info_logs(self.path)
        return store

    @classmethod
    def open_read_only(cls, path: Path) -> EmbeddedStore:
        """A read-only view of a store folder nobody writes to (e.g. a ``snapshot``), with the
        same query semantics. No recovery or bootstrap; writes fail."""
        store = cls.__new__(cls)
        store.path = path
        store.location = str(path)
        store._lock = _RWLock()
        store._read_only = True
        store._wrote = False
        try:
            store._db = ox.Store.read_only(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the snapshot at {path}: {exc}") from None
        return store

    def snapshot(self, target: Path) -> None:
        """A consistent hard-link copy of the store in ``target`` (which must not exist), taken
        between writes (never in the middle of a bulk load)."""
        if self.path is None:
            raise StoreError("a memory store has no files to snapshot")
        with self._lock.read():
            self._store.flush()
            self._store.backup(str(target))

    @property
    def _store(self) -> ox.Store:
        if self._db is None:
            raise StoreError("the store is closed")
        return self._db

    @property
    def pyoxigraph_store(self) -> ox.Store:
        """The underlying pyoxigraph Store, for callers that need Oxigraph-specific features
        (e.g. ``backup``). Writing through it bypasses the load checks and the entailment rule cache."""
        self._wrote = True  # it may be written to: flush on close
        return self._store

    def close(self) -> None:
        """Flush what this object wrote (a read-only command writes nothing and skips the
        flush, which costs more than the rest of closing) and release the folder."""
        with self._lock.write():
            if (
                self._db is not None
                and self.path is not None
                and self._wrote
                and not getattr(self, "_read_only", False)
            ):
                self._store.flush()
            self._db = None
            if self.path is None:
                return  # memory: no folder lock to release, so no collection to force
            # Result iterators left in reference cycles (a traceback's frames) keep RocksDB
            # open, and with it the folder's lock, until the collector frees them.
            gc.collect()
            if not getattr(self, "_read_only", False):
                _OPEN_HERE.discard(str(self.path.resolve()))

    # -- updates --------------------------------------------------------------------------

    def _run_update(self, text: str, ops: list[Operation]) -> None:
        """Run the operations one by one under the write lock, each WHERE evaluated as a query
        over the union (pyoxigraph offers the union default graph for queries only) and its
        solutions handed to the operation's templates. A request of several operations is made
        atomic by a checkpoint (disk) or a copy (memory) that a failure puts back."""
        with self._lock.write():
            if len(ops) == 1:
                self._run_operation(ops[0])
                return
            if all(op.where is None for op in ops):
                # no WHERE to read the union with: one Oxigraph update, atomic by itself (with
                # one prologue: Oxigraph accepts PREFIX/BASE only at the start of a request)
                parts = [
                    self._expand_all(op, in_request=True).removeprefix(op.prologue).strip()
                    for op in ops
                ]
                self._raw_update(f"{ops[-1].prologue}\n" + " ;\n".join(p for p in parts if p))
                return
            undo = self._begin_request()
            try:
                for op in ops:
                    self._run_operation(op)
                    self._changed()
            except BaseException:
                self._undo_request(undo)
                raise
            if self.path is not None:
                checkpoint.commit(self.path)

    def _begin_request(self) -> ox.Store | None:
        if self.path is not None:
            checkpoint.begin(self._store, self.path)
            return None
        copy = ox.Store()
        copy.extend(self._store)
        return copy

    def _undo_request(self, copy: ox.Store | None) -> None:
        if copy is not None:
            self._db = copy
        else:
            self._roll_back()
        self._changed()

    def _run_operation(self, op: Operation) -> None:
        if op.where is None:
            text = self._expand_all(op)
            if text:
                self._raw_update(text)
            return
        query = f"{op.prologue}\nSELECT * WHERE {op.where}"
        if op.kind == "MODIFY":
            query = self.entailed(query, identities=False)
        if op.has_using:
            result = self._raw_query(
                query, union=False, default_graphs=op.using, named_graphs=op.using_named
            )
        elif op.with_graph is not None:
            result = self._raw_query(
                query, union=False, default_graphs=[op.with_graph], named_graphs=None
            )
        else:
            result = self._raw_query(query, union=True, default_graphs=None, named_graphs=None)
        assert isinstance(result, ox.QuerySolutions)
        variables = [v.value for v in result.variables]
        rows = [tuple(sol[v] for v in variables) for sol in result]
        check_rows(op, variables, rows)
        parts = [op.prologue]
        if op.with_graph is not None:
            parts.append(f"WITH <{op.with_graph}>")
        if op.delete_template is not None:
            parts.append(f"DELETE {op.delete_template}")
        if op.insert_template is not None:
            parts.append(f"INSERT {op.insert_template}")
        binds = " ".join(f"BIND(<{_CELL}>(?{_ROW}, {k}) AS ?{v})" for k, v in enumerate(variables))
        parts.append(
            f"WHERE {{ VALUES ?{_ROW} {{ {' '.join(map(str, range(len(rows))))} }} {binds} }}"
        )

        def cell(row: ox.Literal, column: ox.Literal) -> _Term | None:
            return rows[int(row.value)][int(column.value)]

        self._raw_update("\n".join(parts), custom_functions={ox.NamedNode(_CELL): cell})

    # -- primitives -------------------------------------------------------------------------

    def _raw_query(
        self,
        sparql: str,
        *,
        union: bool,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
    ) -> QueryOutcome:
        default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None = None
        if default_graphs is not None:
            default = [ox.NamedNode(g) for g in default_graphs]
        named: list[ox.NamedNode | ox.BlankNode] | None = None
        if named_graphs is not None:
            named = [ox.NamedNode(g) for g in named_graphs]
        with self._lock.read():
            try:
                return self._store.query(
                    sparql,
                    default_graph=default,
                    use_default_graph_as_union=union and default is None,
                    named_graphs=named,
                )
            except SyntaxError as exc:
                raise UsageError(f"invalid SPARQL query: {exc.args[0]}") from None
            except (OSError, RuntimeError) as exc:
                raise StoreError(f"query failed: {exc}") from None

    def _raw_update(
        self,
        sparql: str,
        custom_functions: dict[ox.NamedNode, Callable[..., _Term | None]] | None = None,
    ) -> None:
        with self._lock.write():
            self._wrote = True
            try:
                self._store.update(sparql, custom_functions=custom_functions)
            except SyntaxError as exc:
                raise UsageError(f"invalid SPARQL update: {exc.args[0]}") from None
            except (OSError, RuntimeError) as exc:
                raise StoreError(f"update failed: {exc}") from None

    def _graph_counts(self) -> dict[str, int]:
        with self._lock.read():
            counts = {
                str(g.value): 0 for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)
            }
            rows = self._store.query(
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            )
            assert isinstance(rows, ox.QuerySolutions)
            for row in rows:
                g = row["g"]
                if isinstance(g, ox.NamedNode):
                    counts[g.value] = int(row["n"].value)
        return counts

    def _graph_names(self) -> set[str]:
        with self._lock.read():
            return {g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)}

    def _drop_graph(self, graph: str) -> None:
        with self._lock.write():
            self._wrote = True
            self._store.remove_graph(ox.NamedNode(graph))

    def _append(self, item: LoadItem) -> None:
        with self._lock.write():
            self._wrote = True
            self._store.extend(list(item.quads()))

    def _write(self, plan: LoadPlan, progress: ProgressCallback | None) -> None:
        with self._lock.write():
            self._wrote = True
            if plan.triples <= SMALL_LOAD_TRIPLES and all(i.size <= 64 << 20 for i in plan.items):
                if plan.replace_default or any(
                    self._store.contains_named_graph(ox.NamedNode(g)) for g in plan.replace
                ):
                    self._store.update(insert_data_update(plan))
                else:
                    # nothing to empty first (a new graph; the bundle in a new store): the
                    # parsed quads in one transactional insert, in half the time of writing
                    # them out as SPARQL for Oxigraph to parse again
                    self._store.extend([q for item in plan.items for q in item.quads()])
                if progress is not None:
                    total = sum(i.size for i in plan.items)
                    progress(2 * total, 2 * total)
                return
            if self.path is not None:
                checkpoint.begin(self._store, self.path)
            try:
                self._bulk_write(plan, progress)
                if self.path is not None:
                    self._store.flush()
                    checkpoint.commit(self.path)
            except BaseException:
                self._roll_back()
                raise
            if self.path is not None and plan.triples >= COMPACT_AFTER_TRIPLES:
                self._compact()

    def _bulk_write(self, plan: LoadPlan, progress: ProgressCallback | None) -> None:
        if plan.replace_default:
            self._store.clear_graph(ox.DefaultGraph())
        for graph in sorted(plan.replace):
            node = ox.NamedNode(graph)
            if self._store.contains_named_graph(node):
                self._store.remove_graph(node)
        offset = 0
        total = sum(i.size for i in plan.items)
        for item in plan.items:
            with open_source(
                item.source, progress, offset=total + offset, grand_total=2 * total
            ) as stream:
                if item.flatten and item.fmt.supports_datasets:
                    self._store.bulk_extend(item.quads(stream))
                else:
                    target = ox.DefaultGraph() if item.target is None else ox.NamedNode(item.target)
                    self._store.bulk_load(stream, item.fmt, base_iri=item.base_iri, to_graph=target)
            offset += item.size

    def _compact(self) -> None:
        """Merge the bulk loader's files; the load is committed, so a failure here loses
        nothing and only leaves the store slower to query."""
        try:
            self._store.optimize()
        except OSError as exc:
            warnings.warn(
                f"the load is stored, but compacting the store failed ({exc}); "
                "queries may be slower until RocksDB merges its files",
                RuntimeWarning,
                stacklevel=2,
            )

    def _roll_back(self) -> None:
        """Put the checkpoint back after a failed bulk load (on disk); memory cannot."""
        if self.path is None:
            return
        self._db = None
        gc.collect()
        try:
            checkpoint.recover(self.path)
            self._db = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(
                f"the load failed and the store could not be reopened ({exc}); "
                "it will be restored to its previous contents when next opened"
            ) from None
