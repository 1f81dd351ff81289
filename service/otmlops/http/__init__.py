"""The HTTP service (FastAPI on uvicorn): SPARQL 1.1 Protocol, Graph Store Protocol, named
queries, validation, health and metrics. ``create_app(ServerSettings(...))`` builds it."""

from otmlops.http.settings import ServerSettings


def create_app(settings: ServerSettings):  # type: ignore[no-untyped-def]
    from otmlops.http.app import create_app as _create

    return _create(settings)


__all__ = ["ServerSettings", "create_app"]
