"""Benchmark: one center's server on PostgreSQL under its consoles and field devices.

Starts a PostgreSQL server (``tests/pg_server.py``), builds the demo district in it, starts
``commandcenter serve`` (``--workers``, default 2) on loopback, and runs simulated clients in
this process (asyncio: httpx for calls, websockets for the pushed feed), each with its own
session, connection and feed, as separate machines would:

- consoles (50): the center staff of the demo district, each its own account — 13 duty
  officers, 2 dispatchers, 2 supervisors, 8 grid leaders, 25 department handlers — log in,
  load the console, follow the feed; every ``3 s`` on average (Poisson) one operation: a
  case's detail (70 %), its history (10 %) or, for the roles that may, a step on a case of
  the board (urge, 20 %, at the version the console last saw: a conflict counts as an answer,
  not an error; the other roles read instead);
- field devices (200): the 84 grid managers' accounts, two or three devices each, log in,
  follow their own feed; every ``20 s`` on average report a new case in their grid (30 %) or
  read a case's detail (70 %);
- phones on a round (500, the field app): on the grid managers' accounts, a round started,
  each sending its position every ``10 s`` (no feed: the field app asks, it is not pushed).

Every demo account is given the demo password here (one argon2 hash, copied).

Measured over ``--seconds`` (300: five minutes) of that steady load, after a warm-up:

- operations per second, and each operation's latency (p50, p95, worst) by kind;
- commit → push: for every write, the time from the write's answer reaching its writer to the
  pushed row (that version or a later one) reaching each client that must see it (``may_see``
  of the client's actor on the case as it stands after the run); per write the slowest of
  those clients: p50, p95 and the worst. Pushes that never came are counted (must be 0);
- the server's memory (resident set of the server and its workers) every 5 s: at the start of
  the measured run, at its end, the highest, and the growth over the second half;
- then ``--saturate`` seconds (20) with every console sending its next operation as soon as
  the last one answered: the most operations per second this machine gives.

Peers in the same run, as ratios: the same read (a case's detail) in-process through
``LocalBackend`` on the same database (what the server adds), and an empty HTTP request to the
server (``/health``: the floor of a round trip on loopback). The bench's clients share the
machine's cores with the server: the load average is printed with the figures.

    .venv/bin/python bench/server.py             # 50 consoles, 200 devices, 500 phones, 5 min
    .venv/bin/python bench/server.py --quick     # 4 consoles, 8 devices, 6 phones, within 30 s

The last line of the output is one line of JSON with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import httpx  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from commandcenter.access.accounts import Actor  # noqa: E402
from commandcenter.access.cases import may_see  # noqa: E402
from commandcenter.backend.wire import decode, encode  # noqa: E402
from commandcenter.cases.operations import NewCase  # noqa: E402
from commandcenter.demo.accounts import DEMO_PASSWORD  # noqa: E402
from commandcenter.domain.enums import CaseCategory, CaseSource, Role  # noqa: E402

API = "/api/v1"
PUSH_GIVE_UP_S = 10.0
CONSOLE_ROLES = [
    Role.DUTY_OFFICER,
    Role.DISPATCHER,
    Role.SUPERVISOR,
    Role.GRID_LEADER,
    Role.DEPARTMENT_HANDLER,
]
STEPPING_ROLES = {Role.DUTY_OFFICER, Role.DISPATCHER, Role.SUPERVISOR, Role.GRID_LEADER}
MEMORY_EVERY_S = 5.0


def percentile(values, share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


# --- the server's memory ---------------------------------------------------------------------------


def process_tree_rss(pid: int) -> int:
    """Resident bytes of a process and its descendants (the server and its workers)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


# --- the clients ----------------------------------------------------------------------------------------


@dataclass
class Pending:
    """One write, waiting for its pushes."""

    case_id: int
    version: int
    answered: float  # perf_counter when the writer had the answer
    sent: float
    arrived: dict[int, float] = field(default_factory=dict)  # client -> when its push came


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    conflicts: int = 0
    drops: int = 0  # feed connections lost (and resumed)
    arrivals: dict[int, list[tuple[float, int, int]]] = field(default_factory=dict)
    pending: dict[int, list[Pending]] = field(default_factory=dict)
    done: list[Pending] = field(default_factory=list)
    measuring: bool = False

    def op(self, kind: str, seconds: float) -> None:
        if self.measuring:
            self.latencies.setdefault(kind, []).append(seconds)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def arrived(self, client: int, case_id: int, version: int, at: float) -> None:
        # Kept whole and matched after the run: a push may reach another client before the
        # writer has even read its answer.
        self.arrivals.setdefault(case_id, []).append((at, client, version))

    def match_arrivals(self) -> None:
        for case_id, writes in self.pending.items():
            arrivals = sorted(self.arrivals.get(case_id, ()))
            for write in writes:
                for at, client, version in arrivals:
                    if version >= write.version and at >= write.sent:
                        write.arrived.setdefault(client, at)


class Client:
    def __init__(self, index: int, kind: str, server_url: str, results: Results, rng):
        self.index, self.kind, self.url = index, kind, server_url
        self.results, self.rng = results, rng
        self.http: httpx.AsyncClient | None = None
        self.versions: dict[int, int] = {}  # case id -> the version this client last saw
        self.grid_id: int | None = None
        self.feed_task: asyncio.Task | None = None
        self.connected = asyncio.Event()

    async def start(self, username: str) -> None:
        self.username = username
        self.http = httpx.AsyncClient(base_url=self.url + API, timeout=60)
        answer = await self.http.post(
            "/login", json={"username": username, "password": DEMO_PASSWORD}
        )
        answer.raise_for_status()
        self.token = answer.json()["token"]
        self.actor = decode(Actor, answer.json()["actor"])
        self.may_step = self.actor.role in STEPPING_ROLES
        self.http.headers["Authorization"] = f"Bearer {self.token}"
        data = (await self.call("load_console")).json()["body"]
        for row in data["rows"]:
            if row["state"] not in ("closed", "voided"):
                self.versions[row["id"]] = row["version"]
        grids = []

        def walk(node):
            grids.extend(g["id"] for g in node.get("grids", ()))
            for child in node.get("children", ()):
                walk(child)

        walk(data["tree"])
        self.grid_id = grids[0] if grids else None
        self.feed_task = asyncio.create_task(self.follow(data["mark"]))
        await asyncio.wait_for(self.connected.wait(), 30)

    async def call(self, name: str, write: bool = False, **args) -> httpx.Response:
        headers = {"X-Request-Id": uuid.uuid4().hex} if write else None
        return await self.http.post(f"/call/{name}", json={"args": args}, headers=headers)

    async def follow(self, mark) -> None:
        """The pushed feed; a dropped connection is counted and resumed from the last mark,
        as the console does."""
        from websockets.exceptions import ConnectionClosed

        url = self.url.replace("http", "ws", 1) + API + "/feed"
        headers = {"Authorization": f"Bearer {self.token}"}
        while True:
            try:
                async with connect(url, additional_headers=headers, max_size=2**26) as socket:
                    await socket.send(json.dumps({"mark": {"body": mark}}))
                    self.connected.set()
                    async for message in socket:
                        at = time.perf_counter()
                        body = json.loads(message)["body"]
                        mark = body["mark"]
                        for row in body.get("rows", ()):
                            self.versions[row["id"]] = row["version"]
                            self.results.arrived(self.index, row["id"], row["version"], at)
            except (ConnectionClosed, OSError):
                pass
            self.results.drops += 1
            await asyncio.sleep(0.5)

    async def timed(self, kind: str, name: str, write: bool = False, **args):
        started = time.perf_counter()
        try:
            answer = await self.call(name, write, **args)
        except httpx.HTTPError:
            self.results.error(kind)
            return None, started
        self.results.op(kind, time.perf_counter() - started)
        if answer.status_code == 409:
            self.results.conflicts += 1
            return None, started
        if answer.status_code != 200:
            self.results.error(f"{kind} {answer.status_code}")
            return None, started
        return answer.json(), started

    async def one_operation(self) -> None:
        case_ids = list(self.versions)
        draw = self.rng.random()
        if self.kind == "console":
            if not case_ids:
                await self.timed("console read", "tours")
                return
            case_id = self.rng.choice(case_ids)
            if draw < 0.7 or (draw >= 0.8 and not self.may_step):
                await self.timed("console read", "case_detail", case_id=case_id)
            elif draw < 0.8:
                await self.timed("console history", "case_history", case_id=case_id)
            else:
                answer, sent = await self.timed(
                    "console step",
                    "take_step",
                    True,
                    case_id=case_id,
                    action="urge",
                    expected_version=self.versions[case_id],
                    comment="请尽快处置",
                )
                if answer is not None:
                    self.note_write(answer, sent)
            return
        if draw < 0.3 and self.grid_id is not None:
            case = NewCase(
                CaseSource.GRID_PATROL,
                self.rng.choice(list(CaseCategory)),
                f"巡查上报 {uuid.uuid4().hex[:6]}",
                description="压测：网格员巡查发现",
                grid_id=self.grid_id,
            )
            answer, sent = await self.timed(
                "device report",
                "report_case",
                True,
                case=encode(case)["body"],
                allow_duplicate=True,
            )
            if answer is not None:
                self.note_write(answer, sent)
        elif case_ids:
            await self.timed("device read", "case_detail", case_id=self.rng.choice(case_ids))

    def note_write(self, answer: dict, sent: float) -> None:
        if not self.results.measuring:
            return
        value = answer["body"]["value"]
        write = Pending(value["case_id"], value["version"], time.perf_counter(), sent)
        self.results.pending.setdefault(write.case_id, []).append(write)
        self.results.done.append(write)

    async def run(self, period_s: float, until: float) -> None:
        pause = self.rng.uniform(0, period_s)
        while time.perf_counter() + pause < until:
            await asyncio.sleep(pause)
            await self.one_operation()
            pause = self.rng.expovariate(1 / period_s)
        await asyncio.sleep(max(0.0, until - time.perf_counter()))

    async def saturate(self, until: float) -> int:
        count = 0
        while time.perf_counter() < until:
            await self.one_operation()
            count += 1
        return count

    async def close(self) -> None:
        if self.feed_task is not None:
            self.feed_task.cancel()
        if self.http is not None:
            await self.http.aclose()


class Phone:
    """A field worker's phone on a round (the field app): no feed; its position every
    ``--position-period`` seconds and, now and then, a report in its grid with a photo's worth
    of bytes left out (reports are the devices' load)."""

    def __init__(self, index: int, server_url: str, results: Results, rng):
        self.index, self.url, self.results, self.rng = index, server_url, results, rng
        self.http: httpx.AsyncClient | None = None

    async def start(self, username: str) -> None:
        self.http = httpx.AsyncClient(base_url=self.url + API, timeout=60)
        answer = await self.http.post(
            "/login", json={"username": username, "password": DEMO_PASSWORD}
        )
        answer.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        await self.http.post(
            "/call/start_patrol", json={"args": {}}, headers={"X-Request-Id": uuid.uuid4().hex}
        )
        self.lon = 119.905 + self.rng.random() * 0.02
        self.lat = 32.485 + self.rng.random() * 0.015

    async def run(self, period_s: float, until: float) -> None:
        pause = self.rng.uniform(0, period_s)
        while time.perf_counter() + pause < until:
            await asyncio.sleep(pause)
            self.lon += self.rng.uniform(-1e-4, 1e-4)
            self.lat += self.rng.uniform(-1e-4, 1e-4)
            point = {"lon": self.lon, "lat": self.lat, "accuracy_m": 8.0, "age_s": 0.0}
            started = time.perf_counter()
            try:
                answer = await self.http.post(
                    "/call/send_positions",
                    json={"args": {"points": [point]}},
                    headers={"X-Request-Id": uuid.uuid4().hex},
                )
            except httpx.HTTPError:
                self.results.error("phone position")
            else:
                if answer.status_code == 200:
                    self.results.op("phone position", time.perf_counter() - started)
                else:
                    self.results.error(f"phone position {answer.status_code}")
            pause = period_s
        await asyncio.sleep(max(0.0, until - time.perf_counter()))

    async def close(self) -> None:
        if self.http is not None:
            await self.http.aclose()


# --- the run ------------------------------------------------------------------------------------


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50_ms": ms(percentile(values, 0.5)),
        "p95_ms": ms(percentile(values, 0.95)),
        "worst_ms": ms(max(values) if values else None),
    }


async def measure_floor(url: str, rounds: int = 200) -> float:
    async with httpx.AsyncClient(base_url=url) as http:
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            await http.get(API + "/health")
            times.append(time.perf_counter() - started)
    return statistics.median(times)


async def run_load(args, server, results: Results, accounts, case_scopes) -> dict:
    rng = random.Random(2026)
    consoles, devices = accounts
    clients = [
        Client(i, "console" if i < args.consoles else "device", server.url, results, rng)
        for i in range(args.consoles + args.devices)
    ]
    started = time.perf_counter()
    for offset in range(0, len(clients), 25):  # a shift logging in
        batch = clients[offset : offset + 25]
        await asyncio.gather(
            *(
                c.start(
                    consoles[c.index % len(consoles)]
                    if c.kind == "console"
                    else devices[c.index % len(devices)]
                )
                for c in batch
            )
        )
    print(
        f"{len(clients)} clients logged in and following in {time.perf_counter() - started:.1f} s"
    )
    phones = [Phone(i, server.url, results, rng) for i in range(args.phones)]
    started = time.perf_counter()
    for offset in range(0, len(phones), 25):
        await asyncio.gather(
            *(p.start(devices[p.index % len(devices)]) for p in phones[offset : offset + 25])
        )
    print(f"{len(phones)} phones on a round in {time.perf_counter() - started:.1f} s")
    floor = await measure_floor(server.url)

    def period(client) -> float:
        return args.console_period if client.kind == "console" else args.device_period

    # Warm-up, then the measured steady load with the server's memory sampled.
    warm_until = time.perf_counter() + args.warmup
    await asyncio.gather(
        *(c.run(period(c), warm_until) for c in clients),
        *(p.run(args.position_period, warm_until) for p in phones),
    )
    results.measuring = True
    memory: list[tuple[float, int]] = []

    async def sample_memory(until: float) -> None:
        while time.perf_counter() < until:
            memory.append((time.perf_counter(), process_tree_rss(server.process.pid)))
            await asyncio.sleep(MEMORY_EVERY_S)
        memory.append((time.perf_counter(), process_tree_rss(server.process.pid)))

    began = time.perf_counter()
    until = began + args.seconds
    await asyncio.gather(
        sample_memory(until),
        *(c.run(period(c), until) for c in clients),
        *(p.run(args.position_period, until) for p in phones),
    )
    elapsed = time.perf_counter() - began
    results.measuring = False
    await asyncio.sleep(PUSH_GIVE_UP_S if args.seconds >= 60 else 1.0)  # late pushes
    load_average = os.getloadavg()

    # Who had to get each write: may_see of each client's actor on the case as it stands.
    results.match_arrivals()
    scopes = case_scopes({write.case_id for write in results.done})
    ops = sum(len(v) for v in results.latencies.values())
    push_answer, push_sent, missing = [], [], 0
    for write in results.done:
        expected = [c.index for c in clients if may_see(c.actor, scopes[write.case_id])]
        late = [write.arrived[c] for c in expected if c in write.arrived]
        missing += len(expected) - len(late)
        if late:
            push_answer.append(max(0.0, max(late) - write.answered))
            push_sent.append(max(late) - write.sent)
    half = [rss for at, rss in memory if at >= began + elapsed / 2]
    steady = {
        "seconds": round(elapsed, 1),
        "ops_per_s": round(ops / elapsed, 1),
        "ops": {kind: summary(v) for kind, v in sorted(results.latencies.items())},
        "all_ops": summary([x for v in results.latencies.values() for x in v]),
        "errors": dict(results.errors),
        "conflicts": results.conflicts,
        "writes": len(results.done),
        "push_from_answer": summary(push_answer),
        "push_from_request": summary(push_sent),
        "pushes_missing": missing,
        "feed_drops": results.drops,
        "memory_mb": {
            "start": round(memory[0][1] / 2**20, 1),
            "end": round(memory[-1][1] / 2**20, 1),
            "max": round(max(r for _, r in memory) / 2**20, 1),
            "second_half_growth": round((half[-1] - half[0]) / 2**20, 1) if half else 0.0,
            "samples": len(memory),
        },
        "load_average": [round(x, 2) for x in load_average],
        "floor_health_ms": ms(floor),
    }

    # Saturation: every console as fast as the server answers.
    results.latencies, results.errors, results.conflicts = {}, {}, 0
    results.measuring = True
    sat_began = time.perf_counter()
    counts = await asyncio.gather(
        *(c.saturate(sat_began + args.saturate) for c in clients if c.kind == "console")
    )
    sat_elapsed = time.perf_counter() - sat_began
    results.measuring = False
    saturated = {
        "seconds": round(sat_elapsed, 1),
        "ops_per_s": round(sum(counts) / sat_elapsed, 1),
        "all_ops": summary([x for v in results.latencies.values() for x in v]),
        "errors": dict(results.errors),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    for client in [*clients, *phones]:
        await client.close()
    return {"steady": steady, "saturated": saturated}


def demo_accounts(database) -> tuple[list[str], list[str]]:
    """The consoles' and the devices' accounts, every one given the demo password (one
    argon2 hash, copied: hashing 150 passwords would take longer than the quick run)."""
    from sqlalchemy import select, update

    from commandcenter.access.accounts import hash_password
    from commandcenter.storage.models import User

    with database.writer() as session, session.begin():
        session.execute(
            update(User).values(
                password_hash=hash_password(DEMO_PASSWORD), must_change_password=False
            )
        )
        users = session.execute(select(User.username, User.role).order_by(User.id)).all()
    consoles = [u for u, role in users if role in CONSOLE_ROLES]
    devices = [u for u, role in users if role is Role.GRID_MANAGER]
    consoles.sort(key=lambda name: CONSOLE_ROLES.index(dict(users)[name]))
    return consoles, devices


def case_scopes_reader(url: str):
    def read(case_ids) -> dict:
        from commandcenter.backend.feed import CaseScope
        from commandcenter.storage import open_database
        from commandcenter.storage.models import Case

        database = open_database(url, migrate=False)
        try:
            with database.session() as session:
                cases = session.query(Case).filter(Case.id.in_(list(case_ids))).all()
                return {
                    c.id: CaseScope(
                        c.id,
                        c.center_id,
                        c.holder_center_id,
                        c.holder_department_id,
                        c.holder_user_id,
                    )
                    for c in cases
                }
        finally:
            database.dispose()

    return read


def in_process_read(url: str, rounds: int = 100) -> float:
    """The peer: a case's detail through LocalBackend on the same database."""
    from commandcenter.access.accounts import demo_actor
    from commandcenter.backend import LocalBackend
    from commandcenter.storage import open_database

    database = open_database(url, migrate=False)
    try:
        with database.session() as session:
            actor = demo_actor(session, "duty")
        backend = LocalBackend(database, actor)
        ids = [row.id for row in backend.load_console().rows][:50]
        times = []
        for i in range(rounds):
            started = time.perf_counter()
            backend.case_detail(ids[i % len(ids)])
            times.append(time.perf_counter() - started)
        return statistics.median(times)
    finally:
        database.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="4 consoles, 12 devices, 8 phones, < 30 s"
    )
    parser.add_argument("--consoles", type=int, default=50)
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--phones", type=int, default=500, help="phones on a round")
    parser.add_argument("--position-period", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=300.0, help="the measured steady run")
    parser.add_argument("--warmup", type=float, default=15.0)
    parser.add_argument("--saturate", type=float, default=20.0)
    parser.add_argument("--console-period", type=float, default=3.0)
    parser.add_argument("--device-period", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2, help="the server's uvicorn workers")
    args = parser.parse_args(argv)
    if args.quick:
        args.consoles, args.devices, args.phones = 4, 8, 6
        args.seconds, args.warmup, args.saturate = 3.0, 0.5, 1.0
        args.console_period, args.device_period, args.position_period = 0.5, 2.0, 1.0

    from pg_server import PostgresServer
    from server_process import CenterServer

    from commandcenter.clock import today
    from commandcenter.demo.generator import generate_demo
    from commandcenter.storage import open_database

    began = time.perf_counter()
    pg = PostgresServer().start()
    print(f"PostgreSQL started in {time.perf_counter() - began:.1f} s")
    try:
        name = pg.create_database("bench_server")
        url = pg.url_for(name)
        database = open_database(url)
        clips = Path(tempfile.gettempdir()) / "commandcenter-bench-clips"  # kept between runs
        generate_demo(database, seed=2026, today=today(), clips_dir=clips)
        accounts = demo_accounts(database)
        database.dispose()
        print(f"demo district on PostgreSQL in {time.perf_counter() - began:.1f} s")
        local_read = in_process_read(url, 30 if args.quick else 100)
        server = CenterServer(url, "--workers", str(args.workers), "--login-rate", "1000").start()
        try:
            results = Results()
            figures = asyncio.run(
                run_load(args, server, results, accounts, case_scopes_reader(url))
            )
        finally:
            server.stop()
    finally:
        pg.stop()

    steady, saturated = figures["steady"], figures["saturated"]
    read_p50 = steady["ops"].get("console read", {}).get("p50_ms")
    result = {
        "bench": "server",
        "date": dt.date.today().isoformat(),
        "quick": args.quick,
        "consoles": args.consoles,
        "devices": args.devices,
        "phones": args.phones,
        "position_period_s": args.position_period,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        **{f"steady_{k}": v for k, v in steady.items()},
        **{f"saturated_{k}": v for k, v in saturated.items()},
        "in_process_read_p50_ms": ms(local_read),
        "read_vs_in_process": round(read_p50 / (local_read * 1000), 2) if read_p50 else None,
        "read_vs_health": round(read_p50 / steady["floor_health_ms"], 2) if read_p50 else None,
        "goal_push_p95_ms": 1000,
        "goal_push_p50_ms": 100,
        "total_s": round(time.perf_counter() - began, 1),
    }
    print()
    print(
        f"steady load: {steady['ops_per_s']} ops/s over {steady['seconds']} s "
        f"(load average {steady['load_average']})"
    )
    for kind, figures_of in steady["ops"].items():
        print(
            f"  {kind:<16} n={figures_of['n']:<6} p50 {figures_of['p50_ms']} ms  "
            f"p95 {figures_of['p95_ms']} ms  worst {figures_of['worst_ms']} ms"
        )
    push = steady["push_from_answer"]
    print(
        f"  commit→push to every client: p50 {push['p50_ms']} ms  p95 {push['p95_ms']} ms  "
        f"worst {push['worst_ms']} ms  (goal p50 ≤ 100, p95 ≤ 1000); missing "
        f"{steady['pushes_missing']}"
    )
    memory = steady["memory_mb"]
    print(
        f"  server memory: {memory['start']} → {memory['end']} MB (max {memory['max']}, "
        f"second half {memory['second_half_growth']:+} MB)"
    )
    print(
        f"  errors {steady['errors']}  conflicts {steady['conflicts']}  "
        f"feed connections dropped {steady['feed_drops']}"
    )
    print(
        f"saturated (consoles only, closed loop): {saturated['ops_per_s']} ops/s, "
        f"p50 {saturated['all_ops']['p50_ms']} ms, p95 {saturated['all_ops']['p95_ms']} ms"
    )
    print(
        f"a case's detail: server p50 {read_p50} ms vs in-process {ms(local_read)} ms "
        f"(×{result['read_vs_in_process']}) vs an empty request {steady['floor_health_ms']} ms"
    )
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
