"""Checks on a SPARQL request before a worker runs it: outbound calls and nesting depth.

pyoxigraph follows ``SERVICE <http://...>`` in queries and ``LOAD <url>`` in updates with its own
HTTP client (and reads ``file:`` IRIs for LOAD), so a server that runs whatever it is sent
makes requests anywhere it can reach. The service refuses every SERVICE and LOAD target but
the hosts the operator allows (``--allow-remote HOST[:PORT]``), and every ``file:`` target.
Deeply nested groups can exhaust the parser's stack; the depth is bounded instead.

The scan is lexical (strings, IRIs and comments are recognised, prefixes and BASE resolved),
so a keyword inside a literal does not count and ``SERVICE ex:x`` is resolved like the parser
would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urljoin, urlsplit

from otmlops.errors import UsageError

_TOKEN = re.compile(
    r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r'|(?P<comment>#[^\n]*)'
    r'|(?P<iri><(?:[^<>"{}|^`\\\s]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)'
    r'|(?P<var>[?$][\w]+)'
    r'|(?P<pname>(?:[A-Za-z][\w.\-]*)?:[\w.\-:%]*)'
    r'|(?P<word>[A-Za-z_][\w\-]*)'
    r'|(?P<open>[({\[])|(?P<close>[)}\]])'
    r'|(?P<other>\S)',
    re.S,
)


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _iri(token: str) -> str:
    """The IRI of an IRIREF token, its \\u / \\U escapes decoded as the parser does."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), token[1:-1])


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("string", "comment"):
            yield kind, m.group()


def check_nesting(text: str, limit: int) -> None:
    """UsageError if brackets and braces nest deeper than ``limit``."""
    depth = 0
    for kind, _ in _tokens(text):
        if kind == "open":
            depth += 1
            if depth > limit:
                raise UsageError(f"the request nests groups, lists or expressions more than "
                                 f"{limit} levels deep (the server's limit, --max-nesting); "
                                 "flatten it")
        elif kind == "close":
            depth = max(0, depth - 1)


def outbound_targets(text: str, base_iri: str | None = None) -> Iterator[tuple[str, str]]:
    """(keyword, target) for each SERVICE and LOAD in ``text``; the target is an absolute
    IRI, or ``?var`` for SERVICE with a variable."""
    prefixes: dict[str, str] = {}
    base = base_iri or ""
    tokens = list(_tokens(text))
    i = 0
    while i < len(tokens):
        kind, value = tokens[i]
        upper = value.upper() if kind == "word" else ""
        if upper == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
            prefixes[tokens[i + 1][1].rstrip(":")] = urljoin(base, _iri(tokens[i + 2][1]))
            i += 3
            continue
        if upper == "BASE" and i + 1 < len(tokens) and tokens[i + 1][0] == "iri":
            base = urljoin(base, _iri(tokens[i + 1][1]))
            i += 2
            continue
        if upper in ("SERVICE", "LOAD"):
            j = i + 1
            if j < len(tokens) and tokens[j][0] == "word" and tokens[j][1].upper() == "SILENT":
                j += 1
            if j < len(tokens):
                tkind, target = tokens[j]
                if tkind == "iri":
                    yield upper, urljoin(base, _iri(target))
                elif tkind == "pname":
                    prefix, _, local = target.partition(":")
                    yield upper, prefixes.get(prefix, f"{prefix}:") + local
                elif tkind == "var":
                    yield upper, target
                else:  # something we cannot resolve: refused rather than guessed
                    yield upper, ""
            else:
                yield upper, ""
            i = j
            continue
        i += 1


def _host_port(iri: str) -> tuple[str, int | None]:
    parts = urlsplit(iri)
    try:
        port = parts.port
    except ValueError:
        port = -1
    return (parts.hostname or "").lower(), port or {"http": 80, "https": 443}.get(parts.scheme)


def allowed(iri: str, allow: Iterable[str]) -> bool:
    """True if ``iri``'s host (and port, when the entry names one) is in ``allow``."""
    host, port = _host_port(iri)
    for entry in allow:
        entry = entry.strip().lower()
        if entry == "*":
            return True
        if entry.startswith("["):  # [v6]:port
            want_host, _, rest = entry[1:].partition("]")
            want_port = rest.lstrip(":") or None
        elif entry.count(":") == 1:
            want_host, _, want_port_s = entry.partition(":")
            want_port = want_port_s or None
        else:
            want_host, want_port = entry, None
        if want_host == host and (want_port is None or str(port) == want_port):
            return True
    return False


def check_outbound(text: str, allow: Iterable[str], base_iri: str | None = None) -> None:
    """UsageError (400) for a SERVICE or LOAD the server must not follow: ``file:`` and other
    non-HTTP targets always, a SERVICE with a variable always, http(s) unless allowed."""
    allow = tuple(allow)
    for keyword, target in outbound_targets(text, base_iri):
        if not target:
            raise UsageError(f"cannot tell which endpoint a {keyword} in the request names; "
                             "write it as <IRI> or prefix:name")
        if target.startswith(("?", "$")):
            raise UsageError(f"SERVICE with a variable endpoint ({target}) is not supported; "
                             "name the endpoint IRI")
        scheme = urlsplit(target).scheme.lower()
        if scheme not in ("http", "https"):
            raise UsageError(f"{keyword} <{target}>: only http(s) endpoints can be reached, "
                             f"never {scheme or 'relative'}: IRIs")
        if not allowed(target, allow):
            host, port = _host_port(target)
            raise UsageError(
                f"{keyword} <{target}>: this server makes no outbound requests to {host}:{port}"
                "; the operator can allow a host for federation with --allow-remote HOST[:PORT]")
