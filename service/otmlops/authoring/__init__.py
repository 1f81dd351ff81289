"""Mappings without Turtle: the YAML and tabular (CSV, XLSX) forms, compiled to RDF.

A file whose extension is ``.yaml``/``.yml``, ``.csv`` or ``.xlsx`` (or a request body with the
matching media type) is compiled to the same triples as the equivalent Turtle mapping; the
validation, the store's ``load`` and the HTTP validation read it through :func:`compile_bytes`.
Heavy imports (yaml, openpyxl) happen only when such a file is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from otmlops.errors import InputError

if TYPE_CHECKING:
    from rdflib import Graph

#: extension -> form
EXTENSIONS: dict[str, str] = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".xlsx": "xlsx"}
#: media type -> form
MEDIA_TYPES: dict[str, str] = {
    "application/yaml": "yaml",
    "application/x-yaml": "yaml",
    "text/yaml": "yaml",
    "text/x-yaml": "yaml",
    "text/csv": "csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


@dataclass(frozen=True)
class Compiled:
    """A compiled mapping: its graph and the line (or row) of each use case, stage and host."""

    graph: Graph
    positions: dict[str, int]

    def ntriples(self) -> bytes:
        return self.graph.serialize(format="nt", encoding="utf-8")


def form_of_path(path: str | Path) -> str | None:
    """The form a file name says (``yaml``, ``csv``, ``xlsx``), or None for RDF syntaxes."""
    return EXTENSIONS.get(Path(path).suffix.lower())


def form_of_media_type(media_type: str | None) -> str | None:
    if not media_type:
        return None
    return MEDIA_TYPES.get(media_type.split(";", 1)[0].strip().lower())


def compile_bytes(data: bytes, form: str, name: str) -> Compiled:
    """Compile one document; InputError naming the place of the first problem."""
    from otmlops.authoring.model import to_graph

    if not data.strip():
        raise InputError("the file is empty: there is nothing to read", source=name)
    if form == "yaml":
        from otmlops.authoring.yaml_form import read_yaml

        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise InputError(
                "not UTF-8 text; save the file as UTF-8", source=name, line=line
            ) from None
        doc = read_yaml(text, name)
    elif form == "csv":
        from otmlops.authoring.table_form import read_csv

        doc = read_csv(data, name)
    elif form == "xlsx":
        from otmlops.authoring.table_form import read_xlsx

        doc = read_xlsx(data, name)
    else:
        raise InputError(f"unknown mapping form {form!r}", source=name)
    graph, positions = to_graph(doc)
    return Compiled(graph, positions)


def compile_file(path: str | Path) -> Compiled:
    p = Path(path)
    form = form_of_path(p)
    if form is None:
        raise InputError("not a YAML, CSV or XLSX mapping (by its extension)", source=str(path))
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", source=str(path)) from None
    return compile_bytes(data, form, str(path))


__all__ = [
    "Compiled",
    "EXTENSIONS",
    "MEDIA_TYPES",
    "compile_bytes",
    "compile_file",
    "form_of_path",
    "form_of_media_type",
]
