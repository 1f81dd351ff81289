"""Load the AAS -> ISA-95 rule table (``rules/aas.toml``) and users' additions to it.

Which assets are plant equipment, and of which ISA-95 class, is a matter of the plant's own
vocabularies (asset types, vendor submodels), so it is data users extend with
``otmlops import aas --rules FILE``. A malformed file is one ``InputError`` naming the file and
the entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from otmlops.errors import InputError
from otmlops.importers.isa95_model import equipment_classes
from otmlops.importers.rule_files import read_rule_file

SHIPPED = Path(__file__).resolve().parent / "rules" / "aas.toml"


@dataclass(frozen=True)
class ClassRule:
    cls: str
    asset_type_prefix: str | None = None
    asset_type_equals: str | None = None
    submodel_prefix: str | None = None
    entity_prefix: str | None = None


@dataclass
class AasRules:
    placeholders: list[str] = field(default_factory=list)
    #: (submodel semanticId prefix, why)
    not_equipment: list[tuple[str, str]] = field(default_factory=list)
    classes: list[ClassRule] = field(default_factory=list)
    part_class: dict[str, str] = field(default_factory=dict)

    def is_placeholder(self, iri: str) -> bool:
        return any(iri.startswith(p) for p in self.placeholders)

    def class_for(
        self, asset_type: str | None, submodel_ids: list[str], entity_id: str = ""
    ) -> str | None:
        for rule in self.classes:
            if asset_type and (
                (rule.asset_type_prefix and asset_type.startswith(rule.asset_type_prefix))
                or rule.asset_type_equals == asset_type
            ):
                return rule.cls
            if rule.submodel_prefix and any(
                s.startswith(rule.submodel_prefix) for s in submodel_ids
            ):
                return rule.cls
            if rule.entity_prefix and entity_id.startswith(rule.entity_prefix):
                return rule.cls
        return None


_KEYS = {"asset_type_prefix", "asset_type_equals", "submodel_prefix", "entity_prefix"}


def load_aas_rules(extra: list[Path] | None = None) -> AasRules:
    """The shipped rules with those of ``extra`` files; users' class rules are tried first."""
    rules = AasRules()
    for path in [SHIPPED, *(extra or [])]:
        user = path != SHIPPED
        _add(rules, path, first=user)
    return rules


def _add(rules: AasRules, path: Path, *, first: bool) -> None:
    source = str(path)
    data = read_rule_file(path, ("placeholders", "not_equipment", "asset_class", "part_class"))
    known = equipment_classes()

    def cls(value: object, where: str) -> str:
        if value not in known:
            raise InputError(
                f"{where}: unknown ISA-95 equipment class {value!r}; one of "
                f"{', '.join(sorted(known))}",
                source=source,
            )
        return str(value)

    prefixes = data.get("placeholders", {}).get("prefixes", [])
    if not isinstance(prefixes, list) or not all(isinstance(p, str) for p in prefixes):
        raise InputError("placeholders.prefixes must be a list of strings", source=source)
    rules.placeholders.extend(prefixes)
    for i, e in enumerate(data.get("not_equipment", [])):
        if not isinstance(e, dict) or not isinstance(e.get("submodel_prefix"), str):
            raise InputError(f"not_equipment[{i}]: give submodel_prefix", source=source)
        rules.not_equipment.append((e["submodel_prefix"], str(e.get("why", ""))))
    new: list[ClassRule] = []
    for i, e in enumerate(data.get("asset_class", [])):
        where = f"asset_class[{i}]"
        if not isinstance(e, dict):
            raise InputError(f"{where}: expected a table", source=source)
        given = _KEYS & set(e)
        if len(given) != 1:
            raise InputError(
                f"{where}: give exactly one of {', '.join(sorted(_KEYS))}", source=source
            )
        key = given.pop()
        new.append(ClassRule(cls=cls(e.get("class"), where), **{key: str(e[key])}))
    if first:
        rules.classes[0:0] = new
    else:
        rules.classes.extend(new)
    for whole, part in data.get("part_class", {}).items():
        rules.part_class[cls(whole, "part_class")] = cls(part, f"part_class.{whole}")
