"""Why a stream did not open: a short RTSP conversation that tells the kinds of failure apart.

OpenCV's ``VideoCapture`` only says "not opened". When that happens the worker asks the camera
itself: one ``DESCRIBE`` request (answered 401 with a Basic or Digest challenge, it is sent
again with the credentials, as a player would). The answer decides the health the tile shows:

- no answer (refused, timed out, reset) → ``offline``: the camera or the network is down;
- 401 / 403 → ``unauthorised``: the user name or password is wrong (or missing);
- 404 and the other 4xx answers → ``bad_url``: the server is there, the path is wrong;
- a host name that does not resolve → ``bad_url``;
- 2xx / 5xx → ``offline``: the server answers but gives no stream now.

Credentials are used for the request and nowhere else; nothing here logs them.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORT = 554
USER_AGENT = "GridCommandCenter probe"


@dataclass(frozen=True)
class ProbeResult:
    """``verdict`` is "offline", "unauthorised" or "bad_url"; ``detail`` says why (English, for
    logs and tooltips; it never contains credentials)."""

    verdict: str
    detail: str
    status: int | None = None


def probe_rtsp(
    url: str,
    username: str | None = None,
    password: str | None = None,
    *,
    timeout: float = 3.0,
) -> ProbeResult:
    """Classify why ``url`` (an ``rtsp://`` URL without credentials) does not play."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or DEFAULT_PORT
    try:
        status = describe_status(url, username, password, timeout=timeout)
    except socket.gaierror as exc:
        if exc.errno in (socket.EAI_AGAIN,):
            return ProbeResult("offline", f"name lookup of {host} failed for now")
        return ProbeResult("bad_url", f"the host name {host} is not known")
    except TimeoutError:
        return ProbeResult("offline", f"{host}:{port} does not answer")
    except ConnectionRefusedError:
        return ProbeResult("offline", f"{host}:{port} refuses the connection")
    except OSError as exc:
        return ProbeResult("offline", f"{host}:{port} unreachable ({exc.strerror or exc})")
    except ValueError as exc:  # not an RTSP answer at all
        return ProbeResult("offline", f"{host}:{port} does not speak RTSP ({exc})")
    if status in (401, 403):
        why = "the credentials were refused" if username else "the camera asks for credentials"
        return ProbeResult("unauthorised", f"{why} (RTSP {status})", status)
    if 400 <= status < 500:
        return ProbeResult(
            "bad_url", f"the camera has no stream at this path (RTSP {status})", status
        )
    return ProbeResult("offline", f"the camera answers RTSP {status} but sends no video", status)


def describe_status(url: str, username: str | None, password: str | None, *, timeout: float) -> int:
    """The RTSP status of DESCRIBE on ``url``, answering a 401 challenge once with the
    credentials, as a player would. Raises OSError (no answer) or ValueError (not RTSP)."""
    parts = urlsplit(url)
    target = urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path or "/", "", ""))
    if parts.query:
        target += "?" + parts.query
    address = (parts.hostname or "", parts.port or DEFAULT_PORT)
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.settimeout(timeout)
        status, headers = _describe(sock, target, 1, None)
        if status == 401 and username:
            authorization = _authorization(headers, target, username, password or "")
            if authorization:
                status, headers = _describe(sock, target, 2, authorization)
    return status


def _describe(
    sock: socket.socket, target: str, cseq: int, authorization: str | None
) -> tuple[int, dict[str, str]]:
    lines = [
        f"DESCRIBE {target} RTSP/1.0",
        f"CSeq: {cseq}",
        "Accept: application/sdp",
        f"User-Agent: {USER_AGENT}",
    ]
    if authorization:
        lines.append(f"Authorization: {authorization}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))
    return _read_response(sock)


def _read_response(sock: socket.socket) -> tuple[int, dict[str, str]]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
        if len(data) > 65536:
            break
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    match = re.match(r"RTSP/\d\.\d\s+(\d{3})", lines[0] if lines else "")
    if not match:
        raise ValueError("no RTSP status line")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        key = name.strip().lower()
        # Several WWW-Authenticate headers: keep the first Digest one, else the first.
        if key == "www-authenticate" and key in headers and "digest" in headers[key].lower():
            continue
        headers[key] = value.strip()
    # Any body (an SDP) is left unread: the connection is closed right after.
    return int(match.group(1)), headers


def _authorization(headers: dict[str, str], target: str, username: str, password: str) -> str:
    challenge = headers.get("www-authenticate", "")
    scheme, _, rest = challenge.partition(" ")
    if scheme.lower() == "basic":
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        return f"Basic {token}"
    if scheme.lower() != "digest":
        return ""
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', rest))
    realm, nonce = params.get("realm", ""), params.get("nonce", "")
    algorithm = params.get("algorithm", "MD5")
    hash_name = "sha256" if algorithm.upper().startswith("SHA-256") else "md5"

    def digest(text: str) -> str:
        return hashlib.new(hash_name, text.encode("utf-8")).hexdigest()

    ha1 = digest(f"{username}:{realm}:{password}")
    ha2 = digest(f"DESCRIBE:{target}")
    fields = [
        f'username="{username}"',
        f'realm="{realm}"',
        f'nonce="{nonce}"',
        f'uri="{target}"',
    ]
    if "auth" in params.get("qop", "").split(","):
        cnonce, nc = os.urandom(8).hex(), "00000001"
        response = digest(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        fields += ["qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
    else:
        response = digest(f"{ha1}:{nonce}:{ha2}")
    fields.append(f'response="{response}"')
    if "opaque" in params:
        fields.append(f'opaque="{params["opaque"]}"')
    if algorithm != "MD5":
        fields.append(f"algorithm={algorithm}")
    return "Digest " + ", ".join(fields)


def camera_reachable(
    url: str, username: str | None = None, password: str | None = None, *, timeout: float = 2.0
) -> bool:
    """Whether a camera's stream answers now, without decoding it (for the map's camera
    markers): a ``file:`` URL must exist; an RTSP server must answer DESCRIBE with 2xx; any
    other URL must accept a TCP connection."""
    from commandcenter.cameras.urls import is_local_file

    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        return is_local_file(url)
    host = parts.hostname or ""
    if not host:
        return False
    if scheme in ("rtsp", "rtsps"):
        try:
            return 200 <= describe_status(url, username, password, timeout=timeout) < 300
        except (OSError, ValueError):
            return False
    try:
        default = 443 if scheme in ("https", "rtmps") else 80
        with socket.create_connection((host, parts.port or default), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


def check_cameras(cameras, credentials=None, *, timeout: float = 2.0, workers: int = 16):
    """``{camera id: reachable}`` for rows with ``id``, ``main_url`` and ``enabled`` (a disabled
    camera counts as not reachable). Cameras are asked in parallel, a bounded number at a
    time; ``credentials(camera_id) -> (user, password)`` is called here, in the caller's
    worker thread."""
    from concurrent.futures import ThreadPoolExecutor

    def one(camera) -> tuple[int, bool]:
        if not camera.enabled:
            return camera.id, False
        username, password = credentials(camera.id) if credentials else (None, None)
        return camera.id, camera_reachable(camera.main_url, username, password, timeout=timeout)

    cameras = list(cameras)
    if not cameras:
        return {}
    with ThreadPoolExecutor(max_workers=min(workers, len(cameras))) as pool:
        return dict(pool.map(one, cameras))
