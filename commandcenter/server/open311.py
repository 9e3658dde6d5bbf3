"""The Open311 GeoReport v2 endpoint of the center's server (``/open311/v2``), for the 12345
hotline and public channels: ``services.json``, ``POST requests.json`` (a form, with a photo
as ``media``), ``GET requests.json?service_request_id=…`` and ``GET requests/{id}.json``,
each with the system's ``api_key``. Errors answer in Open311's format,
``[{"code": 400, "description": "…"}]``, and change nothing. The rules are
``commandcenter.channels.open311``'s."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from commandcenter.backend.transactions import database_errors, write
from commandcenter.channels.open311 import (
    SERVICES,
    Media,
    Open311Error,
    post_request,
    request_status,
)
from commandcenter.errors import CommandCenterError, DatabaseBusy, DatabaseUnavailable

PREFIX = "/open311/v2"
FIELDS = (
    "api_key",
    "service_code",
    "lat",
    "long",
    "address_string",
    "description",
    "first_name",
    "last_name",
    "phone",
    "email",
    "device_id",
    "account_id",
    "media_url",
)


def open311_error(error: Exception) -> JSONResponse:
    if isinstance(error, Open311Error):
        status = error.status
    elif isinstance(error, DatabaseBusy | DatabaseUnavailable):
        status = 503
    else:
        status = 400
    return JSONResponse([{"code": status, "description": str(error)}], status_code=status)


def router(state: dict, settings, on_change) -> APIRouter:
    """The routes; ``state["database"]`` is the server's database, ``on_change()`` wakes its
    feeds after a new case."""
    api = APIRouter(prefix=PREFIX)

    @api.get("/services.json")
    async def services():
        return [service.as_json() for service in SERVICES]

    @api.post("/requests.json")
    async def post(request: Request):
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return open311_error(Open311Error("Send the request as a form (Open311 GeoReport v2)."))
        try:
            form = await request.form(max_files=1, max_fields=len(FIELDS) + 4)
        except Exception:  # not a form, or too many parts
            return open311_error(Open311Error("Send the request as a form (Open311 GeoReport v2)."))
        fields = {
            key: str(form[key]) for key in FIELDS if key in form and isinstance(form[key], str)
        }
        unknown = sorted(set(form) - set(FIELDS) - {"media"})
        if unknown:
            return open311_error(Open311Error(f"Unknown fields: {', '.join(unknown)}."))
        media = None
        upload = form.get("media")
        if upload is not None and not isinstance(upload, str):
            data = await upload.read()
            media = Media(upload.filename or "media", data)
        database = state["database"]
        now = settings.clock.now()
        try:
            outcome = await run_in_threadpool(
                write,
                database,
                lambda session: post_request(session, fields.get("api_key"), now, fields, media),
                now,
                "receiving an Open311 request",
            )
        except CommandCenterError as error:
            return open311_error(error)
        on_change()
        return [{"service_request_id": outcome.value, "service_notice": "", "account_id": None}]

    @api.get("/requests.json")
    async def get_many(request: Request):
        codes = [c for c in request.query_params.get("service_request_id", "").split(",") if c]
        if not codes:
            return open311_error(Open311Error("Name the service_request_id(s) to read."))
        return await _status(request, codes)

    @api.get("/requests/{code}.json")
    async def get_one(code: str, request: Request):
        found = await _status(request, [code])
        if isinstance(found, list) and not found:
            return open311_error(Open311Error(f"No request {code} of yours.", 404))
        return found

    async def _status(request: Request, codes: list[str]):
        api_key = request.query_params.get("api_key")

        def read():
            with database_errors("reading Open311 requests"), state["database"].session() as s:
                return request_status(s, api_key, codes)

        try:
            return await run_in_threadpool(read)
        except CommandCenterError as error:
            return open311_error(error)

    return api
