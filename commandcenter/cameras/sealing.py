"""Camera passwords sealed at rest: AES-256-GCM with the installation's camera key.

The only module that seals or opens a stored camera password. ``camera_credentials.password``
holds ``gcm1:`` followed by base64 of a random 12-byte nonce, the ciphertext and its 16-byte
tag. The key is ``Keys.cameras`` from the key file outside the database
(``commandcenter.keys``); the camera's id is the associated data, so a sealed value copied onto
another camera's row does not open.

- Whoever reads the database (a backup, a copied file, a read-only database role) reads no
  password without the key file.
- A wrong or missing key file, or a value changed in the database, raises
  :class:`CredentialsUnreadable` (or ``KeyFileProblem``) naming the key file and what to do:
  never an empty password, never a crash of the caller's thread.
- Rows written before sealing (plain text, no prefix) are still read as they are, and sealed
  by :func:`seal_stored_passwords`, which runs when the console, a command or the server opens
  the database (``LocalCenter.open``, ``commandcenter serve``) and on demand with
  ``commandcenter cameras seal``. It reads the key only when such rows exist.

Where the key file is: ``commandcenter.keys.key_file_path()`` (``serve --key-file`` sets
``$COMMANDCENTER_KEY_FILE`` for its workers, else ``keys.json`` in the user data folder, which
the single-machine console makes on first use). An explicit key file is never made here: a
server whose key file is missing says so instead of sealing with a new key.

Sealed values must fit the column (``String(200)``): a password is at most
``PASSWORD_BYTES`` bytes in UTF-8 (:func:`fits`).
"""

from __future__ import annotations

import base64
import binascii
import logging
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from commandcenter.errors import CommandCenterError
from commandcenter.keys import KEY_FILE_ENV, Keys, installation_keys, keys_of
from commandcenter.storage.models import CameraCredential

log = logging.getLogger(__name__)

PREFIX = "gcm1:"
NONCE_BYTES = 12
TAG_BYTES = 16
COLUMN_LENGTH = 200  # CameraCredential.password
# The longest password (UTF-8 bytes) whose sealed form fits the column.
PASSWORD_BYTES = (COLUMN_LENGTH - len(PREFIX)) // 4 * 3 - NONCE_BYTES - TAG_BYTES  # 116


class CredentialsUnreadable(CommandCenterError):
    """A stored camera password does not open with this installation's key file."""


def is_sealed(stored: str | None) -> bool:
    return bool(stored) and stored.startswith(PREFIX)


def fits(password: str) -> bool:
    """Does the password's sealed form fit the column?"""
    return len(password.encode("utf-8")) <= PASSWORD_BYTES


def _associated(camera_id: int) -> bytes:
    return f"camera_credentials:{int(camera_id)}".encode()


# --- the key ------------------------------------------------------------------------------


def _key_file_name(keys: Keys) -> str:
    return str(keys.path) if keys.path is not None else "the installation's key file"


# --- sealing and opening ------------------------------------------------------------------


def seal(camera_id: int, password: str, keys: Keys | None = None) -> str:
    """The stored form of ``password`` for camera ``camera_id``. An empty password is stored
    empty (a camera with a user name and no password)."""
    if not password:
        return ""
    keys = keys or installation_keys()
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(keys.cameras).encrypt(nonce, password.encode("utf-8"), _associated(camera_id))
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def open_sealed(camera_id: int, stored: str | None, keys: Keys | None = None) -> str:
    """The password stored for camera ``camera_id``: a sealed value opened with the key, an
    old plain one as it is. Raises :class:`CredentialsUnreadable` when it does not open."""
    if not stored:
        return ""
    if not is_sealed(stored):
        return stored  # written before sealing; seal_stored_passwords converts it
    keys = keys or installation_keys()
    try:
        blob = base64.b64decode(stored[len(PREFIX) :], validate=True)
        if len(blob) < NONCE_BYTES + TAG_BYTES:
            raise ValueError("too short")
        plain = AESGCM(keys.cameras).decrypt(
            blob[:NONCE_BYTES], blob[NONCE_BYTES:], _associated(camera_id)
        )
        return plain.decode("utf-8")
    except (InvalidTag, ValueError, binascii.Error, UnicodeDecodeError):
        log.warning("camera #%s: its stored password does not open with the key file", camera_id)
        raise CredentialsUnreadable(
            f"The stored password of camera #{camera_id} cannot be opened with the key file "
            f"{_key_file_name(keys)}: it was sealed with another key file, or changed in the "
            "database. Restore the installation's key file from its backup (or point "
            f"${KEY_FILE_ENV} / serve --key-file at it), or enter the camera's password again."
        ) from None


def credentials_of(session: Session, camera_id: int) -> tuple[str | None, str | None]:
    """(user name, password) stored for a camera, the password opened; (None, None) when it
    has none. For the stream workers and the URL test only: never display or log them."""
    row = session.get(CameraCredential, camera_id)
    if row is None:
        return None, None
    return row.username, open_sealed(camera_id, row.password, keys_of(session))


def store_password(row: CameraCredential, password: str, keys: Keys | None = None) -> None:
    row.password = seal(row.camera_id, password, keys)


# --- converting old rows ------------------------------------------------------------------


_PLAIN = select(CameraCredential.camera_id, CameraCredential.password).where(
    CameraCredential.password != "", CameraCredential.password.not_like(f"{PREFIX}%")
)


def seal_stored_passwords(session: Session, keys: Keys | None = None) -> int:
    """Seal every password still stored in plain text; returns how many. Each row is changed
    only while it is still unsealed (two processes converting at once seal it once).
    Reads the key only when there is something to seal. Works in the caller's transaction."""
    rows = session.execute(_PLAIN).all()
    if not rows:
        return 0
    keys = keys or keys_of(session)
    sealed = 0
    for camera_id, plain in rows:
        if not fits(plain):
            log.warning(
                "camera #%s: its stored password is too long to seal (over %d bytes); "
                "enter a shorter one",
                camera_id,
                PASSWORD_BYTES,
            )
            continue
        # Only a row still unsealed (another process may have sealed it meanwhile); the plain
        # value is not a parameter, so no error's log line can show it.
        result = session.execute(
            update(CameraCredential)
            .where(
                CameraCredential.camera_id == camera_id,
                CameraCredential.password.not_like(f"{PREFIX}%"),
            )
            .values(password=seal(camera_id, plain, keys))
        )
        sealed += result.rowcount or 0
    if sealed:
        log.info("sealed %d stored camera password(s) with the key file", sealed)
    return sealed


def seal_on_open(database) -> int:
    """Seal the old plain-text passwords of an opened database; a failure (a read-only disk,
    a missing key file) is logged and leaves them readable as they are."""
    try:
        with database.session() as session:  # a read first: no write lock when nothing to do
            if session.execute(_PLAIN.limit(1)).first() is None:
                return 0
        with database.writer() as session, session.begin():
            return seal_stored_passwords(session)
    except CommandCenterError as error:
        log.warning("the stored camera passwords were not sealed: %s", error)
    except Exception as error:  # noqa: BLE001 - opening must not fail on this
        log.warning("the stored camera passwords were not sealed: %s", type(error).__name__)
    return 0
