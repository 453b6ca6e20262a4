"""The plumbing the benchmark scripts in this folder share.

Each script (`calculate.py`, `lifecycle.py`, `ledger.py`, `stats.py`, `certificates.py`)
measures something different, but they all need the same scaffolding around it: a throwaway
PostgreSQL database that is removed again even when the run fails, Django set up on it in this
process, and the registry served by gunicorn with production settings on a free loopback port,
waited on until healthy and stopped at the end, with its log kept aside for when something goes
wrong. That scaffolding lives here so that a fix to it (a leaked database, a server left running)
is made once. So does the offshore wind farm that `lifecycle.py` and `ledger.py` walk through the
services to issuance, and the timed runs from N threads, N processes or pgbench that
`certificates.py` measures with.

The scripts import it as `from harness import ...`: run as `.venv/bin/python bench/<script>.py`,
a script's own folder is the first entry of `sys.path`.
"""

import base64
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql

# The repository root: Django's settings and gunicorn's `config.wsgi` are imported from there.
BASE_DIR = Path(__file__).resolve().parent.parent
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
# The transparency log's signing key for this run (Ed25519, 32 random bytes, base64): the same
# in this process and in the servers it starts.
RUN_SIGNING_KEY = base64.b64encode(secrets.token_bytes(32)).decode()

# The offshore wind farm the lifecycle and ledger benchmarks register, as in
# tests/registry/conftest.py: 1,000,000 MWh supplied and 5,000 MWh taken from the grid, and a
# year of monthly readings claiming 687,370.875 tCO2e, of which 687,000.5 are verified.
DESIGN_PARAMETERS = {
    "EG_export": ["1000000"],
    "EG_import": ["5000"],
    "EF_grid_OM": "0.7921",
    "EF_grid_BM": "0.3870",
}
EXPORT = ["98000", "91500", "88250.5", "80000", "72000", "70400"]
EXPORT += ["69849.5", "71000", "78000", "86000", "94000", "101000"]
IMPORT = ["400"] * 10 + ["500", "500"]
MONITORED = {"EG_export": EXPORT, "EG_import": IMPORT}
PERIOD_START, PERIOD_END = date(2024, 7, 1), date(2025, 6, 30)
VERIFIED = "687000.5"


@dataclass
class Server:
    """A gunicorn process and the file its log goes to."""

    process: subprocess.Popen
    log: IO[bytes]

    def log_tail(self, characters: int = 3000) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-characters:]


@contextmanager
def throwaway_database(name: str, *, server: str) -> Iterator[str]:
    """The URL of a new, empty database called `name` on `server`, removed again on the way
    out."""

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            # FORCE: a gunicorn worker or pgbench client killed mid-request may leave a session
            # behind, and a plain DROP would then fail and leave the database.
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def production_environment(database_url: str) -> dict[str, str]:
    """The variables that make the production settings load, on `database_url`, served on
    plain HTTP at 127.0.0.1 (no TLS in front of a benchmark server, so no SSL redirect)."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        # Production starts only with a task broker and a shared cache: the machine's Redis.
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "TRANSPARENCY_SIGNING_KEY": RUN_SIGNING_KEY,
        # The farm's report (PERIOD_START to PERIOD_END) runs across the start of the GEC-CCER
        # link's window (2024-10-01), which refuses such a report: the benchmarks time the
        # lifecycle and the ledger, not the link, so here its window starts after the period.
        "GEC_CCER_LINK_FROM": "2025-07-01",
        "GEC_CCER_LINK_UNTIL": "2027-06-30",
    }


@contextmanager
def django_on(environment: Mapping[str, str]) -> Iterator[None]:
    """Django set up in this process with `environment` added to `os.environ`; every database
    connection closed on the way out."""
    os.environ.update(environment)
    # The apps and settings are imported from the repository root, not from bench/.
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    try:
        yield
    finally:
        from django.db import connections

        # The database is dropped next: this process must hold no connection to it.
        connections.close_all()


def engine_name() -> str:
    """The database Django is connected to and its version, such as "PostgreSQL 15.20"."""
    from django.db import connection

    version = connection.pg_version  # as the server reports it: 150020 is 15.20
    return f"PostgreSQL {version // 10000}.{version % 10000}"


@contextmanager
def gunicorn(
    port: int, database_url: str, workers: int, extra: Mapping[str, str] | None = None
) -> Iterator[Server]:
    """The registry served by gunicorn with production settings on 127.0.0.1:`port`, with
    `extra` added to its environment."""
    environment = {**os.environ, **production_environment(database_url), **(extra or {})}
    # The venv's gunicorn when run with the venv's Python, whatever PATH says.
    executable = Path(sys.executable).parent / "gunicorn"
    command = [
        str(executable if executable.exists() else "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    # The log goes to a file, shown only when something fails, so it never cuts into the table.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            yield Server(process, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_healthy(port: int, server: Server, timeout: float = 30) -> str | None:
    """None once /healthz answers 200; otherwise what went wrong."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # A server that died (bad settings, port taken) will never answer: say so at once.
        if server.process.poll() is not None:
            return f"gunicorn exited with {server.process.returncode}"
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            status = connection.getresponse().status
            connection.close()
            if status == 200:
                return None
        except OSError:
            pass  # not listening yet
        time.sleep(0.2)
    return f"gunicorn did not answer /healthz within {timeout:.0f} s"


def http_request(
    port: int, method: str, path: str, body: bytes | None, headers: Mapping[str, str]
) -> tuple[int, bytes]:
    """One request to 127.0.0.1:`port` on its own connection (gunicorn's sync workers close it
    after answering anyway); the status and the body of the answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=dict(headers))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def multipart(fields: Mapping[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with `fields` and one file (part `file`); (body, its
    Content-Type header)."""
    boundary = f"bench-{secrets.token_hex(12)}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    head = "".join(parts) + (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    )
    body = head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def free_port() -> int:
    """A loopback port nothing listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` fall (the nearest rank, no interpolation)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report_awaiting_issuance(
    *,
    company,
    validator,
    verifier,
    operator,
    methodology,
    title: str,
    monitored: Mapping[str, list[str]] = MONITORED,
    verified: str = VERIFIED,
):
    """A new offshore wind project of `company`'s, validated by `validator` and registered by
    `operator`, with one monitoring report verified by `verifier` and awaiting issuance: walked
    through the real services with no publicity wait, as the tests' `Lifecycle` does."""
    from django.test import override_settings

    from registry.projects.services import projects, reports
    from web.demo_documents import attach_pdf

    with override_settings(PROJECT_PUBLICITY_WORKING_DAYS=0, CLAIM_PUBLICITY_WORKING_DAYS=0):
        project = projects.create_project(
            actor=company,
            title=title,
            methodology=methodology,
            sector="energy_industries",
            province="Shanghai",
            location="East China Sea, 35 km offshore",
            construction_start=date(2023, 3, 1),
            crediting_period_start=date(2024, 1, 1),
            crediting_period_end=date(2033, 12, 31),
            parameters=DESIGN_PARAMETERS,
            verifier=validator.organization,
            # Each farm its own plant: a plant earns credits under one project at a time.
            generator_code=f"BENCH-WIND-{secrets.token_hex(6)}",
        )
        attach_pdf(actor=company, kind="design_document", project=project)
        project = projects.submit_project(actor=company, project=project)
        attach_pdf(actor=validator, kind="validation_report", project=project)
        project = projects.validate_project(
            actor=validator, project=project, opinion="positive", report="Conforms."
        )
        project = projects.register_project(actor=operator, project=project)
        report = reports.create_report(
            actor=company,
            project=project,
            period_start=PERIOD_START,
            period_end=PERIOD_END,
            parameters=monitored,
            verifier=verifier.organization,
        )
        attach_pdf(actor=company, kind="monitoring_report", report=report)
        report = reports.submit_report(actor=company, report=report)
        attach_pdf(actor=verifier, kind="verification_report", report=report)
        return reports.verify_report(
            actor=verifier, report=report, opinion="positive", verified_reductions=Decimal(verified)
        )


# --- Timed runs from several clients, and pgbench -----------------------------------------------
# `certificates.py` measures with these; `ledger.py` keeps its own copies of the same shapes.


class Failure(Exception):
    """An operation failed during a measurement, or what it left is not what it should have."""


@dataclass(frozen=True)
class Rate:
    """`count` operations completed by `clients` clients in `seconds`."""

    count: int
    clients: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


def run_for(seconds: float, workers: list, ready, stop) -> float:
    """Start `workers` (threads or processes), release them together through the `ready`
    barrier, stop them after `seconds` and wait for them; the seconds from the release to the
    last one's end. Also on Ctrl-C, no worker is left waiting or running."""
    for worker in workers:
        worker.start()
    started = time.perf_counter()
    try:
        with suppress(threading.BrokenBarrierError):
            ready.wait()
        started = time.perf_counter()
        stop.wait(seconds)
    finally:
        stop.set()
        ready.abort()
        for worker in workers:
            worker.join()
    return time.perf_counter() - started


def in_threads(
    clients: int,
    seconds: float,
    prepare: Callable[[int], Callable[[], None]],
    cleanup: Callable[[int], None],
) -> tuple[Rate, list[str]]:
    """Run `clients` threads for `seconds`: thread i calls `prepare(i)` (untimed), then the
    operation it returns until time is up, and `cleanup(i)` at the end. An operation that
    raises stops the run; its message is in the list returned."""
    ready = threading.Barrier(clients + 1)
    stop = threading.Event()
    lock = threading.Lock()
    done = [0] * clients
    problems: list[str] = []

    def worker(index: int) -> None:
        try:
            operation = prepare(index)
            ready.wait()
            while not stop.is_set():
                operation()
                done[index] += 1
        except threading.BrokenBarrierError:
            pass
        except Exception as error:  # reported by the caller
            ready.abort()
            stop.set()
            with lock:
                problems.append(f"client {index}: {error}")
        finally:
            cleanup(index)

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(clients)]
    seconds_run = run_for(seconds, threads, ready, stop)
    return Rate(sum(done), clients, seconds_run), problems


class SharedFlag:
    """A stop flag for forked processes, read without a lock: a `multiprocessing.Event` takes a
    lock shared by every process on each read, and a process descheduled while holding it (more
    processes than cores) makes all the others wait on it, which is not the code measured."""

    def __init__(self, context) -> None:
        self._flag = context.RawValue("b", 0)

    def is_set(self) -> bool:
        return bool(self._flag.value)

    def set(self) -> None:
        self._flag.value = 1

    def wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.is_set() and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.05))


def in_processes(
    clients: int, seconds: float, prepare: Callable[[int], Callable[[], None]]
) -> tuple[Rate, list[str]]:
    """As `in_threads`, from `clients` processes forked from this one: the way a deployment
    runs Django (gunicorn and Celery workers are processes), without one interpreter lock
    shared by all clients. Each child opens its own database connections and closes them at
    the end; this process's are closed before the fork, as a child must not share them."""
    import multiprocessing

    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(clients + 1)
    stop = SharedFlag(context)
    # Each process counts in its own slot, read once all have ended: no lock between them.
    done = context.RawArray("q", clients)
    problems = context.Queue()

    def worker(index: int) -> None:
        try:
            operation = prepare(index)
            ready.wait()
            while not stop.is_set():
                operation()
                done[index] += 1
        except threading.BrokenBarrierError:
            pass
        except Exception as error:  # reported by the parent
            problems.put(f"client {index}: {error}")
            stop.set()
            ready.abort()
        finally:
            connections.close_all()

    processes = [context.Process(target=worker, args=(index,)) for index in range(clients)]
    seconds_run = run_for(seconds, processes, ready, stop)
    found = []
    while not problems.empty():
        found.append(problems.get())
    return Rate(sum(done), clients, seconds_run), found


def client_case(values: list[int]) -> str:
    """A pgbench expression: the value of the client's own entry (`:client_id` counts from 0)."""
    cases = " ".join(
        f"WHEN :client_id % {len(values)} = {index} THEN {value}"
        for index, value in enumerate(values)
    )
    return f"CASE {cases} END"


def pgbench_rate(
    executable: str,
    server: str,
    database: str,
    script: str,
    clients: int,
    seconds: int,
    defines: Mapping[str, str],
) -> Rate:
    """`pgbench -n -M prepared -c clients -j min(clients, 2) -T seconds` running the file
    `script` on `database` of `server`, with `defines` as -D variables: the transactions it
    processed and its rate without the initial connection time. Any failed transaction, or an
    aborted client, is a `Failure` with pgbench's output."""
    url = urlsplit(server)
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = unquote(url.password)
    command = [
        executable,
        "--host",
        url.hostname or "127.0.0.1",
        "--port",
        str(url.port or 5432),
        "--username",
        unquote(url.username or "postgres"),
        "--no-vacuum",
        "--protocol=prepared",
        f"--client={clients}",
        f"--jobs={min(clients, 2)}",
        f"--time={seconds}",
        *[part for name, value in defines.items() for part in ("--define", f"{name}={value}")],
        f"--file={script}",
        database,
    ]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=environment,
        timeout=seconds + 120,
        check=False,
    )
    output = result.stdout
    processed = re.search(r"number of transactions actually processed: (\d+)", output)
    failed = re.search(r"number of failed transactions: (\d+)", output)
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", output)
    if result.returncode != 0 or not (processed and tps) or (failed and int(failed[1])):
        raise Failure(
            f"pgbench at concurrency {clients} exited with {result.returncode}:\n"
            f"{output[-1500:]}\n{result.stderr[-1500:]}"
        )
    count, per_second = int(processed[1]), float(tps[1])
    return Rate(count, clients, count / per_second if per_second else 0.0)
