"""Load the OPC UA -> ISA-95 rule table (``rules/opcua.toml``) and users' additions to it.

The rules are data so that users can add their own companion specifications and vendor types
without code (``otmlops import opcua --rules FILE``). A malformed rule file is an ``InputError``
naming the file and the rule; names are resolved against the nodesets at import time
(``opcua_bridge``), so a rule for a model that is not imported simply does not apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from otmlops.errors import InputError
from otmlops.importers.isa95_model import equipment_classes
from otmlops.importers.rule_files import read_rule_file

SHIPPED = Path(__file__).resolve().parent / "rules" / "opcua.toml"
NONE = "none"


@dataclass(frozen=True)
class Name:
    """``prefix:BrowseName`` or ``prefix:i=1234``, with the prefix expanded."""

    namespace: str
    text: str

    @property
    def is_node_id(self) -> bool:
        return len(self.text) > 2 and self.text[1] == "=" and self.text[0] in "isgb"


@dataclass(frozen=True)
class Placement:
    parent: Name | None
    parent_type: Name | None
    reference: Name
    cls: str
    override: bool


@dataclass(frozen=True)
class LevelRule:
    type: Name
    property: Name
    values: dict[int, str]
    default: str


@dataclass
class Rules:
    containment: list[Name] = field(default_factory=list)
    max_depth: int = 6
    placements: list[Placement] = field(default_factory=list)
    #: type -> class ("none": not equipment); later files win
    equipment: dict[Name, str] = field(default_factory=dict)
    levels: list[LevelRule] = field(default_factory=list)
    data_sources: list[Name] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def load_rules(extra: list[Path] | None = None) -> Rules:
    """The shipped rules plus those of ``extra`` files, in order."""
    rules = Rules()
    for path in [SHIPPED, *(extra or [])]:
        _add(rules, path)
    return rules


def _add(rules: Rules, path: Path) -> None:
    source = str(path)
    data = read_rule_file(
        path, ("prefixes", "containment", "placement", "equipment", "level", "data_source")
    )
    prefixes = rules.prefixes  # later files see the prefixes of earlier ones
    prefixes.update({str(k): str(v) for k, v in data.get("prefixes", {}).items()})
    classes = equipment_classes()

    def name(value: object, where: str) -> Name:
        if not isinstance(value, str) or ":" not in value:
            raise InputError(f'{where}: expected "prefix:Name", got {value!r}', source=source)
        prefix, text = value.split(":", 1)
        if prefix not in prefixes:
            raise InputError(
                f"{where}: unknown prefix {prefix!r} (declare it under [prefixes])", source=source
            )
        return Name(prefixes[prefix], text)

    def cls(value: object, where: str, allow_none: bool = True) -> str:
        if value == NONE and allow_none:
            return NONE
        if value not in classes:
            raise InputError(
                f"{where}: unknown ISA-95 equipment class {value!r}; one of "
                f"{', '.join(sorted(classes))}" + (" or none" if allow_none else ""),
                source=source,
            )
        return str(value)

    def table(section: str) -> list[dict]:
        entries = data.get(section, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise InputError(f"[[{section}]] must be an array of tables", source=source)
        return entries

    containment = data.get("containment", {})
    for i, ref in enumerate(containment.get("references", [])):
        rules.containment.append(name(ref, f"containment.references[{i}]"))
    if "max_depth" in containment:
        depth = containment["max_depth"]
        if not isinstance(depth, int) or depth < 1:
            raise InputError("containment.max_depth must be a positive integer", source=source)
        rules.max_depth = depth
    for i, e in enumerate(table("placement")):
        where = f"placement[{i}]"
        if ("parent" in e) == ("parent_type" in e):
            raise InputError(f"{where}: give exactly one of parent and parent_type", source=source)
        rules.placements.append(
            Placement(
                parent=name(e["parent"], where) if "parent" in e else None,
                parent_type=name(e["parent_type"], where) if "parent_type" in e else None,
                reference=name(e.get("reference"), where),
                cls=cls(e.get("class"), where, False),
                override=bool(e.get("override", False)),
            )
        )
    for i, e in enumerate(table("equipment")):
        where = f"equipment[{i}]"
        rules.equipment[name(e.get("type"), where)] = cls(e.get("class"), where)
    for i, e in enumerate(table("level")):
        where = f"level[{i}]"
        values = e.get("values", {})
        try:
            mapped = {int(k): cls(v, f"{where}.values", False) for k, v in values.items()}
        except ValueError as exc:
            raise InputError(f"{where}.values: keys must be integers", source=source) from exc
        rules.levels.append(
            LevelRule(
                type=name(e.get("type"), where),
                property=name(e.get("property"), where),
                values=mapped,
                default=cls(e.get("default", "Equipment"), where),
            )
        )
    for i, e in enumerate(table("data_source")):
        rules.data_sources.append(name(e.get("type"), f"data_source[{i}]"))
    rules.files.append(source)
