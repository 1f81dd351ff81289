"""The tabular form: one row per stage, in a CSV file or an XLSX workbook.

Columns (header row first; names are case-insensitive, spaces and underscores alike):
``use case`` and ``stage`` (IRIs, required), ``stage kind`` (required), ``label``, ``comment``,
``layers``, ``level``, ``phase``, ``owner``, ``deployed on``, ``data from``, ``roles``,
``components``, and for the use case ``use case label``, ``use case comment``, ``use case
deployed on``, ``use case roles``, ``use case components`` (given on any of its rows; repeated
values must agree). Cells with several values separate them with ``;`` or new lines.

Prefixes: a CSV file may start with lines ``# prefix ex: https://example.org/plant#`` (and
``# base``/``# language`` likewise); an XLSX workbook may have a sheet ``prefixes`` with the
columns prefix and namespace. The stages are the first other sheet.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from otmlops.authoring.model import (
    FIELDS,
    Document,
    Entry,
    FormError,
    Loc,
    Val,
    check_prefixes,
    normal_key,
)

#: column (normalised) -> (entry it describes, field)
COLUMNS: dict[str, tuple[str, str]] = {
    "use_case": ("use case", "id"),
    "stage": ("stage", "id"),
    "stage_kind": ("stage", "kind"),
    **{name: ("stage", name) for name in FIELDS["stage"] if name != "kind"},
    **{f"use_case_{name}": ("use case", name) for name in FIELDS["use case"]},
}
#: the header written by ``export csv``, in this order
HEADER = [
    "use case",
    "use case label",
    "use case comment",
    "use case deployed on",
    "use case roles",
    "use case components",
    "stage",
    "stage kind",
    "label",
    "comment",
    "layers",
    "level",
    "phase",
    "owner",
    "deployed on",
    "data from",
    "roles",
    "components",
]
_SPLIT = re.compile(r"\s*[;\n]\s*")


def _letter(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


class _Place:
    """How cells are named in messages: ``line 4, column level`` or ``sheet 'x', cell F4``."""

    def __init__(self, sheet: str | None) -> None:
        self.sheet = sheet

    def loc(self, row: int, col: int, header: str | None = None) -> Loc:
        what = f" ({header})" if header else ""
        if self.sheet is None:
            return Loc(row, col, f"row {row}, column {col}{what}")
        return Loc(row, col, f"sheet {self.sheet!r}, cell {_letter(col)}{row}{what}")


def read_csv(data: bytes, name: str) -> Document:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = data.count(b"\n", 0, exc.start) + 1
        raise FormError(
            "not UTF-8 text; save the CSV as UTF-8", Loc(bad_line, None), source=name
        ) from None
    doc = Document(name)
    lines = text.splitlines(keepends=True)
    skip = 0
    prefixes: dict[str, Val] = {}
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        skip = number
        m = re.match(r"#\s*(prefix|base|language)\b\s*(.*)$", stripped, re.I)
        if not m:
            continue
        word, rest = m.group(1).lower(), m.group(2).strip()
        if word == "prefix":
            pm = re.match(r"^([^\s:]*):\s*(\S+)$", rest)
            if not pm:
                raise FormError(
                    "write a prefix line as '# prefix ex: https://example.org/x#'",
                    Loc(number, 1),
                    source=name,
                )
            prefixes[pm.group(1)] = Val(pm.group(2), Loc(number, 1))
        elif word == "base":
            doc.base = rest.strip("<>")
        else:
            doc.language = rest or None
    check_prefixes(doc, prefixes)
    reader = csv.reader(io.StringIO("".join(lines[skip:])), strict=True)
    numbered: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:  # the line a row starts on, also when a quoted cell spans lines
            numbered.append((skip + start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FormError(
            f"malformed CSV: {exc}", Loc(skip + reader.line_num, None), source=name
        ) from None
    _rows_to_doc(doc, numbered, _Place(None))
    return doc


def read_xlsx(data: bytes, name: str) -> Document:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FormError(
            f"not an XLSX workbook ({type(exc).__name__}: {exc}); save the "
            "spreadsheet as Excel workbook (.xlsx)",
            Loc(),
            source=name,
        ) from None
    doc = Document(name)
    sheets = book.sheetnames
    if "prefixes" in sheets:
        prefixes: dict[str, Val] = {}
        place = _Place("prefixes")
        for r, row in enumerate(book["prefixes"].iter_rows(values_only=True), 1):
            cells = [_cell(v) for v in row]
            if r == 1 and cells and cells[0].lower() == "prefix":
                continue
            if len(cells) < 2 or not cells[0] and not cells[1]:
                continue
            key = cells[0].rstrip(":")
            if key.lower() in ("base", "@base"):
                doc.base = cells[1].strip("<>")
            elif key.lower() in ("language", "@language"):
                doc.language = cells[1] or None
            else:
                prefixes[key] = Val(cells[1], place.loc(r, 2))
        check_prefixes(doc, prefixes)
    stage_sheets = [s for s in sheets if s != "prefixes"]
    if not stage_sheets:
        raise FormError("the workbook has no sheet of stages", Loc(), source=name)
    sheet = "stages" if "stages" in stage_sheets else stage_sheets[0]
    rows = [
        (r, [_cell(v) for v in row])
        for r, row in enumerate(book[sheet].iter_rows(values_only=True), 1)
    ]
    book.close()
    _rows_to_doc(doc, rows, _Place(sheet))
    return doc


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows_to_doc(doc: Document, rows: Iterable[tuple[int, list[str]]], place: _Place) -> None:
    rows = [(n, row) for n, row in rows if any(c.strip() for c in row)]
    if not rows:
        raise FormError(
            "no header row: the first row names the columns (use case, stage, stage kind, ...)",
            Loc(1, 1, place.loc(1, 1).where),
            source=doc.name,
        )
    header_row, header = rows[0]
    columns: list[tuple[str, str] | None] = []
    for c, title in enumerate(header, 1):
        key = normal_key(title)
        if not key:
            columns.append(None)
            continue
        if key == "kind":
            key = "stage_kind"
        if key not in COLUMNS:
            raise FormError(
                f"unknown column {title!r}; the columns are {', '.join(HEADER)}",
                place.loc(header_row, c),
                source=doc.name,
            )
        if COLUMNS[key] in columns:
            raise FormError(
                f"column {title!r} appears twice", place.loc(header_row, c), source=doc.name
            )
        columns.append(COLUMNS[key])
    for required in (("use case", "id"), ("stage", "id"), ("stage", "kind")):
        if required not in columns:
            title = {"id": required[0], "kind": "stage kind"}[required[1]]
            raise FormError(
                f"no column {title!r}; the stages need it",
                place.loc(header_row, 1),
                source=doc.name,
            )
    use_cases: dict[str, tuple[Entry, list[Entry]]] = {}
    for n, row in rows[1:]:
        if len(row) > len(columns) and any(c.strip() for c in row[len(columns) :]):
            c = len(columns) + next(i for i, v in enumerate(row[len(columns) :], 1) if v.strip())
            raise FormError("value in a column without a header", place.loc(n, c), source=doc.name)
        cells: dict[tuple[str, str], Val] = {}
        for c, (spec, value) in enumerate(zip(columns, row, strict=False), 1):
            if spec is not None and value.strip():
                cells[spec] = Val(value.strip(), place.loc(n, c, header[c - 1]))
        for required in (("use case", "id"), ("stage", "id")):
            if required not in cells:
                c = columns.index(required) + 1
                raise FormError(
                    f"the {required[0]} is missing in this row",
                    place.loc(n, c, header[c - 1]),
                    source=doc.name,
                )
        uc_id = cells[("use case", "id")]
        if uc_id.text not in use_cases:
            use_cases[uc_id.text] = (Entry("use case", uc_id), [])
        use_case, stages = use_cases[uc_id.text]
        stage = Entry("stage", cells[("stage", "id")])
        for (what, fld), val in cells.items():
            if fld == "id":
                continue
            values = (
                [Val(v, val.loc) for v in _SPLIT.split(val.text) if v]
                if fld not in ("label", "comment")
                else [val]
            )
            if what == "stage":
                stage.fields[fld] = values
            else:
                before = use_case.fields.get(fld)
                if before is not None and [v.text for v in before] != [v.text for v in values]:
                    raise FormError(
                        f"use case {uc_id.text!r} has another {fld} on an earlier "
                        f"row ({'; '.join(v.text for v in before)})",
                        val.loc,
                        source=doc.name,
                    )
                use_case.fields[fld] = values
        stages.append(stage)
    doc.use_cases = list(use_cases.values())
