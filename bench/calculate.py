"""How many offshore-wind calculations per second: in-process, and through the HTTP API.

Run by hand from the repository root:

    .venv/bin/python bench/calculate.py [--iterations N] [--requests N] [--threads N]

It makes a throwaway database (PostgreSQL on 127.0.0.1:5432 as user postgres), migrates it
and loads the methodology library with the real command. Then it times CCER-01-002-V01
with twelve monthly meter readings:

- in this process, through `services.calculate_methodology` (the model is read from the
  database on every call, as a request does), and through the engine alone on a model read
  once, which shows what the database reads cost;
- through `POST /api/v1/methodologies/{id}/calculate/`, served by gunicorn with production
  settings and 2 workers on a free loopback port, from a few client threads sending a bounded
  number of requests.

Every result is checked against the hand-computed 687370.875 tCO2e, and everything the script
made (server, database, token) is removed at the end, also when it fails.
"""

import argparse
import http.client
import json
import os
import secrets
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO

from harness import (
    POSTGRES_SERVER,
    Server,
    django_on,
    engine_name,
    free_port,
    gunicorn,
    http_request,
    percentile,
    throwaway_database,
    wait_until_healthy,
)

# A year of monthly readings: 1,000,000 MWh supplied and 5,000 MWh taken from the grid.
EXPORT = ["98000", "91500", "88250.5", "80000", "72000", "70400"]
EXPORT += ["69849.5", "71000", "78000", "86000", "94000", "101000"]
IMPORT = ["400"] * 10 + ["500", "500"]
PARAMETERS = {
    "EG_export": EXPORT,
    "EG_import": IMPORT,
    "EF_grid_OM": "0.7921",
    "EF_grid_BM": "0.3870",
    "w_OM": "0.75",
    "w_BM": "0.25",
}
EXPECTED_RESULT = "687370.875"  # (1,000,000 - 5,000) MWh x 0.690825 tCO2/MWh


@dataclass(frozen=True)
class Timing:
    """`calls` calculations from `threads` threads in `seconds`, with each call's latency."""

    how: str
    calls: int
    threads: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.calls / self.seconds

    def percentile(self, share: float) -> float:
        """The latency below which `share` of the calls fell, in milliseconds."""
        return percentile(self.latencies, share) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=POSTGRES_SERVER, help="PostgreSQL server URL")
    parser.add_argument("--iterations", type=int, default=1000, help="in-process calculations")
    parser.add_argument("--requests", type=int, default=1000, help="HTTP requests in all")
    parser.add_argument("--threads", type=int, default=4, help="HTTP client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    options = parser.parse_args()

    name = f"registry_bench_{os.getpid()}"
    with throwaway_database(name, server=options.server) as database_url:
        # The test settings only default DATABASE_URL, so this one wins.
        environment = {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url,
        }
        with django_on(environment):
            return run(options, database_url)


def run(options: argparse.Namespace, database_url: str) -> int:
    from django.core.management import call_command
    from django.db import connection

    from methodologies.models import Methodology

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_library", stdout=StringIO())
    setup_seconds = time.perf_counter() - started
    methodology = Methodology.objects.get(code="CCER-01-002", status="published")
    key = api_token()
    print(
        f"{methodology.identifier}, {len(EXPORT)} monthly readings; {engine_name()}; "
        f"migrated and loaded in {setup_seconds:.1f} s",
        flush=True,
    )

    timings = [
        in_process(methodology, options.iterations),
        engine_only(methodology, options.iterations),
    ]
    # gunicorn's workers open their own connections; ours is not needed while they run.
    connection.close()
    http_timing, problem = over_http(options, database_url, methodology.pk, key)
    if http_timing is not None:
        timings.append(http_timing)
    print_table(timings)
    if problem:
        print(f"\nHTTP API: {problem}", file=sys.stderr)
        return 1
    return 0


def api_token() -> str:
    """A token for a user of a proponent organisation: any authenticated user may calculate."""
    from accounts import services
    from core.provinces import Province

    organization = services.create_organization(
        actor=None, name="Benchmark organisation", kind="proponent", province=Province.BEIJING
    )
    user = services.create_user(
        actor=None,
        username="bench",
        password=secrets.token_urlsafe(24),
        organization=organization,
    )
    _, key = services.issue_token(user=user)
    return key


def in_process(methodology, iterations: int) -> Timing:
    from methodologies import services

    def calculate() -> str:
        result = services.calculate_methodology(methodology=methodology, parameters=PARAMETERS)
        return str(result.result.value)

    return timed("in-process, services", calculate, iterations)


def engine_only(methodology, iterations: int) -> Timing:
    from methodologies import calculation, engine
    from methodologies.reference import DatabaseReferences

    model = calculation.stored_model(methodology)
    references = DatabaseReferences()

    def calculate() -> str:
        return str(engine.calculate(model, PARAMETERS, references).result.value)

    return timed("in-process, engine only", calculate, iterations)


def timed(how: str, calculate: Callable[[], str], iterations: int) -> Timing:
    """Time `iterations` calls after a few untimed ones (the unit registry is built once)."""
    for _ in range(5):
        check_result(calculate())
    latencies = []
    started = time.perf_counter()
    for _ in range(iterations):
        before = time.perf_counter()
        value = calculate()
        latencies.append(time.perf_counter() - before)
        check_result(value)
    return Timing(how, iterations, 1, time.perf_counter() - started, latencies)


def check_result(value: str) -> None:
    if value != EXPECTED_RESULT:
        raise SystemExit(f"Wrong result: {value}, expected {EXPECTED_RESULT}")


def over_http(
    options: argparse.Namespace, database_url: str, methodology_id: int, key: str
) -> tuple[Timing | None, str | None]:
    """Time the calculate endpoint under gunicorn; (timing, None) or (None or timing, problem)."""
    port = free_port()
    path = f"/api/v1/methodologies/{methodology_id}/calculate/"
    body = json.dumps({"parameters": PARAMETERS}).encode()
    headers = {
        "Authorization": f"Token {key}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    with gunicorn(port, database_url, options.workers) as server:
        timing, problem = exercise(server, port, path, body, headers, options)
        if problem:
            problem += f"\n--- gunicorn log ---\n{server.log_tail()}"
        return timing, problem


def exercise(
    server: Server,
    port: int,
    path: str,
    body: bytes,
    headers: dict[str, str],
    options: argparse.Namespace,
) -> tuple[Timing | None, str | None]:
    problem = wait_until_healthy(port, server)
    if problem:
        return None, problem
    # Untimed: each worker builds its unit registry and database connection on first use.
    for _ in range(4 * options.workers):
        status, answer = http_request(port, "POST", path, body, headers)
        if status != 200:
            return None, f"POST {path} answered {status}: {answer[:500]!r}"
        value = json.loads(answer)["result"]["value"]
        if value != EXPECTED_RESULT:
            return None, f"wrong result {value}, expected {EXPECTED_RESULT}"
    return load(port, path, body, headers, options.requests, options.threads)


def load(
    port: int, path: str, body: bytes, headers: dict[str, str], requests: int, threads: int
) -> tuple[Timing, str | None]:
    """`requests` POSTs shared among `threads` threads, each with its own connection."""
    remaining = iter(range(requests))
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    wrong: list[str] = []

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while True:
                with lock:
                    if next(remaining, None) is None:
                        return
                before = time.perf_counter()
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                answer = response.read()
                elapsed = time.perf_counter() - before
                ok = response.status == 200
                value = json.loads(answer)["result"]["value"] if ok else None
                with lock:
                    latencies.append(elapsed)
                    statuses[response.status] += 1
                    if ok and value != EXPECTED_RESULT:
                        wrong.append(value)
        finally:
            connection.close()

    workers = [threading.Thread(target=client) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    timing = Timing("HTTP API, gunicorn", len(latencies), threads, seconds, latencies)
    problem = None
    if set(statuses) != {200}:
        problem = f"statuses {dict(statuses)}"
    elif wrong:
        problem = f"{len(wrong)} wrong results, such as {wrong[0]}"
    return timing, problem


def print_table(timings: list[Timing]) -> None:
    print()
    print(f"{'how':<26} {'calls':>6} {'threads':>7} {'seconds':>8} {'calc/s':>8} ", end="")
    print(f"{'p50 ms':>7} {'p95 ms':>7}")
    for timing in timings:
        print(
            f"{timing.how:<26} {timing.calls:>6} {timing.threads:>7} {timing.seconds:>8.2f} "
            f"{timing.per_second:>8.1f} {timing.percentile(0.5):>7.2f} "
            f"{timing.percentile(0.95):>7.2f}"
        )


if __name__ == "__main__":
    sys.exit(main())
