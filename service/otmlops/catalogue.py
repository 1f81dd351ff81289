"""The catalogue of named competency questions (queries/*.rq) and how to run one.

Each ``.rq`` file starts with a comment block of ``# key: value`` lines (docs/queries.md):

    # id: models-on-equipment
    # title: Models running on a piece of equipment
    # description: Use cases and stages deployed on the equipment or anything part of it.
    #   Continuation lines are indented by two or more spaces after the '#'.
    # param: equipment iri The equipment; its parts are included
    # param: minStages integer=2 A parameter with a default value
    # param: useCase iri? An optional parameter: left unbound when not given
    # result: useCase The use case
    # example: equipment=https://example.org/plant#Line1

The block is checked when the catalogue loads: the id matches the file name, every parameter has
a known type and is a variable of the query (bound with a VALUES row, so it need not be
projected), the declared results are exactly the projected variables in their order, and the
query parses. The CLI and the HTTP app both call
:func:`run_named_query`, so a query behaves the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from otmlops import resources
from otmlops.errors import NotFound, UsageError
from otmlops.params import PARAM_TYPES, convert, parse_term
from otmlops.store.sparql_text import declared_prefixes, variables

if TYPE_CHECKING:
    from otmlops.store.base import QueryOutcome, Store

_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_KEY_RE = re.compile(r"^#\s?([a-zA-Z][\w-]*):\s?(.*)$")
_SINGLE_KEYS = {"id", "title", "description"}
_MULTI_KEYS = {"param", "result", "example", "tag"}


class CatalogueError(Exception):
    """A query file's metadata is malformed (a bug in queries/, caught by the tests)."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str
    default: str | None = None
    #: declared as ``TYPE?``: without a value the variable stays unbound (no filter)
    optional: bool = False

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional


@dataclass(frozen=True)
class ResultVar:
    name: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    id: str
    title: str
    description: str
    sparql: str
    path: Path | None = None
    params: tuple[Param, ...] = ()
    results: tuple[ResultVar, ...] = ()
    examples: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    prefixes: Mapping[str, str] = field(default_factory=dict)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def example_assignments(self, index: int = 0) -> list[str]:
        """The ``NAME=VALUE`` strings of one example call (examples are space-separated)."""
        return self.examples[index].split() if self.examples else []

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "params": [
                {
                    "name": p.name,
                    "type": p.type,
                    "description": p.description,
                    "required": p.required,
                    "default": p.default,
                }
                for p in self.params
            ],
            "results": [{"name": r.name, "description": r.description} for r in self.results],
            "examples": list(self.examples),
            "tags": list(self.tags),
            "sparql": self.sparql,
        }


def parse_metadata(
    text: str, source: str = "<query>", *, strict: bool = True
) -> dict[str, list[str]]:
    """The leading ``# key: value`` block of a query file as {key: [values]}; ``strict``
    rejects unknown keys (catalogue files), otherwise they are ordinary comments."""
    meta: dict[str, list[str]] = {}
    last: str | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not line.startswith("#"):
            if line.strip():
                break
            last = None
            continue
        continuation = re.match(r"^#\s{2,}(\S.*)$", line)
        if continuation and last is not None:
            meta[last][-1] += " " + continuation.group(1).strip()
            continue
        match = _KEY_RE.match(line)
        if not match:
            if line.strip("# "):
                last = None
            continue
        key, value = match.group(1), match.group(2).strip()
        if key not in _SINGLE_KEYS | _MULTI_KEYS:
            if not strict:
                last = None
                continue
            raise CatalogueError(f"{source}:{lineno}: unknown metadata key {key!r}")
        if key in _SINGLE_KEYS and key in meta:
            raise CatalogueError(f"{source}:{lineno}: {key!r} given twice")
        meta.setdefault(key, []).append(value)
        last = key
    return meta


def _parse_param(spec: str, source: str) -> Param:
    parts = spec.split(None, 2)
    if len(parts) < 3:
        raise CatalogueError(f"{source}: param {spec!r} must be 'NAME TYPE[=DEFAULT] DESCRIPTION'")
    name, type_spec, description = parts
    type_name, _, default = type_spec.partition("=")
    optional = type_name.endswith("?")
    type_name = type_name.removesuffix("?")
    if type_name not in PARAM_TYPES:
        raise CatalogueError(f"{source}: param {name!r} has unknown type {type_name!r}")
    if optional and default:
        raise CatalogueError(
            f"{source}: param {name!r} is optional (TYPE?) and has a default; give one or the other"
        )
    return Param(name, type_name, description, default or None, optional)


def parse_query_text(
    text: str, *, query_id: str | None = None, path: Path | None = None, strict: bool = True
) -> NamedQuery:
    """Build a NamedQuery from the text of a .rq file and check its metadata (``strict``: as a
    catalogue entry; otherwise, for ad-hoc queries, unknown comment keys are ignored)."""
    source = str(path) if path else (query_id or "<query>")
    meta = parse_metadata(text, source, strict=strict)
    qid = (meta.get("id") or [query_id or (path.stem if path else "")])[0]
    if path is not None and qid != path.stem:
        raise CatalogueError(f"{source}: id {qid!r} differs from the file name {path.stem!r}")
    if strict and not _ID_RE.match(qid):
        raise CatalogueError(f"{source}: id {qid!r} must be lower-case words joined by '-'")
    params = tuple(_parse_param(spec, source) for spec in meta.get("param", []))
    results = tuple(ResultVar(*(r.split(None, 1) + [""])[:2]) for r in meta.get("result", []))
    prefixes = declared_prefixes(text)
    query = NamedQuery(
        id=qid,
        title=(meta.get("title") or [qid])[0],
        description=(meta.get("description") or [""])[0],
        sparql=text,
        path=path,
        params=params,
        results=results,
        examples=tuple(meta.get("example", [])),
        tags=tuple(t for tag in meta.get("tag", []) for t in tag.replace(",", " ").split()),
        prefixes=prefixes,
    )
    _check(query, source, strict=strict)
    return query


def projected_variables(sparql: str) -> list[str] | None:
    """Variables a SELECT query projects (None for ASK/CONSTRUCT/DESCRIBE), by running it on an
    empty in-memory store: the cheapest way to both parse it and learn its projection."""
    from otmlops.store.sparql_text import check_nesting

    check_nesting(sparql)  # before Oxigraph's parser, which deep nesting crashes
    try:
        outcome = ox.Store().query(sparql)
    except SyntaxError as exc:
        raise UsageError(f"SPARQL syntax error: {exc}") from None
    if isinstance(outcome, ox.QuerySolutions):
        return [v.value for v in outcome.variables]
    return None


def mentions_variable(sparql: str, name: str) -> bool:
    """Whether ``?name`` or ``$name`` occurs in the query (outside comments and strings)."""
    return name in variables(sparql)


def _check(query: NamedQuery, source: str, *, strict: bool = True) -> None:
    try:
        projected = projected_variables(query.sparql)
    except UsageError as exc:
        raise CatalogueError(f"{source}: {exc}") from None
    names = [p.name for p in query.params]
    if len(set(names)) != len(names):
        raise CatalogueError(f"{source}: a parameter is declared twice")
    for p in query.params:
        if not mentions_variable(query.sparql, p.name):
            raise CatalogueError(f"{source}: parameter {p.name!r} is not a variable of the query")
        if p.default is not None:
            convert(p.name, p.default, p.type, query.prefixes)
    for r in query.results:
        if projected is None or r.name not in projected:
            raise CatalogueError(f"{source}: result variable {r.name!r} is not projected")
    declared = [r.name for r in query.results]
    if strict and projected is not None and declared != projected:
        raise CatalogueError(
            f"{source}: the results documented ({', '.join(declared)}) are not "
            f"the variables the query returns ({', '.join(projected)}); keep "
            "the '# result:' lines equal to the SELECT clause, in its order"
        )
    for i, _ in enumerate(query.examples):
        try:
            bind_params(query, query.example_assignments(i))
        except UsageError as exc:
            raise CatalogueError(f"{source}: example {i + 1}: {exc}") from None


def load_query_file(path: Path) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read query file {path}: {exc}") from None
    return parse_query_text(text, path=path)


@lru_cache(maxsize=4)
def _load_catalogue(directory: Path) -> dict[str, NamedQuery]:
    queries: dict[str, NamedQuery] = {}
    for path in sorted(directory.glob("*.rq")):
        query = load_query_file(path)
        queries[query.id] = query
    return queries


def load_catalogue(directory: Path | None = None) -> dict[str, NamedQuery]:
    """All named queries, by id, in file-name order (cached per folder)."""
    return dict(_load_catalogue((directory or resources.queries_dir()).resolve()))


@lru_cache(maxsize=64)
def _load_one(path: Path) -> NamedQuery:
    return load_query_file(path)


def get_query(query_id: str, directory: Path | None = None) -> NamedQuery:
    """The catalogue query ``query_id``. Only its own file is read and checked (an id is its
    file name), so running one query does not parse the whole catalogue."""
    folder = (directory or resources.queries_dir()).resolve()
    path = folder / f"{query_id}.rq"
    if _ID_RE.match(query_id) and path.is_file():
        return _load_one(path)
    raise NotFound(f"no query with id {query_id!r}; `otmlops queries` lists them")


def bind_params(
    query: NamedQuery,
    assignments: Mapping[str, str] | list[str],
    *,
    prefixes: Mapping[str, str] | None = None,
) -> dict[str, ox.NamedNode | ox.Literal]:
    """Check ``assignments`` against the query's declared parameters and convert them to terms.

    Queries without declared parameters (ad-hoc files, ``--sparql``) take values in SPARQL term
    syntax (``<iri>``, ``prefix:name``, ``"text"``, ``42``) for any variable they project.
    Prefixed names may use our prefixes, the query's, and ``prefixes`` (e.g. the store's).
    """
    from otmlops.params import parse_assignments

    known = {**(prefixes or {}), **query.prefixes}

    values = parse_assignments(assignments) if isinstance(assignments, list) else dict(assignments)
    bindings: dict[str, ox.NamedNode | ox.Literal] = {}
    if not query.params:
        if values:
            for name, value in values.items():
                if not mentions_variable(query.sparql, name):
                    raise UsageError(f"parameter {name!r}: the query has no variable ?{name}")
                bindings[name] = parse_term(value, known)
        return bindings
    declared = {p.name for p in query.params}
    unknown = sorted(set(values) - declared)
    if unknown:
        raise UsageError(
            f"query {query.id!r} has no parameter {', '.join(map(repr, unknown))}; "
            f"its parameters: {', '.join(sorted(declared))}"
        )
    for p in query.params:
        if p.name in values:
            bindings[p.name] = convert(p.name, values[p.name], p.type, known)
        elif p.default is not None:
            bindings[p.name] = convert(p.name, p.default, p.type, known)
        elif not p.optional:
            raise UsageError(
                f"query {query.id!r} needs parameter {p.name!r} ({p.type}: "
                f"{p.description}); give it as {p.name}=VALUE"
            )
    return bindings


def run_query(
    store: Store, query: NamedQuery, assignments: Mapping[str, str] | list[str] | None = None
) -> QueryOutcome:
    """Run ``query`` on ``store`` with its parameters bound as RDF terms; returns the store's
    outcome (pyoxigraph QuerySolutions / QueryBoolean / QueryTriples)."""
    bindings = bind_params(query, assignments or {})
    return store.query(query.sparql, bindings=bindings or None)


def run_named_query(
    store: Store, query_id: str, assignments: Mapping[str, str] | list[str] | None = None
) -> QueryOutcome:
    """Run the catalogue query ``query_id`` (NotFound if unknown; UsageError for bad params)."""
    return run_query(store, get_query(query_id), assignments)
