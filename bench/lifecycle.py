"""How long a full CCER lifecycle takes through the API, and how many issuances per second the
service sustains.

Run by hand from the repository root:

    .venv/bin/python bench/lifecycle.py [--lifecycles N] [--reports N]
                                        [--concurrency N [N ...]] [--workers N]

It makes a throwaway database (PostgreSQL on 127.0.0.1:5432 as user postgres), migrates it
and loads the methodology library and the demo organisations and users with the real
commands (`load_library`, `load_demo`). This process runs with the production settings
too, so the demo passwords are hashed as the server expects. Then:

- through the HTTP API, served by gunicorn with production settings and 2 workers on a free
  loopback port, with PROJECT_PUBLICITY_WORKING_DAYS=0 and CLAIM_PUBLICITY_WORKING_DAYS=0 in
  the server's environment so publicity periods end at once, the demo users (tokens from
  `POST /api/v1/auth/token/`) run N lifecycles one after the other, each on a new offshore wind
  project: create project, attach its design document (a small PDF), submit, attach the
  validation report and validate (verifier), register (operator), create a monitoring report
  engaging verifier2, attach its document, submit, attach the verification report and verify
  (verifier2), issue (operator). Two
  untimed lifecycles per worker come first, so that each has built its unit registry;
- in this process, through `registry.ledger.services.issuance.issue_credits`: M reports per
  concurrency level are brought to issuance review through the real services (untimed), then
  only the issue calls are timed, from 1 and from 4 threads, each issuing its own reports;
- one issuance of 1,000,000,000.9 verified tCO2e (a report of 1.5e9 MWh supplied in one
  reading), which writes one block per vintage, not one row per credit.

Every issuance is checked: 687000.5 verified tCO2e give 687,000 credits, 346,323 of vintage
2024 and 340,677 of vintage 2025. Everything the script made (server, database) is removed at
the end, also when it fails. With the defaults it takes a minute or two on two cores.
"""

import argparse
import json
import os
import secrets
import sys
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

from harness import (
    DESIGN_PARAMETERS,
    MONITORED,
    PERIOD_END,
    PERIOD_START,
    POSTGRES_SERVER,
    VERIFIED,
    django_on,
    engine_name,
    free_port,
    gunicorn,
    http_request,
    multipart,
    percentile,
    production_environment,
    report_awaiting_issuance,
    throwaway_database,
    wait_until_healthy,
)

DEMO_PASSWORD = "carbon-demo-2026"  # load_demo's, published in the README

CLAIMED = "687370.875"  # (1,000,000 - 5,000) MWh x 0.690825 tCO2/MWh
# floor(687000.5) credits split by the days of the period in each year (184 and 181 of 365).
ISSUED = 687000
VINTAGES = [(2024, 346323), (2025, 340677)]
# A very large claim: (1.5e9 - 5,000) MWh x 0.690825 = 1,036,234,045.875 tCO2e.
LARGE_MONITORED = {"EG_export": ["1500000000"], "EG_import": ["5000"]}
LARGE_VERIFIED = "1000000000.9"
LARGE_ISSUED = 1_000_000_000
LARGE_VINTAGES = [(2024, 504109589), (2025, 495890411)]

STEPS = [
    "create project",
    "attach design document",
    "submit project",
    "attach validation report",
    "validate",
    "register",
    "create report",
    "attach monitoring report",
    "submit report",
    "attach verification report",
    "verify",
    "issue",
]
WARMUP_ISSUANCES = 2


class Failure(Exception):
    """A request or a result was not what the lifecycle expects."""


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


@dataclass
class LifecycleTimings:
    """Wall time of each lifecycle and of each of its requests, in seconds."""

    totals: list[float] = field(default_factory=list)
    steps: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    requests: int = 0


@dataclass(frozen=True)
class IssueTiming:
    """`calls` issuances from `threads` threads in `seconds`, with each call's latency."""

    calls: int
    threads: int
    seconds: float
    latencies: list[float]
    credits: int

    @property
    def per_second(self) -> float:
        return self.calls / self.seconds

    @property
    def credits_per_second(self) -> float:
        return self.credits / self.seconds


@dataclass(frozen=True)
class LargeIssuance:
    seconds: float
    quantity: int
    blocks: list[tuple[int, int]]  # (vintage, quantity) of each block


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=POSTGRES_SERVER, help="PostgreSQL server URL")
    parser.add_argument("--lifecycles", type=int, default=20, help="timed HTTP lifecycles")
    parser.add_argument(
        "--reports", type=int, default=200, help="reports issued at each concurrency level"
    )
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=[1, 4], help="issuing threads"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    options = parser.parse_args()
    if options.lifecycles < 1 or options.reports < 1 or min(options.concurrency) < 1:
        parser.error("--lifecycles, --reports and --concurrency must be at least 1")

    name = f"bench_lifecycle_{os.getpid()}_{secrets.token_hex(4)}"
    with (
        throwaway_database(name, server=options.server) as database_url,
        # Production settings here too: the demo users' passwords must be hashed with a hasher
        # the server knows (the test settings use MD5, which production does not accept).
        django_on(production_environment(database_url)),
    ):
        return run(options, database_url)


def run(options: argparse.Namespace, database_url: str) -> int:
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from methodologies.models import Methodology

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_library", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    setup_seconds = time.perf_counter() - started
    methodology = Methodology.objects.get(code="CCER-01-002", status="published")
    users = {u.username: u for u in User.objects.select_related("organization")}
    print(
        f"{methodology.identifier}, period {PERIOD_START} to {PERIOD_END}; {engine_name()}; "
        f"migrated and loaded library and demo in {setup_seconds:.1f} s",
        flush=True,
    )

    # gunicorn's workers open their own connections; ours is not needed while they run.
    connection.close()
    ids = {
        "methodology": methodology.pk,
        "verifier": users["verifier"].organization_id,
        "verifier2": users["verifier2"].organization_id,
    }
    lifecycles, problem = over_http(options, database_url, ids)
    if lifecycles.totals:
        print_lifecycles(lifecycles, options.workers)
    if problem:
        print(f"\nHTTP API: {problem}", file=sys.stderr)
        return 1

    started = time.perf_counter()
    issuances = issue_in_process(options, methodology)
    large = large_issuance(methodology)
    print_issuances(issuances, large, time.perf_counter() - started)
    return 0


# --- The lifecycle through the HTTP API ---------------------------------------------------------


def over_http(
    options: argparse.Namespace, database_url: str, ids: dict[str, int]
) -> tuple[LifecycleTimings, str | None]:
    """Time `options.lifecycles` lifecycles under gunicorn; (timings, problem or None)."""
    timings = LifecycleTimings()
    port = free_port()
    # No publicity wait on this server, so a lifecycle runs in one go.
    no_publicity = {"PROJECT_PUBLICITY_WORKING_DAYS": "0", "CLAIM_PUBLICITY_WORKING_DAYS": "0"}
    with gunicorn(port, database_url, options.workers, no_publicity) as server:
        try:
            problem = wait_until_healthy(port, server)
            if problem:
                return timings, problem
            tokens = {
                username: token(port, username)
                for username in ("proponent", "verifier", "verifier2", "operator")
            }
            # Untimed: each worker builds its unit registry and connection on first use, and
            # which worker takes a request is up to the OS.
            for number in range(2 * options.workers):
                lifecycle(port, tokens, ids, f"warm-up {number + 1}", LifecycleTimings())
            for number in range(options.lifecycles):
                lifecycle(port, tokens, ids, f"benchmark {number + 1}", timings)
        except (Failure, OSError) as error:
            return timings, f"{error}\n--- gunicorn log ---\n{server.log_tail()}"
    return timings, None


def lifecycle(
    port: int, tokens: dict[str, str], ids: dict[str, int], name: str, timings: LifecycleTimings
) -> None:
    """One project from design document to credits; adds its times to `timings`."""
    steps: list[float] = []

    def call(user: str, path: str, body: dict[str, Any] | None, expected: int = 200) -> dict:
        before = time.perf_counter()
        status, answer = request(port, "POST", path, body, tokens[user])
        steps.append(time.perf_counter() - before)
        if status != expected:
            raise Failure(f"{name}: POST {path} as {user} answered {status}: {answer[:500]!r}")
        return json.loads(answer)

    def attach(user: str, path: str, kind: str) -> None:
        """Attach a small real PDF of `kind` to the object at `path`, as `user`."""
        from web.demo_documents import minimal_pdf

        body, content_type = multipart({"kind": kind}, f"{kind}.pdf", minimal_pdf(name, kind))
        headers = {"Accept": "application/json", "Authorization": f"Token {tokens[user]}"}
        before = time.perf_counter()
        status, answer = http_request(
            port, "POST", f"{path}/documents/", body, {**headers, "Content-Type": content_type}
        )
        steps.append(time.perf_counter() - before)
        if status != 201:
            raise Failure(f"{name}: attaching {kind} as {user} answered {status}: {answer[:500]!r}")

    def expect(what: str, got: object, wanted: object) -> None:
        if got != wanted:
            raise Failure(f"{name}: {what} is {got!r}, expected {wanted!r}")

    started = time.perf_counter()
    project = call(
        "proponent",
        "/api/v1/projects/",
        {
            "title": f"Donghai Bridge offshore wind farm phase III ({name})",
            "methodology": ids["methodology"],
            "sector": "energy_industries",
            "province": "Shanghai",
            "location": "East China Sea, 35 km offshore",
            "construction_start": "2023-03-01",
            "crediting_period_start": "2024-01-01",
            "crediting_period_end": "2033-12-31",
            "parameters": DESIGN_PARAMETERS,
            "verifier": ids["verifier"],
            "generator_code": f"BENCH-WIND-{name.replace(' ', '-')}",
        },
        201,
    )
    expect("the estimate", project["estimated_annual_reductions"], CLAIMED)
    url = f"/api/v1/projects/{project['id']}"
    attach("proponent", url, "design_document")
    expect("the project", call("proponent", f"{url}/submit/", None)["status"], "publicity")
    attach("verifier", url, "validation_report")
    # Publicity is 0 working days on this server, so the verifier may validate at once.
    validated = call("verifier", f"{url}/validate/", {"opinion": "positive", "report": "Conforms."})
    expect("the project", validated["status"], "registration_review")
    expect("the project", call("operator", f"{url}/register/", {})["status"], "registered")
    report = call(
        "proponent",
        "/api/v1/monitoring-reports/",
        {
            "project": project["id"],
            "period_start": PERIOD_START.isoformat(),
            "period_end": PERIOD_END.isoformat(),
            "parameters": MONITORED,
            "verifier": ids["verifier2"],
        },
        201,
    )
    expect("the claim", report["claimed_reductions"], CLAIMED)
    report_url = f"/api/v1/monitoring-reports/{report['id']}"
    attach("proponent", report_url, "monitoring_report")
    expect("the report", call("proponent", f"{report_url}/submit/", None)["status"], "publicity")
    attach("verifier2", report_url, "verification_report")
    verified = call(
        "verifier2",
        f"{report_url}/verify/",
        {"opinion": "positive", "verified_reductions": VERIFIED},
    )
    expect("the report", verified["status"], "issuance_review")
    issued = call("operator", f"{report_url}/issue/", {}, 201)
    elapsed = time.perf_counter() - started
    expect("the issued quantity", issued["quantity"], ISSUED)
    expect("the vintages", [(v["vintage"], v["quantity"]) for v in issued["vintages"]], VINTAGES)

    timings.totals.append(elapsed)
    timings.requests = len(steps)
    for step, seconds in zip(STEPS, steps, strict=True):
        timings.steps[step].append(seconds)


def token(port: int, username: str) -> str:
    body = {"username": username, "password": DEMO_PASSWORD}
    status, answer = request(port, "POST", "/api/v1/auth/token/", body, None)
    if status != 200:
        raise Failure(f"no token for {username}: {status} {answer[:500]!r}")
    return json.loads(answer)["token"]


def request(
    port: int, method: str, path: str, body: dict[str, Any] | None, key: str | None
) -> tuple[int, bytes]:
    """One request with `body` as JSON, as the user whose token is `key` (None: anonymous)."""
    headers = {"Accept": "application/json"}
    if key is not None:
        headers["Authorization"] = f"Token {key}"
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    return http_request(port, method, path, payload, headers)


# --- Issuance through the service layer ---------------------------------------------------------


def prepare_reports(
    methodology, count: int, monitored: dict[str, list[str]] = MONITORED, verified=VERIFIED
) -> list:
    """`count` verified reports awaiting issuance, each of its own registered project."""
    from accounts.models import User
    from registry.projects.models import MonitoringReport

    users = {u.username: u for u in User.objects.select_related("organization")}
    prepared = []
    for _ in range(count):
        report = report_awaiting_issuance(
            company=users["proponent"],
            validator=users["verifier"],
            verifier=users["verifier2"],
            operator=users["operator"],
            methodology=methodology,
            title="Donghai Bridge offshore wind farm phase III (issuance benchmark)",
            monitored=monitored,
            verified=verified,
        )
        if report.status != MonitoringReport.Status.ISSUANCE_REVIEW:
            raise Failure(f"report {report.pk} is {report.status}, not in issuance review")
        prepared.append(report)
    return prepared


def issue_in_process(options: argparse.Namespace, methodology) -> list[IssueTiming]:
    """Issue `options.reports` prepared reports at each concurrency level; only the issue
    calls are timed."""
    from accounts.models import User
    from registry.ledger.services.issuance import issue_credits

    operator = User.objects.select_related("organization").get(username="operator")
    started = time.perf_counter()
    total = WARMUP_ISSUANCES + options.reports * len(options.concurrency)
    prepared = prepare_reports(methodology, total)
    print(
        f"prepared {total} reports in issuance review through the services "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    for report in prepared[:WARMUP_ISSUANCES]:
        check_issuance(issue_credits(actor=operator, report=report), ISSUED, VINTAGES)
    timings = []
    for level, threads in enumerate(options.concurrency):
        first = WARMUP_ISSUANCES + level * options.reports
        timings.append(issue_concurrently(prepared[first : first + options.reports], threads))
    return timings


def issue_concurrently(reports: list, threads: int) -> IssueTiming:
    """`reports` shared out among `threads` threads, each issuing its own share on its own
    database connection, which it closes at the end."""
    from django.db import connection

    from accounts.models import User
    from registry.ledger.services.issuance import issue_credits

    shares = [reports[index::threads] for index in range(threads)]
    ready = threading.Barrier(threads + 1)
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[Exception] = []
    issued: list = []

    def issuer(share: list) -> None:
        try:
            operator = User.objects.select_related("organization").get(username="operator")
            ready.wait()
            for report in share:
                before = time.perf_counter()
                issuance = issue_credits(actor=operator, report=report)
                elapsed = time.perf_counter() - before
                with lock:
                    latencies.append(elapsed)
                    issued.append(issuance)
        except threading.BrokenBarrierError:
            pass
        except Exception as error:  # reported by the main thread
            ready.abort()
            with lock:
                errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=issuer, args=(share,)) for share in shares]
    for worker in workers:
        worker.start()
    with suppress(threading.BrokenBarrierError):
        ready.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    if errors:
        raise Failure(f"issuing from {threads} threads failed: {errors[0]!r}") from errors[0]
    for issuance in issued:
        check_issuance(issuance, ISSUED, VINTAGES)
    return IssueTiming(len(latencies), threads, seconds, latencies, ISSUED * len(latencies))


def check_issuance(issuance, quantity: int, vintages: list[tuple[int, int]]) -> None:
    """The issuance has `quantity` credits in one block per vintage, as `vintages` says."""
    blocks = [(b.vintage, b.quantity) for b in issuance.blocks.order_by("vintage")]
    if issuance.quantity != quantity or blocks != vintages:
        raise Failure(
            f"issuance {issuance.pk}: {issuance.quantity} credits in blocks {blocks}, "
            f"expected {quantity} in {vintages}"
        )


def large_issuance(methodology) -> LargeIssuance:
    """One issuance of 1,000,000,000.9 verified tCO2e: one block per vintage."""
    from accounts.models import User
    from registry.ledger.services.issuance import issue_credits

    operator = User.objects.select_related("organization").get(username="operator")
    [report] = prepare_reports(methodology, 1, LARGE_MONITORED, LARGE_VERIFIED)
    started = time.perf_counter()
    # 1.5e9 MWh against a design of 1e6 MWh a year: far above the estimate, so the operator
    # issues it with an override (CLAIM_ABOVE_ESTIMATE_FACTOR).
    issuance = issue_credits(
        actor=operator, report=report, override=True, reason="Benchmark of one large issuance."
    )
    seconds = time.perf_counter() - started
    check_issuance(issuance, LARGE_ISSUED, LARGE_VINTAGES)
    blocks = [(b.vintage, b.quantity) for b in issuance.blocks.order_by("vintage")]
    return LargeIssuance(seconds, issuance.quantity, blocks)


# --- Output -------------------------------------------------------------------------------------


def print_lifecycles(timings: LifecycleTimings, workers: int) -> None:
    count = len(timings.totals)
    print()
    print(
        f"Full lifecycle through the HTTP API (gunicorn, production settings, {workers} "
        f"workers): {count} lifecycles one after the other, {timings.requests} requests each"
    )
    print(f"{'':<16} {'mean ms':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for step in STEPS:
        values = timings.steps[step]
        print(
            f"{step:<16} {mean(values) * 1000:>8.1f} {percentile(values, 0.5) * 1000:>8.1f} "
            f"{percentile(values, 0.95) * 1000:>8.1f}"
        )
    totals = timings.totals
    print(
        f"{'whole lifecycle':<16} {mean(totals) * 1000:>8.1f} "
        f"{percentile(totals, 0.5) * 1000:>8.1f} {percentile(totals, 0.95) * 1000:>8.1f}"
    )
    print(
        f"{count / sum(totals):.2f} lifecycles/s, "
        f"{count * timings.requests / sum(totals):.1f} requests/s from one client"
    )


def print_issuances(timings: list[IssueTiming], large: LargeIssuance, seconds: float) -> None:
    print()
    print(
        "Issuance in-process, registry.services.issuance.issue_credits "
        f"({ISSUED:,} credits in 2 vintage blocks each; {seconds:.1f} s with preparation)"
    )
    print(
        f"{'threads':>7} {'issuances':>9} {'seconds':>8} {'issuances/s':>11} {'credits/s':>13} "
        f"{'p50 ms':>7} {'p95 ms':>7}"
    )
    for timing in timings:
        print(
            f"{timing.threads:>7} {timing.calls:>9} {timing.seconds:>8.2f} "
            f"{timing.per_second:>11.1f} {timing.credits_per_second:>13,.0f} "
            f"{percentile(timing.latencies, 0.5) * 1000:>7.2f} "
            f"{percentile(timing.latencies, 0.95) * 1000:>7.2f}"
        )
    blocks = ", ".join(f"{vintage}: {quantity:,}" for vintage, quantity in large.blocks)
    print()
    print(
        f"One issuance of {LARGE_VERIFIED} verified tCO2e: {large.quantity:,} credits in "
        f"{len(large.blocks)} blocks, one per vintage ({blocks}), in {large.seconds * 1000:.1f} ms"
    )


if __name__ == "__main__":
    sys.exit(main())
