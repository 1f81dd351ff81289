"""Reading request bodies safely: size limit (413), UTF-8 only (400), media types (415)."""

from __future__ import annotations

from fastapi import Request

from otmlops.errors import TooLarge, UsageError
from otmlops.media_types import split_media_type


async def read_body(request: Request, limit: int, why: str = "") -> bytes:
    """The whole body, refusing more than ``limit`` bytes (413) before reading it all;
    ``why`` explains the limit in the message."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise UsageError("Content-Length is not a number") from None
        if size > limit:
            raise TooLarge(
                f"request body of {declared} bytes exceeds the limit of {limit} bytes{why}"
            )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"request body exceeds the limit of {limit} bytes{why}")
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # lets request.form() reuse it
    return body


def media_type_of(request: Request) -> tuple[str, dict[str, str]]:
    """(media type, parameters) of the request's Content-Type; ('', {}) if absent."""
    header = request.headers.get("content-type")
    if not header:
        return "", {}
    return split_media_type(header)


def check_charset(params: dict[str, str]) -> None:
    """UsageError (400) unless the Content-Type's charset (if any) is UTF-8, in any common
    spelling (utf-8, UTF8, UTF_8), or US-ASCII; every route with a text body calls this."""
    charset = params.get("charset")
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii"):
        raise UsageError(f"only UTF-8 text is accepted, not charset={charset}")


def decode_utf8(body: bytes, what: str) -> str:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{what} is not valid UTF-8 (byte {exc.start}: {body[exc.start : exc.start + 1]!r})",
        ) from None
    return text.removeprefix("\ufeff")


def endpoint_url(request: Request) -> str:
    """The request URL without its query string (the endpoint, or a direct graph IRI)."""
    url = request.url
    return f"{url.scheme}://{url.netloc}{url.path}"
