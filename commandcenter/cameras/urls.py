"""Camera stream URLs and their credentials, kept apart.

URLs are stored and shown without user name or password; the credentials live in their own table
and are put into the URL only where the stream is opened (the video worker), never for display
or logs.

Some cameras and platforms take their secret in the query string instead
(``rtsp://host/live?user=admin&password=…``, ``…?token=…``, ``&signature=…``). Those stay in
the stored URL, because the stream needs them, but ``display_url`` shows each such value as
``***`` (``SECRET_QUERY_KEYS``): every screen, export, log line and server answer meant for
people shows that form. An edit that sends the shown form back keeps the stored secrets
(``restore_masked_query``).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit
from urllib.request import url2pathname

STREAM_SCHEMES = ("rtsp", "rtsps", "rtmp", "http", "https", "file")

MASK = "***"
# Query parameters whose value is a secret (compared in lower case, "-" and "_" ignored).
SECRET_QUERY_KEYS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "secret",
        "token",
        "accesstoken",
        "authtoken",
        "apikey",
        "key",
        "auth",
        "authorization",
        "signature",
        "sig",
        "sign",
        "credential",
        "credentials",
        "session",
        "sessionid",
        "xamzsignature",
        "xamzsecuritytoken",
        "xamzcredential",
    }
)


def is_secret_query_key(name: str) -> bool:
    return name.lower().replace("-", "").replace("_", "") in SECRET_QUERY_KEYS


def _query_pairs(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=True)


def mask_query(url: str) -> str:
    """``url`` with the value of every secret query parameter shown as ``***``."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = _query_pairs(parts.query)
    if not any(is_secret_query_key(k) and v for k, v in pairs):
        return url
    masked = [(k, MASK if is_secret_query_key(k) and v else v) for k, v in pairs]
    query = urlencode(masked, safe="*/:,")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def query_secrets(url: str) -> list[str]:
    """The secret values of the URL's query string (as given and percent-encoded), to blot
    out of a message that might quote them."""
    values = [v for k, v in _query_pairs(urlsplit(url).query) if is_secret_query_key(k) and v]
    return sorted({form for v in values for form in (v, quote(v, safe=""))}, key=len, reverse=True)


def has_query_secret(url: str | None) -> bool:
    return bool(url) and mask_query(url) != url


def restore_masked_query(new_url: str, stored_url: str | None) -> str:
    """``new_url`` with each secret parameter shown as ``***`` given back its stored value
    (an edit form or a CSV that carried the shown form of the URL); a new value is kept."""
    if not stored_url or MASK not in new_url:
        return new_url
    parts = urlsplit(new_url)
    stored = {}
    for key, value in _query_pairs(urlsplit(stored_url).query):
        stored.setdefault(key, value)
    pairs = _query_pairs(parts.query)
    if not any(v == MASK and k in stored for k, v in pairs):
        return new_url
    restored = [(k, stored[k] if v == MASK and k in stored else v) for k, v in pairs]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(restored), parts.fragment))


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
    """A URL safe to show: any user name and password in it removed, any secret in its query
    string shown as ``***``."""
    return mask_query(split_credentials(url)[0])


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
