"""Query parameters: ``NAME=VALUE`` text to RDF terms, by the type a query declares.

Values become pyoxigraph terms that the store binds to query variables; they are never spliced
into query text, so a value containing SPARQL syntax is just an odd IRI (rejected) or an odd
string (matched literally).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from otmlops.errors import UsageError
from otmlops.namespaces import PREFIXES
from otmlops.store.sparql_text import Prologue, Token, decode_codepoints, tokens

XSD = "http://www.w3.org/2001/XMLSchema#"

Term = ox.NamedNode | ox.Literal

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INTEGER_RE = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL_RE = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
_DOUBLE_RE = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$|^[+-]?INF$|^NaN$")
_LANG_RE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


def _literal(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def to_iri(value: str, prefixes: Mapping[str, str] | None = None) -> ox.NamedNode:
    """An absolute IRI, ``<IRI>``, or a prefixed name using our prefixes (or ``prefixes``)."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = decode_codepoints(text[1:-1])
    else:
        known = {**PREFIXES, **(prefixes or {})}
        name = _prefixed_name(text)
        if name is not None:
            text = Prologue({f"{p}:": ns for p, ns in known.items()}).resolve(name) or text
    try:
        return ox.NamedNode(text)
    except ValueError as exc:
        raise UsageError(
            f"{value!r} is not a valid absolute IRI ({exc}); write a full IRI such "
            "as https://example.org/plant#Pump1 or a prefixed name such as "
            "isa95:Area"
        ) from None


def _prefixed_name(text: str) -> Token | None:
    """The text as one prefixed-name token of the SPARQL lexer (local-name escapes and
    percent-encodings as the grammar has them), or None."""
    try:
        toks = list(tokens(text))
    except UsageError:
        return None
    if len(toks) != 1 or toks[0].kind != "word" or toks[0].text.startswith("_:"):
        return None
    return toks[0] if ":" in toks[0].text else None


def _to_integer(value: str) -> ox.Literal:
    if not _INTEGER_RE.match(value.strip()):
        raise ValueError("expected a whole number such as 3")
    return _literal(str(int(value)), "integer")


def _to_decimal(value: str) -> ox.Literal:
    if not _DECIMAL_RE.match(value.strip()):
        raise ValueError("expected a decimal number such as 0.75")
    try:
        return _literal(str(Decimal(value.strip())), "decimal")
    except InvalidOperation:  # pragma: no cover - the regex already rules this out
        raise ValueError("expected a decimal number such as 0.75") from None


def _to_double(value: str) -> ox.Literal:
    if not _DOUBLE_RE.match(value.strip()):
        raise ValueError("expected a floating-point number such as 1.5e3")
    return _literal(value.strip(), "double")


def _to_boolean(value: str) -> ox.Literal:
    text = value.strip().lower()
    if text in ("true", "1", "yes"):
        return _literal("true", "boolean")
    if text in ("false", "0", "no"):
        return _literal("false", "boolean")
    raise ValueError("expected true or false")


def _to_date(value: str) -> ox.Literal:
    try:
        return _literal(_dt.date.fromisoformat(value.strip()).isoformat(), "date")
    except ValueError:
        raise ValueError("expected a date such as 2024-05-31") from None


def _to_datetime(value: str) -> ox.Literal:
    text = value.strip()
    try:
        _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("expected a date and time such as 2024-05-31T12:00:00Z") from None
    if "T" not in text:
        raise ValueError("expected a date and time such as 2024-05-31T12:00:00Z")
    return _literal(text, "dateTime")


def _to_string(value: str) -> ox.Literal:
    return ox.Literal(value)


#: Parameter types a query may declare, with the converter for each.
PARAM_TYPES = {
    "iri": None,  # handled by to_iri (needs prefixes)
    "string": _to_string,
    "integer": _to_integer,
    "decimal": _to_decimal,
    "double": _to_double,
    "boolean": _to_boolean,
    "date": _to_date,
    "dateTime": _to_datetime,
}


def convert(
    name: str, value: str, type_name: str, prefixes: Mapping[str, str] | None = None
) -> Term:
    """Turn one parameter value into a term of the declared type; UsageError if it does not fit."""
    if type_name == "iri":
        try:
            return to_iri(value, prefixes)
        except UsageError as exc:
            raise UsageError(f"parameter {name!r}: {exc}") from None
    converter = PARAM_TYPES.get(type_name)
    if converter is None:
        raise UsageError(
            f"parameter {name!r} has unknown type {type_name!r}; known types: "
            + ", ".join(PARAM_TYPES)
        )
    try:
        return converter(value)
    except ValueError as exc:
        raise UsageError(f"parameter {name!r} must be {type_name}: {exc}, got {value!r}") from None


def split_assignment(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` → (NAME, VALUE); the value may itself contain ``=``."""
    name, sep, value = text.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not _NAME_RE.match(name):
        raise UsageError(f"parameter {text!r} must look like NAME=VALUE (NAME: letters, digits, _)")
    return name, value


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """Several ``NAME=VALUE`` strings → {NAME: VALUE}; a repeated name is an error."""
    result: dict[str, str] = {}
    for item in items:
        name, value = split_assignment(item)
        if name in result:
            raise UsageError(f"parameter {name!r} is given more than once")
        result[name] = value
    return result


_STRING_ESCAPES = {
    "t": "\t",
    "b": "\b",
    "n": "\n",
    "r": "\r",
    "f": "\f",
    '"': '"',
    "'": "'",
    "\\": "\\",
}


def _unescape(body: str, original: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            if i + 1 >= len(body):
                raise UsageError(f"{original!r}: dangling backslash in string")
            nxt = body[i + 1]
            if nxt in _STRING_ESCAPES:
                out.append(_STRING_ESCAPES[nxt])
                i += 2
                continue
            if nxt in "uU":
                width = 4 if nxt == "u" else 8
                digits = body[i + 2 : i + 2 + width]
                if len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
                    raise UsageError(f"{original!r}: bad \\{nxt} escape")
                out.append(chr(int(digits, 16)))
                i += 2 + width
                continue
            raise UsageError(f"{original!r}: unknown escape \\{nxt}")
        out.append(ch)
        i += 1
    return "".join(out)


def parse_term(value: str, prefixes: Mapping[str, str] | None = None) -> Term:
    """A value written in SPARQL/Turtle term syntax, for queries that declare no parameters.

    Accepts ``<IRI>``, ``prefix:local``, ``"text"`` with an optional ``@lang`` or
    ``^^datatype``, bare integers/decimals/doubles and ``true``/``false``. Anything else is a
    UsageError. The text is parsed here, never handed to the query parser.
    """
    text = value.strip()
    if text in ("true", "false"):
        return _literal(text, "boolean")
    if _INTEGER_RE.match(text):
        return _to_integer(text)
    if _DECIMAL_RE.match(text):
        return _to_decimal(text)
    if _DOUBLE_RE.match(text):
        return _to_double(text)
    if text.startswith(('"', "'")):
        quote = text[0]
        end = 1
        while end < len(text):
            if text[end] == "\\":
                end += 2
                continue
            if text[end] == quote:
                break
            end += 1
        if end >= len(text):
            raise UsageError(f"{value!r}: unterminated string")
        lexical = _unescape(text[1:end], value)
        rest = text[end + 1 :]
        if not rest:
            return ox.Literal(lexical)
        if rest.startswith("@") and _LANG_RE.match(rest[1:]):
            return ox.Literal(lexical, language=rest[1:])
        if rest.startswith("^^"):
            datatype = to_iri(rest[2:], prefixes)
            try:
                return ox.Literal(lexical, datatype=datatype)
            except ValueError as exc:
                raise UsageError(f"{value!r}: {exc}") from None
        raise UsageError(f"{value!r}: unexpected text after the string: {rest!r}")
    if text.startswith("<") or _prefixed_name(text) is not None or ":" in text:
        return to_iri(text, prefixes)  # a prefixed name, or an absolute IRI without <>
    raise UsageError(
        f'{value!r} is not an RDF term; write <IRI>, prefix:name, "text", a number, true or false'
    )
