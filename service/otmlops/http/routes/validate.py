"""/validate: check a mapping file (request body) against the shapes, with plant graphs
from the store as context; the report says whether it conforms (200 either way)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from otmlops import media_types
from otmlops.authoring import MEDIA_TYPES as MAPPING_FORMS
from otmlops.authoring import form_of_media_type
from otmlops.errors import UnsupportedMediaType, UsageError
from otmlops.http.bodies import check_charset, media_type_of, read_body
from otmlops.http.protocol import check_iri
from otmlops.http.shared_params import RequestTimeout
from otmlops.http.state import state_of
from otmlops.media_types import negotiate
from otmlops.runner.validation_adapter import Validate

router = APIRouter(tags=["Validation"])

REPORT_TYPES = ["application/json", "text/turtle"]
_ERR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


@router.post(
    "/validate",
    summary="Validate a mapping file (body: any supported RDF syntax, or the YAML, CSV or XLSX "
    "mapping form) against the shapes",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                m: {"schema": {"type": "string"}}
                for m in [*media_types.INPUT_FORMATS, *MAPPING_FORMS]
            },
        }
    },
    responses={
        200: {
            "description": "The validation report: grouped JSON, or the standard SHACL "
            "report in Turtle (by Accept)",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/turtle": {"schema": {"type": "string"}},
            },
        },
        400: {
            "description": "The body is not valid RDF (or not a valid mapping form) or not "
            "UTF-8, has no Content-Type, or a bad parameter (timeout, charset, graph IRI)",
            **_ERR,
        },
        404: {"description": "A named plant graph does not exist", **_ERR},
        406: {"description": "No acceptable report format", **_ERR},
        413: {"description": "Body too large", **_ERR},
        415: {"description": "Unsupported media type", **_ERR},
        503: {"description": "Time limit reached", **_ERR},
    },
)
async def validate(
    request: Request,
    timeout: RequestTimeout,
    graph: Annotated[
        list[str] | None, Query(description="plant graphs (IRIs) the mapping refers to")
    ] = None,
) -> Response:
    app = state_of(request)
    media, params = media_type_of(request)
    if not media:  # as on /sparql and /store: a missing header is a 400, a wrong one a 415
        raise UsageError(
            "the body needs a Content-Type naming its RDF syntax; supported: "
            + ", ".join([*media_types.INPUT_FORMATS, *MAPPING_FORMS]),
        )
    if media_types.input_format(media) is None and form_of_media_type(media) is None:
        raise UnsupportedMediaType(
            f"unsupported media type {media!r}; supported: "
            + ", ".join([*media_types.INPUT_FORMATS, *MAPPING_FORMS]),
        )
    check_charset(params)
    report_type = negotiate(request.headers.get("accept"), REPORT_TYPES)
    graphs = [check_iri(g) for g in request.query_params.getlist("graph")]
    body = await read_body(request, app.settings.body_limit)
    return await app.answer(request, Validate(body, media, graphs, report_type), timeout)
