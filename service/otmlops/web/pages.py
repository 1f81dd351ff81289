"""Rendering of workbench pages from view models (Jinja2 templates shipped in the package).

Used by the HTTP routes and by ``otmlops report``; ``standalone`` pages (a report written to
a file) carry their stylesheet inside and no script, so they open anywhere.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from otmlops import __version__

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES = WEB_DIR / "templates"
STATIC = WEB_DIR / "static"


@lru_cache(maxsize=1)
def environment() -> Environment:
    from otmlops.web import svg

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.globals["rami_svg"] = svg.rami_grid
    env.globals["path_svg"] = svg.equipment_path
    return env


def render(template: str, *, root: str = "", standalone: bool = False, **context: Any) -> str:
    """The page ``template`` with ``context``; ``root`` prefixes every link (ASGI root path)."""
    inline_css = (STATIC / "wb.css").read_text(encoding="utf-8") if standalone else None
    return (
        environment()
        .get_template(template)
        .render(
            root=root, standalone=standalone, inline_css=inline_css, version=__version__, **context
        )
    )
