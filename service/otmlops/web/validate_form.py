"""The Validate page's input (pasted text or an uploaded file) and its report view.

The mapping is checked by the same read operation as ``POST /validate``: nothing is stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any


def _forms() -> tuple[dict[str, str], dict[str, str]]:
    """Mapping forms beyond RDF (YAML, CSV, XLSX): (media type -> form, file ending -> form)."""
    from otmlops.authoring import EXTENSIONS as FORM_ENDINGS
    from otmlops.authoring import MEDIA_TYPES as FORM_TYPES

    return dict(FORM_TYPES), dict(FORM_ENDINGS)


def syntaxes() -> list[str]:
    """Media types the service accepts for a mapping (the choices of the form)."""
    from otmlops.media_types import INPUT_FORMATS

    return [*INPUT_FORMATS, *_forms()[0]]


def media_type_of_name(name: str) -> str | None:
    """The media type a file name's ending stands for, if any."""
    from otmlops.rdfio import bare_media_type, format_of_path

    fmt = format_of_path(name)
    if fmt is not None:
        return bare_media_type(fmt.media_type)
    suffix = PurePath(name).suffix.lower()
    types, endings = _forms()
    form = endings.get(suffix)
    return next((m for m, f in types.items() if f == form), None) if form else None


@dataclass
class ValidateInput:
    text: str = ""
    syntax: str = ""
    plant: list[str] = field(default_factory=list)
    upload: bytes = b""
    upload_name: str = ""

    def body(self, limit: int) -> tuple[bytes, str, str]:
        """(bytes, media type, name to show); ValueError says what is missing or wrong."""
        if self.upload_name:
            data, name = self.upload, self.upload_name
        elif self.text.strip():
            data, name = self.text.encode("utf-8"), "pasted text"
        else:
            raise ValueError("nothing to validate: paste a mapping or choose a file")
        if len(data) > limit:
            raise ValueError(f"{name} is larger than the server's limit of {limit:,} bytes")
        media = self.syntax or media_type_of_name(name) or _sniff(data)
        if media not in syntaxes():
            raise ValueError(
                f"unsupported syntax {media!r}; choose one of " + ", ".join(syntaxes())
            )
        return data, media, name


def _sniff(data: bytes) -> str:
    from otmlops.rdfio import bare_media_type, sniff

    return bare_media_type(sniff(data).media_type)


def _short_path(path: str) -> str:
    """``<https://w3id.org/otmlops/map#layer>`` as ``map:layer`` in a SHACL result path."""
    import re

    from otmlops.web.terms import curie

    return re.sub(
        r"<([^<>]+)>",
        lambda m: curie(m.group(1)) if curie(m.group(1)) != m.group(1) else m.group(0),
        path,
    )


def report_view(body: bytes, name: str) -> dict[str, Any]:
    """The grouped JSON report with file names replaced by what the user gave, findings
    ordered by severity, and the suggested fixes of each finding when the report has them."""
    report = json.loads(body)
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    for group in report.get("focusNodes", []):
        if group.get("file") in (None, "<request>", "request body"):
            group["file"] = name if group.get("line") else None
        for r in group["results"]:
            if r.get("path"):
                r["path"] = _short_path(r["path"])
        group["results"].sort(key=lambda r: order.get(r.get("severity"), 3))
        group["worst"] = min((order.get(r.get("severity"), 3) for r in group["results"]), default=3)
    report["focusNodes"] = sorted(report.get("focusNodes", []), key=lambda g: g["worst"])
    report["name"] = name
    return report
