"""Keep credentials and private paths out of what the service shows.

A remote store location may carry ``user:password@`` or a token in its query string; error
messages from the store layer may quote it. Everything the service shows about its store
(/healthz, the workbench pages, the greeting) and every error body goes through these functions.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

# scheme://user[:password]@  ->  scheme://
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@?#<>\"']*@")
# ?...token=... / password=... / key=... / secret=...  in any URL
_SECRET_PARAM = re.compile(
    r"(?i)([?&;](?:[a-z0-9_\-]*(?:token|password|passwd|pwd|secret|key|auth)[a-z0-9_\-]*)=)"
    r"[^&;#\s\"'<>]*"
)


def redact(text: str) -> str:
    """``text`` with URL user info and secret-looking URL parameters replaced by ``***``."""
    text = _USERINFO.sub(r"\1***@", text)
    return _SECRET_PARAM.sub(r"\1***", text)


def display_store(location: str, *, show_path: bool = False) -> str:
    """How a store location is shown: ``memory``; a remote URL without user info or query;
    a folder only with ``show_path`` (else the words "embedded store")."""
    if location == "memory":
        return "memory"
    if location.startswith(("http://", "https://")):
        parts = urlsplit(location)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    return location if show_path else "embedded store"


def store_id(location: str) -> str:
    """A stable identifier of a store location that reveals neither its path nor any
    credentials: a client that knows the location can check it serves that store."""
    import hashlib

    if location != "memory" and not location.startswith(("http://", "https://")):
        from pathlib import Path

        location = str(Path(location).expanduser().resolve())
    else:
        location = display_store(location)
    return hashlib.sha256(location.encode("utf-8")).hexdigest()[:16]


def scrub(text: str, store: str) -> str:
    """An error message safe to send: the store location (raw or resolved) and any URL
    credentials replaced."""
    if store and store != "memory" and not store.startswith(("http://", "https://")):
        from pathlib import Path

        folder = Path(store).expanduser().resolve()
        for form, name in (
            (store, "<store>"),
            (str(folder), "<store>"),
            (str(folder.parent), "<store-folder>"),
        ):
            if len(form) > 1:
                text = text.replace(form, name)
    elif store.startswith(("http://", "https://")):
        text = text.replace(store, display_store(store))
    return redact(text)
