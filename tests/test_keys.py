"""The key file (commandcenter/keys.py): private, never replaced, refused when others can read
it or when it is not a key file."""

from __future__ import annotations

import json
import stat

import pytest

from commandcenter.keys import KEY_FILE_ENV, KeyFileProblem, load_keys, read_keys, write_new_keys


def test_a_new_key_file_is_private_and_never_replaced(tmp_path):
    path = tmp_path / "center" / "keys.json"
    keys = write_new_keys(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_keys(path) == keys and keys.path == path
    assert len({keys.archive, keys.signing, keys.cameras}) == 3  # three different keys
    assert all(repr(getattr(keys, n)) not in repr(keys) for n in ("archive", "signing", "cameras"))
    with pytest.raises(KeyFileProblem, match="never replaced"):
        write_new_keys(path)
    assert read_keys(path) == keys


def test_load_keys_makes_them_once_where_told(tmp_path, monkeypatch):
    path = tmp_path / "keys.json"
    monkeypatch.setenv(KEY_FILE_ENV, str(path))
    first = load_keys()
    assert path.exists() and load_keys() == first
    with pytest.raises(KeyFileProblem, match="missing"):
        load_keys(tmp_path / "elsewhere.json", create=False)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda p: p.chmod(0o644), "can be read by other users"),
        (lambda p: p.write_text("not json"), "is not a key file"),
        (lambda p: p.write_text(json.dumps({"archive": "AAAA"})), "is not a key file"),
        (
            lambda p: p.write_text(
                json.dumps(dict.fromkeys(("archive", "signing", "cameras"), "AAAA"))
            ),
            "wrong length",
        ),
    ],
)
def test_a_bad_key_file_is_refused_with_what_to_do(tmp_path, change, message):
    path = tmp_path / "keys.json"
    write_new_keys(path)
    change(path)
    with pytest.raises(KeyFileProblem, match=message):
        read_keys(path)


def test_the_command_line_makes_a_key_file_once(tmp_path, capsys):
    from commandcenter.cli import main

    path = tmp_path / "center-keys.json"
    assert main(["keys", "new", str(path)]) == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and read_keys(path)
    assert "serve --key-file" in capsys.readouterr().out
    assert main(["keys", "new", str(path)]) != 0  # never over an existing one
    assert "never replaced" in capsys.readouterr().err
