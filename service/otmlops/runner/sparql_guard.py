"""Checks on a SPARQL request before a worker runs it: outbound calls and nesting depth.

pyoxigraph follows ``SERVICE <http://...>`` in queries and ``LOAD <url>`` in updates with its own
HTTP client (and reads ``file:`` IRIs for LOAD), so a server that runs whatever it is sent
makes requests anywhere it can reach. The service refuses every SERVICE and LOAD target but
the hosts the operator allows (``--allow-remote HOST[:PORT]``), and every ``file:`` target.
Deeply nested groups can exhaust the parser's stack; the depth is bounded instead.

The scan uses the store's SPARQL lexer (otmlops.store.sparql_text: strings, IRIs and comments
are recognised, ``\\u`` escapes decoded, prefixes and BASE resolved), so a keyword inside a
literal does not count and ``SERVICE ex:x`` is resolved like the parser would.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from otmlops.errors import UsageError
from otmlops.store import sparql_text
from otmlops.store.sparql_text import Prologue, tokens


def check_nesting(text: str, limit: int) -> None:
    """UsageError if brackets and braces nest deeper than ``limit`` (the server's
    --max-nesting; the store refuses deeper texts than its own limit as well)."""
    try:
        sparql_text.check_nesting(text, limit)
    except UsageError as exc:
        raise UsageError(f"{exc} (the server's --max-nesting)") from None


def outbound_targets(text: str, base_iri: str | None = None) -> Iterator[tuple[str, str]]:
    """(keyword, target) for each SERVICE and LOAD in ``text``; the target is an absolute
    IRI, or ``?var`` for SERVICE with a variable, or "" where it cannot be told."""
    toks = list(tokens(sparql_text.decode_codepoints(text)))
    prologue = Prologue({}, base_iri)
    i = 0
    while i < len(toks):
        nxt = prologue.declare(toks, i)
        if nxt is not None:
            i = nxt
            continue
        keyword = toks[i].keyword
        if keyword in ("SERVICE", "LOAD"):
            j = i + 1
            if j < len(toks) and toks[j].keyword == "SILENT":
                j += 1
            target = toks[j] if j < len(toks) else None
            if target is not None and target.kind == "var":
                yield keyword, target.text
            else:  # something we cannot resolve is refused rather than guessed
                yield keyword, (prologue.resolve(target) or "") if target is not None else ""
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
            raise UsageError(
                f"cannot tell which endpoint a {keyword} in the request names; "
                "write it as <IRI> or prefix:name"
            )
        if target.startswith(("?", "$")):
            raise UsageError(
                f"SERVICE with a variable endpoint ({target}) is not supported; "
                "name the endpoint IRI"
            )
        scheme = urlsplit(target).scheme.lower()
        if scheme not in ("http", "https"):
            raise UsageError(
                f"{keyword} <{target}>: only http(s) endpoints can be reached, "
                f"never {scheme or 'relative'}: IRIs"
            )
        if not allowed(target, allow):
            host, port = _host_port(target)
            raise UsageError(
                f"{keyword} <{target}>: this server makes no outbound requests to {host}:{port}"
                "; the operator can allow a host for federation with --allow-remote HOST[:PORT]"
            )
