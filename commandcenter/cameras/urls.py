"""Camera stream URLs and their credentials, kept apart.

URLs are stored and shown without user name or password; the credentials live in their own table
and are put into the URL only where the stream is opened (the video worker), never for display
or logs.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit
from urllib.request import url2pathname

STREAM_SCHEMES = ("rtsp", "rtsps", "rtmp", "http", "https", "file")


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """``rtsp://user:pw@host/path`` → (``rtsp://host/path``, ``user``, ``pw``)."""
    parts = urlsplit(url.strip())
    if parts.username is None and parts.password is None:
        return url.strip(), None, None
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    username = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    return clean, username, password


def with_credentials(url: str, username: str | None, password: str | None) -> str:
    """The URL to open: credentials percent-encoded into it. Never display or log the result."""
    if not username:
        return url
    parts = urlsplit(url)
    userinfo = quote(username, safe="")
    if password:
        userinfo += ":" + quote(password, safe="")
    return urlunsplit((parts.scheme, f"{userinfo}@{parts.netloc}", *parts[2:]))


def display_url(url: str) -> str:
    """A URL safe to show: any credentials in it removed."""
    return split_credentials(url)[0]


def url_problems(url: str) -> list[str]:
    """What is wrong with a stream URL as typed, in the user's words."""
    url = url.strip()
    if not url:
        return ["the stream URL is empty"]
    parts = urlsplit(url)
    if parts.scheme.lower() not in STREAM_SCHEMES:
        return [f"the URL should start with rtsp:// (found {parts.scheme or 'no scheme'!r})"]
    if parts.scheme.lower() != "file" and not parts.hostname:
        return ["the URL names no host"]
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return ["the URL's port is not a number between 0 and 65535"]
    return []


def stream_source(url: str, username: str | None = None, password: str | None = None) -> str:
    """What to hand to the decoder (cv2.VideoCapture): a local path for ``file:`` URLs (the
    demo's clips), else the network URL with its credentials. Only the video worker calls this."""
    parts = urlsplit(url)
    if parts.scheme.lower() == "file":
        return url2pathname(parts.path)
    return with_credentials(url, username, password)


def is_local_file(url: str) -> bool:
    return urlsplit(url).scheme.lower() == "file" and Path(stream_source(url)).exists()
