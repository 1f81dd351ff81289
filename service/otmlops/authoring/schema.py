"""The JSON Schema of the YAML form, generated from the ontology.

Every field that takes an ontology term lists the terms (local name, with the label as title
and the definition as description, and the label itself as an alternative), so an editor with a
YAML language server offers completion and explains each choice. The shipped file
``mapping.schema.json`` beside this module is this function's output; a test keeps them equal
(regenerate with ``otmlops export schema --out service/otmlops/authoring/mapping.schema.json``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from otmlops.authoring.model import HOST_FIELDS, STAGE_FIELDS, USE_CASE_FIELDS
from otmlops.authoring.vocab import Vocabulary, vocabularies

SCHEMA_FILE = Path(__file__).resolve().parent / "mapping.schema.json"
SCHEMA_ID = "https://w3id.org/otmlops/schema/mapping.schema.json"

_REF = {
    "type": "string",
    "minLength": 1,
    "description": "An IRI: a CURIE such as ex:Line3 (prefix declared under prefixes), a "
    "full IRI, or a name relative to base.",
}


def _term_schema(vocab: Vocabulary) -> dict:
    choices: list[dict] = []
    for t in vocab.terms:
        short = re.sub(r" (layer|level)$", "", t.label)
        for written in dict.fromkeys((t.name, t.label, short)):
            choices.append({"const": written, "title": t.label, "description": t.definition})
    return {
        "title": vocab.what,
        "anyOf": [
            *choices,
            {
                "type": "string",
                "pattern": r"^\S+:\S+$",
                "description": f"the CURIE or IRI of a {vocab.what} (e.g. {vocab.terms[0].curie})",
            },
        ],
    }


def _one_or_more(item: dict) -> dict:
    return {"anyOf": [item, {"type": "array", "items": item, "minItems": 1}]}


def _fields(specs: dict, defs: set[str]) -> dict:
    out: dict = {}
    for name, (_, how) in specs.items():
        if how == "text":
            out[name] = {"type": "string"}
        elif how == "iri":
            out[name] = _one_or_more({"$ref": "#/$defs/ref"})
        else:
            defs.add(how)
            out[name] = _one_or_more({"$ref": f"#/$defs/{how}"})
    return out


def mapping_schema() -> dict:
    """The JSON Schema (draft 2020-12) of the YAML form."""
    vocabs = vocabularies()
    used: set[str] = set()
    stage_props = _fields(STAGE_FIELDS, used)
    host_props = _fields(HOST_FIELDS, used)
    uc_props = _fields(USE_CASE_FIELDS, used)
    stage = {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind"],
        "properties": stage_props,
    }
    host = {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind"],
        "properties": host_props,
    }

    def with_id(entry: dict) -> dict:
        return {
            **entry,
            "required": ["id", *entry["required"]],
            "properties": {"id": {"$ref": "#/$defs/ref"}, **entry["properties"]},
        }

    def list_or_map(name: str, entry: dict) -> dict:
        return {
            "anyOf": [
                {"type": "array", "items": with_id(entry)},
                {"type": "object", "additionalProperties": {"$ref": f"#/$defs/{name}"}},
            ]
        }

    defs: dict = {"ref": _REF, "stage": stage, "host": host}
    for name in sorted(used):
        defs[name] = _term_schema(vocabs[name])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "otmlops mapping (YAML form)",
        "description": "One ML use case, its lifecycle stages placed on RAMI 4.0 and owned in "
        "ISA-95, and the compute resources that host them (docs/authoring.md).",
        "type": "object",
        "additionalProperties": False,
        "required": ["use_case"],
        "properties": {
            "prefixes": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "prefix -> namespace IRI, for CURIEs such as ex:Line3",
            },
            "base": {"type": "string", "description": "namespace for names without a prefix"},
            "language": {
                "type": "string",
                "description": "language tag of labels and comments; default en, empty: none",
            },
            "use_case": {"$ref": "#/$defs/ref"},
            **uc_props,
            "stages": list_or_map("stage", stage),
            "hosts": list_or_map("host", host),
        },
        "$defs": defs,
    }


def schema_text() -> str:
    return json.dumps(mapping_schema(), indent=2, ensure_ascii=False) + "\n"
