"""HTTP routes of the workbench: pages under ``/`` and ``/ui``, their JSON helpers and static
files. Each handler asks a view builder (otmlops.web.views, run by the server's workers) and
renders a template; reads are open like /sparql, nothing here writes to the store."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from otmlops.errors import OtmlopsError, ReportedError, UsageError, status_of
from otmlops.http.state import state_of
from otmlops.runner.tasks import BuildView, GraphRow, ListGraphs
from otmlops.runner.validation_adapter import Fix, Validate
from otmlops.web import pages
from otmlops.web.validate_form import ValidateInput, report_view, syntaxes

router = APIRouter(include_in_schema=False)

#: The workbench pages' own policy: scripts, styles and data only from this server (the app's
#: guard, http/guard.py, gives HTML pages without a policy of their own a stricter default).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def mount(app: FastAPI) -> None:
    """Add the workbench to the app (pages, JSON helpers, static files)."""
    app.include_router(router)
    app.mount("/ui/static", StaticFiles(directory=pages.STATIC), name="workbench-static")


async def _view(request: Request, name: str, **args: Any) -> Any:
    app = state_of(request)
    return await app.read(BuildView(name, args), app.settings.timeout)


def _page(
    request: Request, template: str, active: str, status: int = 200, **context: Any
) -> HTMLResponse:
    app = state_of(request)
    root = request.scope.get("root_path", "")
    base = str(request.base_url).rstrip("/")
    html = pages.render(
        template,
        root=root,
        active=active,
        store=app.settings.store_shown,
        writes=_writes(request),
        base=base,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": CSP})


def _writes(request: Request) -> str:
    s = state_of(request).settings
    if s.read_only:
        return "This server is read-only: writes are refused."
    if s.token is not None:
        return "Writes over HTTP need the bearer token (Authorization: Bearer …)."
    return "Writes over HTTP are disabled (the server was started without a token)."


def _error_page(request: Request, exc: OtmlopsError, active: str) -> HTMLResponse:
    error = status_of(exc)
    return _page(
        request,
        "error.html",
        active,
        status=error.http_status,
        title="Not available",
        message=error.message,
    )


@router.get("/", response_class=HTMLResponse)
async def overview(request: Request, q: str = "") -> HTMLResponse:
    try:
        data = await _view(request, "overview", search=q[:200])
    except OtmlopsError as exc:
        return _error_page(request, exc, "/")
    return _page(request, "overview.html", "/", title="Overview", data=data)


@router.get("/ui/rami", response_class=HTMLResponse)
async def rami(request: Request, useCase: str = "") -> HTMLResponse:  # noqa: N803
    try:
        data = await _view(request, "rami", use_case=useCase or None)
    except OtmlopsError as exc:
        return _error_page(request, exc, "/ui/rami")
    return _page(request, "rami.html", "/ui/rami", title="RAMI 4.0", data=data)


@router.get("/ui/rami/cell", response_class=HTMLResponse)
async def rami_cell(
    request: Request, layer: str, level: str, phase: str, useCase: str = "", fragment: bool = False
) -> HTMLResponse:  # noqa: N803
    """One cell's stages: a page of its own, or (``fragment``) the part the RAMI view shows."""
    try:
        data = await _view(
            request, "rami_cell", layer=layer, level=level, phase=phase, use_case=useCase or None
        )
    except OtmlopsError as exc:
        if fragment:
            raise
        return _error_page(request, exc, "/ui/rami")
    if fragment:
        html = pages.render("_rami_cell.html", root=request.scope.get("root_path", ""), cell=data)
        return HTMLResponse(html, headers={"Content-Security-Policy": CSP})
    return _page(request, "rami_cell.html", "/ui/rami", title="RAMI 4.0 cell", cell=data)


@router.get("/ui/gaps", response_class=HTMLResponse)
async def gaps(request: Request) -> HTMLResponse:
    try:
        data = await _view(request, "gaps")
    except OtmlopsError as exc:
        return _error_page(request, exc, "/ui/gaps")
    return _page(request, "gaps.html", "/ui/gaps", title="Gaps", data=data)


@router.get("/ui/isa95", response_class=HTMLResponse)
async def isa95(request: Request, focus: str = "", useCase: str = "") -> HTMLResponse:  # noqa: N803
    try:
        data = await _view(request, "isa95", use_case=useCase or None)
        path = await _view(request, "isa95_path", node=focus) if focus else None
    except OtmlopsError as exc:
        return _error_page(request, exc, "/ui/isa95")
    return _page(request, "isa95.html", "/ui/isa95", title="ISA-95", data=data, focus=path)


@router.get("/ui/api/isa95/children")
async def isa95_children(request: Request, node: str = "") -> JSONResponse:
    data = await _view(request, "isa95_children", node=node or None)
    return JSONResponse(data)


@router.post("/ui/api/labels")
async def labels(request: Request) -> JSONResponse:
    body = await request.json()
    iris = (
        [i for i in body.get("iris", []) if isinstance(i, str)][:2000]
        if isinstance(body, dict)
        else []
    )
    return JSONResponse(await _view(request, "labels", iris=iris))


@router.get("/ui/use-case", response_class=HTMLResponse)
async def use_case(request: Request, iri: str) -> HTMLResponse:
    try:
        data = await _view(request, "use_case", iri=iri)
    except OtmlopsError as exc:
        return _error_page(request, exc, "/")
    return _page(request, "use_case.html", "/", title=data["node"]["label"], data=data)


@router.get("/ui/stage", response_class=HTMLResponse)
async def stage(request: Request, iri: str) -> Response:
    try:
        data = await _view(request, "stage", iri=iri)
    except OtmlopsError as exc:
        return _error_page(request, exc, "/")
    if data["isUseCase"]:  # a gap row names a use case where it usually names a stage
        root = request.scope.get("root_path", "")
        return RedirectResponse(f"{root}/ui/use-case?iri={quote(iri, safe='')}", 303)
    return _page(request, "stage.html", "/", title=data["node"]["label"], data=data)


@router.get("/ui/report", response_class=HTMLResponse)
async def report(request: Request, iri: str) -> HTMLResponse:
    try:
        data = await _view(request, "report", iri=iri)
    except OtmlopsError as exc:
        return _error_page(request, exc, "/")
    return _page(request, "report.html", "/", title="Report: " + data["node"]["label"], data=data)


@router.get("/ui/query", response_class=HTMLResponse)
async def query(request: Request) -> HTMLResponse:
    from otmlops.catalogue import load_catalogue
    from otmlops.web.terms import PREFIXES

    queries = [q.to_dict() for q in load_catalogue().values()]
    return _page(
        request, "query.html", "/ui/query", title="Query", queries=queries, prefixes=PREFIXES
    )


@router.get("/ui/validate", response_class=HTMLResponse)
async def validate_form(request: Request) -> HTMLResponse:
    graphs = await _data_graphs(request)
    return _page(
        request,
        "validate.html",
        "/ui/validate",
        title="Validate",
        graphs=graphs,
        result=None,
        form=ValidateInput(),
        syntaxes=syntaxes(),
    )


@router.post("/ui/validate", response_class=HTMLResponse)
async def validate_post(
    request: Request,
    text: Annotated[str, Form()] = "",
    syntax: Annotated[str, Form()] = "",
    plant: Annotated[list[str] | None, Form()] = None,
    file: UploadFile | None = None,
) -> HTMLResponse:
    app = state_of(request)
    form = ValidateInput(text=text, syntax=syntax, plant=plant or [])
    if file is not None and file.filename:
        form.upload_name = file.filename
        form.upload = await file.read(app.settings.body_limit + 1)
    graphs = await _data_graphs(request)
    name = form.upload_name or "pasted text"
    try:
        body, media, name = form.body(app.settings.body_limit)
        task = Validate(body, media, form.plant, "application/json")
        reply = await app.read(task, app.settings.timeout)
        result = report_view(reply.body, name)
        status = 200
        if not result.get("conforms"):
            result.update(await _fixed(request, body, media, name, form.plant))
    except (OtmlopsError, ValueError) as exc:  # a form that cannot be read: ValueError, 400
        error = status_of(exc)  # the parser names the input <request>: say which input it was
        result, status = {"error": error.message.replace("<request>", name)}, error.http_status
    return _page(
        request,
        "validate.html",
        "/ui/validate",
        status=status,
        title="Validate",
        graphs=graphs,
        result=result,
        form=form,
        syntaxes=syntaxes(),
    )


async def _fixed(
    request: Request, body: bytes, media: str, name: str, plant: list[str]
) -> dict[str, Any]:
    """The fixed file for the report page's download link (empty when nothing is fixed)."""
    import json

    app = state_of(request)
    try:
        reply = await app.read(Fix(body, media, plant, name), app.settings.timeout)
    except OtmlopsError:
        return {}
    fixes = json.loads(reply.body)
    if not fixes["changed"]:
        return {"fixSkipped": fixes["skipped"]}
    return {
        "fixed": fixes["fixed"],
        "fixedType": fixes["mediaType"],
        "fixedName": fixed_name(name, fixes["form"]),
        "fixApplied": fixes["applied"],
        "fixSkipped": fixes["skipped"],
    }


def fixed_name(name: str, form: str) -> str:
    """``mapping.fixed.ttl`` for ``mapping.ttl``; pasted text gets the form's ending."""
    from pathlib import PurePath

    endings = {"turtle": ".ttl", "yaml": ".yaml", "csv": ".csv"}
    p = PurePath(name.replace(" ", "-"))
    suffix = p.suffix or endings.get(form, ".ttl")
    return f"{p.stem}.fixed{suffix}"


@router.post("/ui/validate/fixed")
async def validate_fixed(
    request: Request,
    text: Annotated[str, Form()] = "",
    syntax: Annotated[str, Form()] = "",
    plant: Annotated[list[str] | None, Form()] = None,
    file: UploadFile | None = None,
) -> Response:
    """The same input as the Validate form, answered with the fixed file as a download (its
    own format; nothing is stored)."""
    app = state_of(request)
    form = ValidateInput(text=text, syntax=syntax, plant=plant or [])
    if file is not None and file.filename:
        form.upload_name = file.filename
        form.upload = await file.read(app.settings.body_limit + 1)
    try:
        body, media, name = form.body(app.settings.body_limit)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        fixes = await _fixed_or_raise(request, body, media, name, form.plant)
    except OtmlopsError as exc:
        error = status_of(exc)
        message = error.message.replace("<request>", name)
        raise ReportedError(
            message, http_status=error.http_status, exit_code=error.exit_code
        ) from None
    data = fixes["fixed"] if fixes["changed"] else body.decode("utf-8", errors="replace")
    filename = fixed_name(name, fixes["form"])
    return Response(
        data.encode("utf-8"),
        media_type=fixes["mediaType"],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Otmlops-Fixes-Applied": str(len(fixes["applied"])),
        },
    )


async def _fixed_or_raise(
    request: Request, body: bytes, media: str, name: str, plant: list[str]
) -> dict[str, Any]:
    import json

    app = state_of(request)
    reply = await app.read(Fix(body, media, plant, name), app.settings.timeout)
    fixes: dict[str, Any] = json.loads(reply.body)
    return fixes


async def _data_graphs(request: Request) -> list[GraphRow]:
    app = state_of(request)
    try:
        graphs = await app.read(ListGraphs(), app.settings.timeout)
    except OtmlopsError:
        return []
    return [g for g in graphs if not g["system"]]


@router.get("/favicon.ico")
async def favicon() -> Response:
    return Response((pages.STATIC / "favicon.svg").read_bytes(), media_type="image/svg+xml")
