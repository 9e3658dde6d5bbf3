from commandcenter.cameras.urls import (
    display_url,
    split_credentials,
    url_problems,
    with_credentials,
)


def test_credentials_are_split_out_of_a_typed_url():
    clean, user, password = split_credentials("rtsp://admin:p%40ss:w0rd@10.1.2.3:554/Streaming/101")
    assert clean == "rtsp://10.1.2.3:554/Streaming/101"
    assert (user, password) == ("admin", "p@ss:w0rd")


def test_url_without_credentials_is_unchanged():
    assert split_credentials("rtsp://cam.local/live") == ("rtsp://cam.local/live", None, None)


def test_credentials_round_trip_with_special_characters():
    url = with_credentials("rtsp://[fe80::1]:8554/sub", "op erator", "p@ss/:#")
    assert split_credentials(url) == ("rtsp://[fe80::1]:8554/sub", "op erator", "p@ss/:#")


def test_display_url_never_shows_a_password():
    assert "secret" not in display_url("rtsp://u:secret@host/x")


def test_url_problems():
    assert url_problems("rtsp://host:554/a") == []
    assert url_problems("") == ["the stream URL is empty"]
    assert "rtsp://" in url_problems("ftp://host/x")[0]
    assert url_problems("rtsp:///x") == ["the URL names no host"]
    assert "port" in url_problems("rtsp://host:99999/x")[0]


def test_stream_source(tmp_path):
    from commandcenter.cameras.urls import is_local_file, stream_source

    clip = tmp_path / "一号 clip.mp4"
    clip.write_bytes(b"x")
    assert stream_source(clip.as_uri()) == str(clip)
    assert is_local_file(clip.as_uri())
    assert not is_local_file((tmp_path / "missing.mp4").as_uri())
    assert stream_source("rtsp://h/x", "u", "p") == "rtsp://u:p@h/x"
    assert url_problems(clip.as_uri()) == []
