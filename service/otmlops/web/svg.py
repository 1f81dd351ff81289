"""Small SVG drawings for pages and printed reports: the RAMI 4.0 grids of a use case and the
ISA-95 path of its equipment. Presentation attributes only (no style attributes), so the
drawings pass a strict Content Security Policy and print without a stylesheet."""

from __future__ import annotations

from html import escape
from typing import Any

#: Fill colour per stage kind (same order and hues as the stylesheet's chip colours).
KIND_COLOURS = {
    "DataCollection": "#1f77b4",
    "DataLabelling": "#f7b6d2",
    "DataPreparation": "#aec7e8",
    "FeatureEngineering": "#ff7f0e",
    "ModelTraining": "#d62728",
    "ModelEvaluation": "#7446a6",
    "ModelRegistration": "#8c564b",
    "ModelDeployment": "#e377c2",
    "ModelServing": "#2ca02c",
    "Monitoring": "#bcbd22",
    "Retraining": "#17becf",
}


def _label(t: dict[str, Any] | None) -> str:
    return escape(str((t or {}).get("label") or (t or {}).get("iri") or ""))


def rami_grid(phase: dict[str, Any], levels: list[dict[str, Any]]) -> str:
    """One life cycle phase as a layer x level grid; occupied cells hold one coloured square
    per stage, reference cells are light grey, deviating cells have a red border."""
    cw, ch, left, top = 92, 34, 110, 46
    rows = phase["rows"]
    width, height = left + cw * len(levels) + 4, top + ch * len(rows) + 4
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="rami-svg" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" role="img" '
        f'aria-label="RAMI 4.0 grid, {_label(phase["phase"])}">',
        f'<text x="2" y="14" font-size="13" font-weight="bold">{_label(phase["phase"])}</text>',
    ]
    for i, le in enumerate(levels):
        x = left + i * cw + cw / 2
        out.append(
            f'<text x="{x}" y="{top - 8}" font-size="9" text-anchor="middle">{_label(le)}</text>'
        )
    for r, row in enumerate(rows):
        y = top + r * ch
        out.append(
            f'<text x="{left - 4}" y="{y + ch / 2 + 3}" font-size="10" '
            f'text-anchor="end">{_label(row["layer"])}</text>'
        )
        for i, cell in enumerate(row["cells"]):
            x = left + i * cw
            fill = "#e6e6e6" if cell["reference"] else "#ffffff"
            stroke, sw = ("#c00000", 2) if cell["deviation"] else ("#808080", 0.5)
            out.append(
                f'<rect x="{x}" y="{y}" width="{cw}" height="{ch}" fill="{fill}" '
                f'stroke="{stroke}" stroke-width="{sw}"/>'
            )
            for k, s in enumerate(cell["stages"][:16]):
                sx, sy = x + 4 + (k % 8) * 11, y + 5 + (k // 8) * 12
                colour = KIND_COLOURS.get(s["kind"], "#555555")
                out.append(
                    f'<rect x="{sx}" y="{sy}" width="9" height="9" fill="{colour}">'
                    f"<title>{_label(s['stage'])} ({escape(s['kind'])})</title></rect>"
                )
    out.append("</svg>")
    return "".join(out)


def equipment_path(path: list[dict[str, Any]]) -> str:
    """The ISA-95 containment chain, enterprise first, as a row of labelled boxes."""
    bw, bh, gap = 150, 48, 22
    width = max(1, len(path)) * (bw + gap)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="path-svg" viewBox="0 0 {width} '
        f'{bh + 8}" width="{width}" height="{bh + 8}" role="img" aria-label="ISA-95 path: '
        + escape(" > ".join(str((e["node"] or {}).get("label", "")) for e in path))
        + '">'
    ]
    for i, e in enumerate(path):
        x = i * (bw + gap) + 2
        out.append(
            f'<rect x="{x}" y="4" width="{bw}" height="{bh}" rx="4" fill="#f4f7fb" '
            f'stroke="#34558b"/>'
        )
        out.append(
            f'<text x="{x + 6}" y="22" font-size="11" font-weight="bold">'
            f"{_label(e['node'])[:21]}</text>"
        )
        out.append(f'<text x="{x + 6}" y="40" font-size="10">{_label(e.get("kind"))[:26]}</text>')
        if i:
            out.append(
                f'<line x1="{x - gap}" y1="{4 + bh / 2}" x2="{x}" y2="{4 + bh / 2}" '
                f'stroke="#34558b" stroke-width="2"/>'
            )
    out.append("</svg>")
    return "".join(out)
