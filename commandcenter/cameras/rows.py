"""The cameras of one actor's jurisdiction as plain rows (no credentials)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from commandcenter.access.accounts import Actor
from commandcenter.storage.models import (
    Camera,
    Grid,
)


@dataclass(frozen=True)
class CameraRow:
    id: int
    device_id: str
    name: str
    lon: float
    lat: float
    grid_id: int | None
    grid_name: str | None
    main_url: str
    sub_url: str | None
    enabled: bool
    key_site: bool = False  # 重点部位: offline is an alert


def camera_rows(session: Session, actor: Actor) -> list[CameraRow]:
    rows = session.execute(
        select(Camera, Grid.name)
        .outerjoin(Grid, Camera.grid_id == Grid.id)
        .where(Camera.center_id.in_(actor.jurisdiction_center_ids))
        .order_by(Camera.device_id)
    ).all()
    return [
        CameraRow(
            id=c.id,
            device_id=c.device_id,
            name=c.name,
            lon=c.lon,
            lat=c.lat,
            grid_id=c.grid_id,
            grid_name=grid_name,
            main_url=c.main_url,
            sub_url=c.sub_url,
            enabled=c.enabled,
            key_site=c.key_site,
        )
        for c, grid_name in rows
    ]
