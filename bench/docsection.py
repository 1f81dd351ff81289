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
        text = text[:start] + section + ("\n" + text[end + 1:] if end != -1 else "")
    tmp = doc.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(doc)
