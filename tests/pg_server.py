"""A throw-away PostgreSQL server for the test session.

`PostgresServer` runs ``initdb`` into a fresh temporary folder (trust authentication, UTF-8,
C locale, superuser ``postgres``), starts it with ``pg_ctl -w`` listening on 127.0.0.1 on a free
port with its unix socket inside that folder, and stops it with ``pg_ctl -m fast stop`` and
removes the folder at the end.  PostgreSQL refuses to run as root, so when the tests run as root
the server runs as an unprivileged system account (``postgres``, else ``nobody``) through
``runuser``/``setpriv``.

The server binaries come from ``$PG_BINDIR``, ``pg_config --bindir``, the newest
``/usr/lib/postgresql/*/bin`` or ``initdb`` on PATH.  Debian's ``postgresql`` package (which
``make test`` installs) provides them.

Run ``python tests/pg_server.py`` to get a server for manual work; Ctrl-C stops it.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

SUPERUSER = "postgres"
DEFAULT_DATABASE = "commandcenter_test"
INSTALL_HINT = (
    "Run `make test` (it installs the Debian `postgresql` server package and then runs the "
    "tests), or install a PostgreSQL server and set PG_BINDIR to the folder holding initdb "
    "and pg_ctl."
)
SERVER_GLOB = "/usr/lib/postgresql/*/bin"
_NEEDED = ("initdb", "pg_ctl", "postgres")
_START_TIMEOUT_S = 60
_PREFIX = "commandcenter-pg-"
OWNER_FILE = "owner.pid"  # the test process that started the server in this folder


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries, or the server could not be started."""


def _has_server(bindir: Path) -> bool:
    return all((bindir / name).is_file() for name in _NEEDED)


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", Path(path).parent.name))


def find_bindir(environ: dict[str, str] | None = None, server_glob: str = SERVER_GLOB) -> Path:
    """The folder holding initdb, pg_ctl and postgres, or PostgresUnavailable."""
    environ = os.environ if environ is None else environ
    explicit = environ.get("PG_BINDIR")
    if explicit:
        if _has_server(Path(explicit)):
            return Path(explicit)
        raise PostgresUnavailable(
            f"PG_BINDIR={explicit} holds no {'/'.join(_NEEDED)}. {INSTALL_HINT}"
        )

    candidates: list[Path] = []
    path = environ.get("PATH", "")
    pg_config = shutil.which("pg_config", path=path)
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=30
            ).stdout.strip()
            if out:
                candidates.append(Path(out))
    candidates += [Path(p) for p in sorted(glob.glob(server_glob), key=_version_key, reverse=True)]
    initdb = shutil.which("initdb", path=path)
    if initdb:
        candidates.append(Path(initdb).resolve().parent)

    for bindir in candidates:
        if _has_server(bindir):
            return bindir
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: looked at "
        f"`pg_config --bindir`, {server_glob} and PATH. {INSTALL_HINT}"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_account() -> pwd.struct_passwd | None:
    """The unprivileged account to run the server as when we are root, else None."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    name = "commandcenter-pg"
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        check=True,
        capture_output=True,
    )
    return pwd.getpwnam(name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _searchable_by_others(path: Path) -> bool:
    path = path.resolve()
    return all(os.stat(p).st_mode & 0o001 for p in [path, *path.parents])


class PostgresServer:
    """One PostgreSQL server in its own temporary folder; see the module docstring."""

    def __init__(self, bindir: Path | None = None) -> None:
        self.bindir = bindir or find_bindir()
        self.account = _server_account()
        self.host = "127.0.0.1"
        self.port = 0
        self.user = SUPERUSER
        self.base_dir: Path | None = None
        self._running = False

    # -- paths and URLs ---------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        assert self.base_dir is not None
        return self.base_dir / "data"

    @property
    def socket_dir(self) -> Path:
        assert self.base_dir is not None
        return self.base_dir / "socket"

    @property
    def log_file(self) -> Path:
        assert self.base_dir is not None
        return self.base_dir / "server.log"

    def url_for(self, dbname: str) -> str:
        """SQLAlchemy URL (psycopg 3 driver) of one database on this server."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{dbname}"

    @property
    def url(self) -> str:
        return self.url_for(DEFAULT_DATABASE)

    # -- running the binaries ---------------------------------------------------------------
    def _command(self, args: list[str]) -> list[str]:
        if self.account is None:
            return args
        if shutil.which("runuser"):
            return ["runuser", "-u", self.account.pw_name, "--", *args]
        return [
            "setpriv",
            f"--reuid={self.account.pw_uid}",
            f"--regid={self.account.pw_gid}",
            "--clear-groups",
            "--",
            *args,
        ]

    def _run(
        self, tool: str, *args: str, check: bool = True, cwd: Path | None = None
    ) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C"
        env.pop("LANGUAGE", None)
        proc = subprocess.run(
            self._command([str(self.bindir / tool), *args]),
            cwd=cwd or self.base_dir,  # the server account may not be able to read our cwd
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=_START_TIMEOUT_S + 30,
        )
        if check and proc.returncode != 0:
            raise PostgresUnavailable(
                f"{tool} {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}"
                f"{self._log_tail()}"
            )
        return proc

    def _log_tail(self) -> str:
        try:
            lines = self.log_file.read_text(errors="replace").splitlines()[-20:]
        except OSError:
            return ""
        return "\nserver log:\n" + "\n".join(lines)

    def _make_base_dir(self) -> Path:
        tmp = Path(tempfile.gettempdir())
        if self.account is not None and not _searchable_by_others(tmp):
            tmp = Path("/tmp")
        self._sweep_orphans(tmp)
        base = Path(tempfile.mkdtemp(prefix=_PREFIX, dir=tmp))
        (base / OWNER_FILE).write_text(str(os.getpid()))
        (base / "socket").mkdir()
        if self.account is not None:
            for path in (base, base / "socket"):
                os.chown(path, self.account.pw_uid, self.account.pw_gid)
        return base

    def _sweep_orphans(self, tmp: Path) -> None:
        """Stop and remove servers left by test runs that were killed before their clean-up."""
        for base in tmp.glob(f"{_PREFIX}*"):
            try:
                owner = int((base / OWNER_FILE).read_text())
            except (OSError, ValueError):
                continue
            if _alive(owner):
                continue
            if (base / "data" / "postmaster.pid").exists():
                with contextlib.suppress(OSError, subprocess.SubprocessError):
                    self._run(
                        "pg_ctl",
                        "stop",
                        "-D",
                        str(base / "data"),
                        "-m",
                        "immediate",
                        "-w",
                        check=False,
                        cwd=base,
                    )
            shutil.rmtree(base, ignore_errors=True)

    # -- life cycle --------------------------------------------------------------------------
    def start(self) -> PostgresServer:
        if self._running:
            return self
        self.base_dir = self._make_base_dir()
        atexit.register(self.stop)
        try:
            self._run(
                "initdb",
                "-D",
                str(self.data_dir),
                f"--username={SUPERUSER}",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            )
            settings = {
                "listen_addresses": "'127.0.0.1'",
                "unix_socket_directories": f"'{self.socket_dir}'",
                "fsync": "off",
                "synchronous_commit": "off",
                "full_page_writes": "off",
                "max_connections": "200",
                "log_min_messages": "warning",
            }
            with open(self.data_dir / "postgresql.conf", "a", encoding="utf-8") as conf:
                conf.write("\n# commandcenter test server\n")
                conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
            self._start_on_free_port()
            self.create_database(DEFAULT_DATABASE)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_on_free_port(self, attempts: int = 5) -> None:
        for attempt in range(attempts):
            self.port = free_port()
            proc = self._run(
                "pg_ctl",
                "start",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-w",
                "-t",
                str(_START_TIMEOUT_S),
                "-o",
                f"-p {self.port}",
                check=False,
            )
            if proc.returncode == 0:
                self._running = True
                return
            log = self._log_tail()
            port_taken = "could not bind" in log or "already in use" in log
            if not port_taken or attempt == attempts - 1:
                raise PostgresUnavailable(
                    f"pg_ctl start failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}{log}"
                )

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder; safe to call twice."""
        if self._running:
            self._running = False
            for mode in ("fast", "immediate"):
                proc = self._run(
                    "pg_ctl", "stop", "-D", str(self.data_dir), "-m", mode, "-w", check=False
                )
                if proc.returncode == 0:
                    break
        if self.base_dir is not None:
            shutil.rmtree(self.base_dir, ignore_errors=True)
            self.base_dir = None
        atexit.unregister(self.stop)

    def pause(self) -> None:
        """Stop the server but keep its data and port: a database host gone for a while."""
        self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", "-w")

    def resume(self) -> None:
        """Start a paused server again on the same port."""
        self._run(
            "pg_ctl", "start", "-D", str(self.data_dir), "-l", str(self.log_file), "-w",
            "-t", str(_START_TIMEOUT_S), "-o", f"-p {self.port}",
        )  # fmt: skip

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- databases ---------------------------------------------------------------------------
    def connect(self, dbname: str = "postgres"):
        """A psycopg connection in autocommit mode (for CREATE/DROP DATABASE)."""
        import psycopg

        return psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname=dbname, autocommit=True
        )

    def create_database(self, name: str | None = None, *, template: str | None = None) -> str:
        """Create a database (a unique name when none is given) and return its name: empty, or
        a copy of ``template`` (a file copy on the server: far quicker than migrating again)."""
        from psycopg import sql

        name = name or f"cc_test_{uuid.uuid4().hex[:12]}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self.connect() as conn:
            conn.execute(statement)
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, first ending the sessions still connected to it."""
        from psycopg import sql

        with self.connect() as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            force = sql.SQL(" WITH (FORCE)") if conn.info.server_version >= 130000 else sql.SQL("")
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}{}").format(sql.Identifier(name), force)
            )

    def database_names(self) -> list[str]:
        with self.connect() as conn:
            rows = conn.execute("SELECT datname FROM pg_database WHERE NOT datistemplate")
            return sorted(row[0] for row in rows)


if __name__ == "__main__":
    import time

    with PostgresServer() as server:
        print(f"PostgreSQL {server.bindir} running as {server.account and server.account.pw_name}")
        print(server.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
