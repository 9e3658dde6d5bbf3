"""Where the public test data lives: ``../shared/data`` beside the checkout (CI lays it there),
or the folder named by ``COMMANDCENTER_SHARED_DATA``."""

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(
    os.environ.get("COMMANDCENTER_SHARED_DATA")
    or Path(__file__).resolve().parents[2] / "shared" / "data"
)


def shared_file(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.fail(
            f"public test data {path} is missing: the checkout expects ../shared/data beside it "
            "(or set COMMANDCENTER_SHARED_DATA)",
            pytrace=False,
        )
    return path
