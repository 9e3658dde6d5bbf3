"""The center's server as the tests and the benchmark run it: ``commandcenter serve`` in a real
process on loopback, started on a free port and waited for until its health answers.

    server = CenterServer(database_url).start()
    server.url            # http://127.0.0.1:PORT
    server.restart()      # the same port: clients reconnect to it
    server.stop()

Its output goes to a log file whose tail is shown when it fails to start.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

START_TIMEOUT_S = 60
ROOT = Path(__file__).resolve().parent.parent


class ServerDidNotStart(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CenterServer:
    """One ``commandcenter serve`` process; see the module docstring."""

    def __init__(self, database_url: str, *args: str, env: dict[str, str] | None = None):
        self.database_url = database_url
        self.args = list(args)
        self.env = env or {}
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = Path(tempfile.mkstemp(prefix="commandcenter-server-", suffix=".log")[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> CenterServer:
        command = [
            sys.executable,
            "-m",
            "commandcenter",
            "--db",
            self.database_url,
            "serve",
            "--port",
            str(self.port),
            *self.args,
        ]
        env = {**os.environ, **self.env}
        env.pop("COMMANDCENTER_DB", None)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its workers stop with it
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerDidNotStart(
                    f"the server exited ({self.process.returncode}):\n{self.log()}"
                )
            try:
                if httpx.get(self.url + "/api/v1/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise ServerDidNotStart(f"no health answer in {START_TIMEOUT_S} s:\n{self.log()}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)

    def restart(self) -> CenterServer:
        self.stop()
        return self.start()

    def log(self, tail: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-tail:]

    def __enter__(self) -> CenterServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
