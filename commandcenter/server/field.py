"""The field app (``/field``): a web app for the phones of grid managers and department
handlers, served by the center's server with all its assets (a center's network has no
internet). It speaks the same API as the console (``/api/v1``); this module serves its files
and the names it shows (``/field/config.json``), in Chinese."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from commandcenter.domain.enums import CaseCategory, CaseState, DeadlineStatus, SpecialGroup
from commandcenter.domain.file_words import file_name_zh
from commandcenter.domain.labels_zh import label_zh
from commandcenter.geo.gcj02 import wgs84_to_gcj02
from commandcenter.geo.tiles import TileSource
from commandcenter.workflow.attachments import image_type
from commandcenter.workflow.rules import Action

ASSETS = Path(__file__).with_name("field_app")

# The steps a field worker takes, by the names the console uses (checked against its
# catalogue by tests/test_field_app.py).
ACTION_ZH = {
    Action.ACCEPT: "签收",
    Action.RETURN: "回退",
    Action.REPORT_RESULT: "处置反馈",
    Action.SELF_RESOLVE: "自行处置",
    Action.VERIFY: "核查",
    Action.REQUEST_EXTENSION: "申请延期",
    Action.REPLY_SUPERVISION: "督办回复",
}


def config() -> dict:
    return {
        "categories": [{"code": c.value, "name": label_zh(c)} for c in CaseCategory],
        "states": {s.value: label_zh(s) for s in CaseState},
        "deadline_statuses": {d.value: label_zh(d) for d in DeadlineStatus},
        "actions": {a.value: name for a, name in ACTION_ZH.items()},
        "groups": {g.value: file_name_zh(g) for g in SpecialGroup},
    }


def mount(app: FastAPI, basemap: TileSource | None = None, area=None) -> None:
    """The app's files and names; with a basemap (``serve --basemap``), its tiles at
    ``/field/tiles/{z}/{x}/{y}``. ``area()`` is a point of the center's area (lon, lat), where
    a GCJ-02 basemap's shift is measured."""
    api = APIRouter()

    @api.get("/field/config.json")
    async def field_config():
        answer = config()
        answer["basemap"] = None
        if basemap is not None:
            shift = None
            if basemap.gcj02 and area is not None:
                lon, lat = await run_in_threadpool(area)
                glon, glat = wgs84_to_gcj02(lon, lat)
                shift = [glon - lon, glat - lat]  # degrees: where a GCJ-02 tile shows a point
            answer["basemap"] = {
                "min_zoom": basemap.min_zoom,
                "max_zoom": basemap.max_zoom,
                "shift": shift,
            }
        return answer

    @api.get("/field/tiles/{z}/{x}/{y}")
    async def tile(z: int, x: int, y: int):
        data = await run_in_threadpool(basemap.tile, z, x, y) if basemap is not None else None
        if not data:
            return Response(status_code=404)
        kind = image_type(data)
        return Response(
            data,
            media_type=kind[0] if kind else "application/octet-stream",
            headers={"Cache-Control": "max-age=86400"},
        )

    app.include_router(api)
    app.mount("/field", StaticFiles(directory=ASSETS, html=True), name="field")
