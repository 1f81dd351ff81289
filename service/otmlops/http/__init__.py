"""The HTTP service (FastAPI on uvicorn): SPARQL 1.1 Protocol, Graph Store Protocol, named
queries, validation, health and metrics. ``create_app(ServerSettings(...))`` builds it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from otmlops.http.settings import ServerSettings

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(settings: ServerSettings) -> FastAPI:
    from otmlops.http.app import create_app as _create

    return _create(settings)


__all__ = ["ServerSettings", "create_app"]
