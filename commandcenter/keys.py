"""The installation's secrets, which live outside the database (issue 15).

Whoever can write the database must not also be able to forge what protects it, so the keys
are in a file of their own, readable only by the account that runs the center:

- ``archive``: the HMAC-SHA256 key of the electronic archive's entries (电子档案);
- ``signing``: the Ed25519 private key that signs the archive's published checkpoints;
- ``cameras``: the AES-256-GCM key of the cameras' stored credentials.

The file (JSON, each key in base64) is found at the path given (``serve --key-file``), else
``$COMMANDCENTER_KEY_FILE``, else ``keys.json`` in the user data folder. On a single machine the
console makes it on first use (mode 0600, never overwritten); a center's server should be given
one made with ``commandcenter keys new FILE`` and kept with the server's TLS key, not with the
database's backups. Losing it makes the archive unverifiable and the camera passwords
unreadable: back it up apart from the database.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path

from commandcenter.config import data_dir
from commandcenter.errors import CommandCenterError

KEY_FILE_ENV = "COMMANDCENTER_KEY_FILE"
KEY_FILE_NAME = "keys.json"
KEY_BYTES = 32
NAMES = ("archive", "signing", "cameras")


class KeyFileProblem(CommandCenterError):
    """The key file is missing, unreadable, malformed or readable by others."""


@dataclass(frozen=True)
class Keys:
    archive: bytes = field(repr=False)
    signing: bytes = field(repr=False)  # the Ed25519 private key's 32-byte seed
    cameras: bytes = field(repr=False)
    path: Path | None = None  # where they were read from

    @classmethod
    def generate(cls, path: Path | None = None) -> Keys:
        return cls(*(secrets.token_bytes(KEY_BYTES) for _ in NAMES), path=path)

    def as_json(self) -> str:
        values = {name: base64.b64encode(getattr(self, name)).decode() for name in NAMES}
        return json.dumps({"version": 1, **values}, indent=2) + "\n"


def key_file_path(explicit: str | Path | None = None) -> Path:
    given = explicit or os.environ.get(KEY_FILE_ENV)
    return Path(given) if given else data_dir() / KEY_FILE_NAME


def write_new_keys(path: str | Path) -> Keys:
    """Make a new key file at ``path`` (mode 0600); an existing file is never replaced."""
    path = Path(path)
    keys = Keys.generate(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFileProblem(f"{path} exists already; a key file is never replaced.") from None
    except OSError as exc:
        raise KeyFileProblem(f"Cannot create the key file {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(keys.as_json())
    return keys


def read_keys(path: str | Path) -> Keys:
    path = Path(path)
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeyFileProblem(
            f"The key file {path} is missing. Restore it from its backup, or make a new one "
            "with `commandcenter keys new FILE` for a new installation."
        ) from None
    except OSError as exc:
        raise KeyFileProblem(f"Cannot read the key file {path}: {exc.strerror}") from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileProblem(
            f"The key file {path} can be read by other users (mode {stat.filemode(mode)}); "
            f"make it private: chmod 600 {path}"
        )
    try:
        data = json.loads(text)
        values = [base64.b64decode(data[name], validate=True) for name in NAMES]
    except (ValueError, KeyError, TypeError) as exc:
        raise KeyFileProblem(f"The key file {path} is not a key file ({exc}).") from None
    if any(len(v) != KEY_BYTES for v in values):
        raise KeyFileProblem(f"The key file {path} holds keys of the wrong length.")
    return Keys(*values, path=path)


def load_keys(explicit: str | Path | None = None, *, create: bool = True) -> Keys:
    """The keys at ``key_file_path(explicit)``; made there first when missing and ``create``
    (the single-machine console's own folder)."""
    path = key_file_path(explicit)
    if create and not path.exists():
        try:
            return write_new_keys(path)
        except KeyFileProblem:
            if not path.exists():
                raise  # else another process made it a moment ago: read that one
    return read_keys(path)


def keys_for(explicit: str | Path | None = None) -> Keys:
    """The keys at ``key_file_path(explicit)``, made there only when nothing named the file
    (the console's own data folder): a key file that was named must exist."""
    named = explicit or os.environ.get(KEY_FILE_ENV)
    return load_keys(explicit, create=not named)


_cache: dict[tuple[str, int, int], Keys] = {}
_cache_lock = threading.Lock()


def installation_keys() -> Keys:
    """The key file's keys, read once per file version. The console's own data folder gets one
    made on first use; a key file named by ``$COMMANDCENTER_KEY_FILE`` must exist."""
    path = key_file_path()
    try:
        status = path.stat()
    except FileNotFoundError:
        return keys_for()  # makes it, or raises KeyFileProblem
    except OSError:
        return load_keys(create=False)  # raises KeyFileProblem naming the file
    key = (str(path), status.st_ino, status.st_mtime_ns)
    with _cache_lock:
        keys = _cache.get(key)
    if keys is None:
        keys = load_keys(create=False)
        with _cache_lock:
            _cache.clear()
            _cache[key] = keys
    return keys


def keys_of(session) -> Keys:
    """The keys of the database a session belongs to (``storage.Database`` puts a provider in
    the session's ``info``), else the installation's key file: the one way every part (the
    archive, the camera passwords) finds them."""
    provider = session.info.get("keys")
    return provider() if provider is not None else installation_keys()
