"""Does a stream URL answer, with these credentials? Asked before a camera is saved."""

from __future__ import annotations

from urllib.parse import urlsplit

from commandcenter.cameras.registry import UrlVerdict
from commandcenter.cameras.urls import is_local_file, split_credentials, url_problems
from commandcenter.video.probe import camera_reachable, probe_rtsp


def test_camera_url(
    url: str,
    username: str | None = None,
    password: str | None = None,
    timeout: float = 3.0,
) -> UrlVerdict:
    """Does the stream at ``url`` answer, with these credentials? Without decoding video:

    - an RTSP server that answers ``DESCRIBE`` with 2xx → "live" (the path exists and the
      credentials, if asked for, are accepted); otherwise the probe's verdict: "offline"
      (no answer), "unauthorised" (401/403) or "bad_url" (404 …, unknown host);
    - a ``file:`` URL (the demo's clips) → "live" when the file exists, else "bad_url";
    - http(s)/rtmp → "live" when the host accepts a connection, else "offline";
    - a malformed URL → "bad_url" with ``url_problems``' words.

    Credentials may come in the URL or as arguments (the arguments win). The detail never
    contains the password. Blocks up to about twice ``timeout``: run it in a worker."""
    problems = url_problems(url)
    if problems:
        return UrlVerdict("bad_url", "; ".join(problems))
    clean, url_user, url_password = split_credentials(url)
    username = username or url_user
    password = password or url_password
    scheme = urlsplit(clean).scheme.lower()
    if scheme == "file":
        if is_local_file(clean):
            return UrlVerdict("live", "the video file exists")
        return UrlVerdict("bad_url", "there is no such video file")
    if scheme in ("rtsp", "rtsps"):
        result = probe_rtsp(clean, username, password, timeout=timeout)
        if result.status is not None and 200 <= result.status < 300:
            verdict = UrlVerdict("live", f"the camera answers (RTSP {result.status})")
        else:
            verdict = UrlVerdict(result.verdict, result.detail)
    elif camera_reachable(clean, timeout=timeout):
        verdict = UrlVerdict("live", "the server accepts the connection")
    else:
        verdict = UrlVerdict("offline", "the server does not accept a connection")
    if password and password in verdict.detail:  # never, but a password must not leak
        verdict = UrlVerdict(verdict.verdict, verdict.detail.replace(password, "***"))
    return verdict


test_camera_url.__test__ = False  # a core function, not a test: pytest must not collect it
