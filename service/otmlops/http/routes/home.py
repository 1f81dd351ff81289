"""``/``: the start page (HTML) for a person who opens the server in a browser."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from otmlops import __version__
from otmlops.http.errors import HttpError
from otmlops.http.home import HomeInfo, render_home
from otmlops.http.state import state_of

router = APIRouter()

#: The page must come back fast even when the store is busy: past this it says so instead.
_GRAPHS_TIMEOUT_S = 10.0


@router.get("/", include_in_schema=False, response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    from otmlops.catalogue import load_catalogue

    app = state_of(request)
    graphs, problem = None, None
    try:
        graphs = await app.read("graphs", min(app.settings.timeout, _GRAPHS_TIMEOUT_S))
    except HttpError as exc:
        problem = exc.message
    info = HomeInfo(version=__version__, store=app.settings.store_shown,
                    read_only=app.settings.read_only, has_token=app.settings.token is not None,
                    graphs=graphs, store_problem=problem,  # type: ignore[arg-type]
                    queries=[q.to_dict() for q in load_catalogue().values()])
    return HTMLResponse(render_home(info, request.scope.get("root_path", "")))
