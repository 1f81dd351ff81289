"""One place that rewrites a benchmark's own section of docs/benchmarks.md.

Several benchmarks write to the same page; each owns one ``## `` section and must leave the
others as they are.
"""

from __future__ import annotations

from pathlib import Path


def replace_section(doc: Path, heading: str, section: str) -> None:
    """Replace the section that starts with ``heading`` (or append it), atomically."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    start = text.find(heading + "\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(heading))
        text = text[:start] + section + ("\n" + text[end + 1 :] if end != -1 else "")
    _write(doc, text)


def replace_page_keeping_others(doc: Path, report: str) -> None:
    """Write ``report`` (a preamble and its own sections) over ``doc``, keeping every section
    of the current page that the report does not produce, atomically."""
    if doc.exists():
        ours = _sections(report)
        kept = [
            body.rstrip("\n")
            for head, body in _sections(doc.read_text(encoding="utf-8")).items()
            if head not in ours
        ]
        report = report.rstrip("\n") + "".join("\n\n" + k for k in kept) + "\n"
    _write(doc, report)


def _sections(text: str) -> dict[str, str]:
    """``## heading`` -> that section's text (heading line included)."""
    parts = text.split("\n## ")
    return {p.split("\n", 1)[0]: "## " + p for p in parts[1:]}


def _write(doc: Path, text: str) -> None:
    """A reader never sees half a page."""
    tmp = doc.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(doc)
