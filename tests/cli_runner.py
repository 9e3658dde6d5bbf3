"""The ``commandcenter`` command as a test runs it: in this process by default (the same
``main`` the entry point calls, without a new interpreter and its imports each time), or as a
real subprocess for the tests whose subject is the entry point itself."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args, db=None, check=False, as_subprocess=False, input=None) -> Result:
    argv = [*args] + (["--db", db] if db else [])
    if as_subprocess:
        done = subprocess.run(
            [sys.executable, "-m", "commandcenter", *argv],
            input=input,
            capture_output=True,
            text=True,
            timeout=300,
            env=os.environ,
        )
        result = Result(done.returncode, done.stdout, done.stderr)
    else:
        from commandcenter.cli import main

        out, err = io.StringIO(), io.StringIO()
        stdin = sys.stdin
        try:
            if input is not None:
                sys.stdin = io.StringIO(input)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(argv)
                except SystemExit as exit_:  # argparse's usage errors and --help
                    code = exit_.code if isinstance(exit_.code, int) else 1
        finally:
            sys.stdin = stdin
        result = Result(code or 0, out.getvalue(), err.getvalue())
    if check:
        assert result.returncode == 0, result.stderr
    return result
