"""How many credit transfers per second: through the service layer, through the HTTP API, and the
same transfer in plain SQL with pgbench as the machine's ceiling.

Run by hand from the repository root:

    .venv/bin/python bench/ledger.py [--concurrency N [N ...]] [--seconds S] [--rounds R]
                                     [--warmup S] [--workers N] [--profile N] [--server URL]
                                     [--pgbench PATH]

It makes a throwaway PostgreSQL database (`bench_ledger_<pid>_<hex>` on 127.0.0.1:5432 as user
postgres), migrates it and loads the methodology library with the real commands. This process
runs with the production settings, as gunicorn does, so the passwords it hashes are the ones the
server checks. Through the real services (no publicity wait) it then registers one offshore
wind project per company, for as many companies as the highest concurrency level, and issues
each one report of 687000.5 verified tCO2e: 687,000 credits in two vintage blocks in the
company's default account. A sink company gets an account opened by the operator.

Every transfer moves 1 credit. Client i always moves from company i's 2024 block (346,323
credits) to the one sink account, so clients never wait on each other's block: a partial
transfer keeps the lower serials in the source block and moves the top serial into a new block,
so the same source block serves every transfer. What they do share is what every transfer
shares: the sink account's row (share-locked); the audit entry is a plain insert, no lock.
In each of `--rounds` rounds (3 by default), at each concurrency level (1, 4 and 8 by default),
each method runs for `--seconds` (4 by default), one after the other; the table pools each
method's rounds. Interleaved so: a machine that slows down for a while (another process, a
neighbour on the same host) slows every method alike instead of the one measured then. The
methods:

- threads and processes: `registry.ledger.services.movements.transfer_credits` from N threads
  of this process, each on its own database connection (closed at the end), so the threads
  share its GIL; then from N processes forked from it, each with its own connection;
- HTTP: `POST /api/v1/transfers/` (no Idempotency-Key) from N client threads, each with its own
  keep-alive connection and its company's token from `POST /api/v1/auth/token/`, to gunicorn
  with production settings on a free loopback port, with as many sync workers as the highest
  concurrency level (`--workers` to change), started once and each worker warmed up first;
- pgbench: the same transfer in plain SQL in one transaction, run as `pgbench -n -M prepared
  -c N -j min(N, 2) -T seconds`: share-lock both accounts in id order, lock the block FOR
  UPDATE, shrink it, insert the moved block and the movement, then insert the audit entry as
  `core.audit.record_event` does (a plain insert, no lock: the sealer numbers it later). Each
  client picks its block, account and user from `:client_id`.

Only successful transfers count; any failure stops the run with its cause. After each
measurement the number of new transfer movements must equal the transfers counted.

The audit log: pgbench writes into the same database and the same audit table as the services,
and the closing checks, `registry.ledger.reconciliation.reconcile()` and the transparency log
sealed and verified (`core.transparency.seal()`, `verify_log()`), cover pgbench's rows as well
as the services': if the SQL did less than a real transfer, the run fails. (Running pgbench on a
clone of the database would be simpler but would leave its rows unchecked.) What pgbench
does not do is what the registry adds on top of the SQL: Python, the permission check and the
checks of the block's state and quantity, and for HTTP the token, the serializer's lookups and
the JSON answer. pgbench uses prepared statements, the best plain SQL can do.

The targets, at concurrency 8 in the same run: the service layer (in processes) at least 0.3 x
and HTTP at least 0.1 x the pgbench rate, pooled over the rounds; each round's ratios are
printed too. `--profile N` then profiles N more in-process transfers from one thread (cProfile,
sorted by cumulative time). Everything the script made (server, database, pgbench script) is
removed at the end, also when it fails. With the defaults it takes about three and a half
minutes on two cores. Run it on an otherwise idle machine: all the methods compete for the same
cores, and another process's load moves the ratios.
"""

import argparse
import cProfile
import http.client
import json
import os
import pstats
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from io import StringIO

from harness import (
    POSTGRES_SERVER,
    Failure,
    Rate,
    client_case,
    django_on,
    engine_name,
    free_port,
    gunicorn,
    http_request,
    in_processes,
    in_threads,
    pgbench_rate,
    production_environment,
    report_awaiting_issuance,
    throwaway_database,
    wait_until_healthy,
)

TRANSFERS_PATH = "/api/v1/transfers/"
TARGET_SHARE = 0.3  # service layer (processes) / pgbench at TARGET_CONCURRENCY
TARGET_HTTP_SHARE = 0.1  # HTTP / pgbench at TARGET_CONCURRENCY
TARGET_CONCURRENCY = 8

ISSUED = 687000
SOURCE_VINTAGE, SOURCE_CREDITS = 2024, 346323  # the block each client moves credits from

PGBENCH_SCRIPT = """\
\\set block {blocks}
\\set source {sources}
\\set actor {actors}
BEGIN;
SELECT id, frozen FROM ledger_holdingaccount
    WHERE id IN (:source, :sink) ORDER BY id FOR SHARE;
SELECT issuance_id, project_id, vintage, last FROM ledger_creditblock
    WHERE id = :block AND account_id = :source AND status = 'active' AND quantity > 1
    FOR UPDATE \\gset b_
UPDATE ledger_creditblock SET last = last - 1, quantity = quantity - 1 WHERE id = :block;
INSERT INTO ledger_creditblock
    (created_at, issuance_id, project_id, vintage, first, last, quantity, account_id, status)
    VALUES (now(), :b_issuance_id, :b_project_id, :b_vintage, :b_last, :b_last, 1, :sink,
            'active')
    RETURNING id AS moved \\gset
INSERT INTO ledger_movement
    (kind, issuance_id, block_id, first, last, quantity, from_account_id, to_account_id,
     actor_id, occurred_at, note)
    VALUES ('transfer', :b_issuance_id, :moved, :b_last, :b_last, 1, :source, :sink, :actor,
            now(), '')
    RETURNING id AS movement \\gset
INSERT INTO core_auditentry
    (recorded_at, actor_id, actor_username, action, object_type, object_id, before, after)
SELECT now(), u.id, u.username, 'ledger.transfer', 'ledger.movement', :movement::text, NULL,
       jsonb_build_object(
           'block', :moved::bigint, 'quantity', 1, 'from_account', :source::bigint,
           'to_account', :sink::bigint,
           'serial', 'CCER-P' || lpad(:b_project_id::text,
                                      greatest(6, length(:b_project_id::text)), '0')
                     || '-' || :b_vintage::text || '-' || :b_last::text || '-' || :b_last::text)
FROM accounts_user u WHERE u.id = :actor;
END;
"""


# How each transfer is made; the rates of each method per concurrency level, one per round.
METHODS = ("threads", "processes", "HTTP", "pgbench")
Rates = dict[str, dict[int, list[Rate]]]


@dataclass(frozen=True)
class Holder:
    """A company whose user moves credits out of one block of its default account."""

    username: str
    password: str
    user_id: int
    account_id: int
    block_id: int


@dataclass(frozen=True)
class Ledger:
    holders: list[Holder]
    sink_id: int


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=POSTGRES_SERVER, help="PostgreSQL server URL")
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=[1, 4, 8], help="clients at each level"
    )
    parser.add_argument(
        "--seconds", type=float, default=4, help="length of each measurement (default 4)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of every method at every level (default 3)"
    )
    parser.add_argument(
        "--warmup", type=float, default=1, help="untimed seconds before service and HTTP runs"
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: top concurrency)"
    )
    parser.add_argument(
        "--profile", type=int, default=0, help="then profile this many in-process transfers"
    )
    parser.add_argument("--pgbench", default=shutil.which("pgbench") or "/usr/bin/pgbench")
    options = parser.parse_args()
    if min(options.concurrency) < 1 or options.seconds <= 0 or options.warmup < 0:
        parser.error("--concurrency must be at least 1 and --seconds more than 0")
    if options.rounds < 1:
        parser.error("--rounds must be at least 1")
    if options.workers is not None and options.workers < 1:
        parser.error("--workers must be at least 1")
    options.concurrency = sorted(set(options.concurrency))
    options.workers = options.workers or max(options.concurrency)

    database_name = f"bench_ledger_{os.getpid()}_{secrets.token_hex(4)}"
    with (
        throwaway_database(database_name, server=options.server) as database_url,
        # Production settings here too: the users' passwords must be hashed with a hasher the
        # server knows (the test settings use MD5, which production does not accept).
        django_on(production_environment(database_url)),
    ):
        return run(options, database_url, database_name)


def run(options: argparse.Namespace, database_url: str, database_name: str) -> int:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_library", stdout=StringIO())
    migrated = time.perf_counter() - started
    started = time.perf_counter()
    ledger = prepare_ledger(max(options.concurrency))
    print(
        f"{engine_name()}; migrated and loaded the library in "
        f"{migrated:.1f} s; {len(ledger.holders)} companies with {ISSUED:,} credits each "
        f"issued through the services in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    rates: Rates = {method: {clients: [] for clients in options.concurrency} for method in METHODS}
    problem = None
    try:
        measure(options, database_url, database_name, ledger, rates)
    except Failure as error:
        problem = str(error)
    print_table(options, rates)
    if problem:
        print(f"\n{problem}", file=sys.stderr)
        return 1
    if options.profile:
        profile(ledger, options.profile)
    return 0 if verify_ledger() else 1


# --- Credits to move, through the real services -------------------------------------------------


def prepare_ledger(companies: int) -> Ledger:
    """`companies` companies, each holding one issuance in its default account, and a sink
    account of another company; built through the services as the tests' `Lifecycle` does."""

    from accounts import services as account_services
    from accounts.models import User
    from core.provinces import Province
    from methodologies.models import Methodology
    from registry.ledger.models import CreditBlock
    from registry.ledger.services import issuance, movements

    methodology = Methodology.objects.get(code="CCER-01-002", status="published")

    def member(kind: str, name: str, username: str) -> tuple[User, str]:
        organization = account_services.create_organization(
            actor=None, name=name, kind=kind, province=Province.SHANGHAI
        )
        password = secrets.token_urlsafe(24)
        user = account_services.create_user(
            actor=None, username=username, password=password, organization=organization
        )
        return user, password

    operator, _ = member("operator", "Registry operations (ledger benchmark)", "bench-operator")
    verifiers = []
    for number in (1, 2):
        verifier, _ = member("verifier", f"Verification body {number}", f"bench-verifier{number}")
        account_services.add_accreditation(
            actor=None,
            organization=verifier.organization,
            sector="energy_industries",
            valid_from=date(2023, 1, 1),
            valid_to=date(2030, 12, 31),
        )
        verifiers.append(verifier)
    validator, verifier = verifiers

    holders = []
    for number in range(1, companies + 1):
        company, password = member(
            "proponent", f"Offshore wind company {number}", f"bench-company{number}"
        )
        report = report_awaiting_issuance(
            company=company,
            validator=validator,
            verifier=verifier,
            operator=operator,
            methodology=methodology,
            title=f"Offshore wind farm {number} (ledger benchmark)",
        )
        issued = issuance.issue_credits(actor=operator, report=report)
        if issued.quantity != ISSUED:
            raise Failure(f"issued {issued.quantity} credits, expected {ISSUED}")
        block = CreditBlock.objects.get(issuance=issued, vintage=SOURCE_VINTAGE)
        if block.quantity != SOURCE_CREDITS:
            raise Failure(f"block {block.pk} holds {block.quantity}, not {SOURCE_CREDITS}")
        holders.append(Holder(company.username, password, company.pk, block.account_id, block.pk))
    buyer, _ = member("proponent", "Carbon buyer (ledger benchmark)", "bench-buyer")
    sink = movements.open_account(
        actor=operator, organization=buyer.organization, name="Benchmark sink"
    )
    return Ledger(holders, sink.pk)


def transfers_recorded() -> int:
    from registry.ledger.models import Movement

    return Movement.objects.filter(kind=Movement.Kind.TRANSFER).count()


def checked(what: str, rate: Rate, before: int) -> Rate:
    """The rate, once the ledger shows one new transfer movement per transfer counted."""
    recorded = transfers_recorded() - before
    if recorded != rate.count:
        raise Failure(
            f"{what} at concurrency {rate.clients}: {rate.count} transfers counted, "
            f"{recorded} transfer movements recorded"
        )
    return rate


def measure(
    options: argparse.Namespace,
    database_url: str,
    database_name: str,
    ledger: Ledger,
    rates: Rates,
) -> None:
    """`--rounds` rounds; in each, at each level, the four methods one after the other, so
    that a machine that slows down for a while slows every method, not the one measured then."""
    port = free_port()
    script = PGBENCH_SCRIPT.format(
        blocks=client_case([h.block_id for h in ledger.holders]),
        sources=client_case([h.account_id for h in ledger.holders]),
        actors=client_case([h.user_id for h in ledger.holders]),
    )
    with (
        gunicorn(port, database_url, options.workers) as server,
        tempfile.NamedTemporaryFile("w", prefix="bench-ledger-", suffix=".sql") as file,
    ):
        file.write(script)
        file.flush()
        try:
            problem = wait_until_healthy(port, server)
            if problem:
                raise Failure(problem)
            tokens = [token(port, holder) for holder in ledger.holders]
            if options.warmup:
                # Untimed: every worker opens its database connection on its first request.
                service_rate(ledger, max(options.concurrency), options.warmup)
                http_rate(port, ledger, tokens, max(options.concurrency), options.warmup)
            for number in range(1, options.rounds + 1):
                for clients in options.concurrency:
                    measured = {
                        "threads": service_rate(ledger, clients, options.seconds),
                        "processes": service_process_rate(ledger, clients, options.seconds),
                        "HTTP": http_rate(port, ledger, tokens, clients, options.seconds),
                        "pgbench": pgbench_transfers(
                            options, database_name, ledger, file.name, clients
                        ),
                    }
                    for method, rate in measured.items():
                        rates[method][clients].append(rate)
                    print(
                        f"round {number}, {clients} clients: "
                        + ", ".join(f"{m} {r.per_second:.1f}/s" for m, r in measured.items()),
                        flush=True,
                    )
        except (Failure, OSError) as error:
            raise Failure(f"{error}\n--- gunicorn log ---\n{server.log_tail()}") from error


def service_process_rate(ledger: Ledger, clients: int, seconds: float) -> Rate:
    """`transfer_credits` from `clients` processes forked from this one, each with its own
    connection: the way a deployment runs the service layer (gunicorn and Celery workers are
    processes), without the one interpreter lock that caps the threads above."""
    from accounts.models import User
    from registry.ledger.models import CreditBlock, HoldingAccount
    from registry.ledger.services.movements import transfer_credits

    def prepare(index: int):
        holder = ledger.holders[index]
        actor = User.objects.get(pk=holder.user_id)
        block = CreditBlock.objects.get(pk=holder.block_id)
        sink = HoldingAccount.objects.get(pk=ledger.sink_id)
        return lambda: transfer_credits(actor=actor, block=block, quantity=1, to_account=sink)

    before = transfers_recorded()
    rate, problems = in_processes(clients, seconds, prepare)
    if problems:
        raise Failure(f"service layer, processes, at concurrency {clients}: {problems[0]}")
    return checked("service layer (processes)", rate, before)


def service_rate(ledger: Ledger, clients: int, seconds: float) -> Rate:
    """`transfer_credits` from `clients` threads, each on its own connection and block."""
    from django.db import connection

    from accounts.models import User
    from registry.ledger.models import CreditBlock, HoldingAccount
    from registry.ledger.services.movements import transfer_credits

    def prepare(index: int) -> Callable[[], None]:
        holder = ledger.holders[index]
        # These reads open the thread's connection before the clock starts.
        actor = User.objects.get(pk=holder.user_id)
        block = CreditBlock.objects.get(pk=holder.block_id)
        sink = HoldingAccount.objects.get(pk=ledger.sink_id)

        def transfer() -> None:
            transfer_credits(actor=actor, block=block, quantity=1, to_account=sink)

        return transfer

    def cleanup(index: int) -> None:
        connection.close()  # this thread's connection: Django keeps one per thread

    before = transfers_recorded()
    rate, problems = in_threads(clients, seconds, prepare, cleanup)
    if problems:
        raise Failure(f"service layer at concurrency {clients}: {problems[0]}")
    return checked("service layer", rate, before)


# --- Through the HTTP API, served by gunicorn ---------------------------------------------------


def http_rate(port: int, ledger: Ledger, tokens: list[str], clients: int, seconds: float) -> Rate:
    """`POST /api/v1/transfers/` from `clients` threads, each with its own connection, token
    and block. gunicorn's sync workers close the connection after each answer; http.client
    opens it again on the next request."""
    connections: dict[int, http.client.HTTPConnection] = {}

    def prepare(index: int) -> Callable[[], None]:
        holder = ledger.holders[index]
        body = json.dumps(
            {"block": holder.block_id, "quantity": 1, "to_account": ledger.sink_id}
        ).encode()
        headers = {
            "Authorization": f"Token {tokens[index]}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        connection = connections[index] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def transfer() -> None:
            connection.request("POST", TRANSFERS_PATH, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            if response.status != 201:
                raise Failure(f"POST {TRANSFERS_PATH} answered {response.status}: {answer[:500]!r}")

        return transfer

    def cleanup(index: int) -> None:
        if index in connections:
            connections[index].close()

    before = transfers_recorded()
    rate, problems = in_threads(clients, seconds, prepare, cleanup)
    if problems:
        raise Failure(f"at concurrency {clients}: {problems[0]}")
    return checked("HTTP API", rate, before)


def token(port: int, holder: Holder) -> str:
    body = json.dumps({"username": holder.username, "password": holder.password}).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    status, answer = http_request(port, "POST", "/api/v1/auth/token/", body, headers)
    if status != 200:
        raise Failure(f"no token for {holder.username}: {status} {answer[:500]!r}")
    return json.loads(answer)["token"]


# --- The same transfer in plain SQL, with pgbench -----------------------------------------------


def pgbench_transfers(
    options: argparse.Namespace, database_name: str, ledger: Ledger, script: str, clients: int
) -> Rate:
    """pgbench running `script` for `--seconds` (whole seconds: `-T`) from `clients` clients,
    once the ledger shows one new transfer movement per transaction it counted."""
    before = transfers_recorded()
    rate = pgbench_rate(
        options.pgbench,
        options.server,
        database_name,
        script,
        clients,
        max(1, round(options.seconds)),
        {"sink": str(ledger.sink_id)},
    )
    return checked("pgbench", rate, before)


# --- Checks, profile and output -----------------------------------------------------------------


def verify_ledger() -> bool:
    """The ledger reconciles and the transparency log, sealed, verifies, pgbench's rows
    included."""
    from core import transparency
    from registry.ledger.reconciliation import reconcile

    started = time.perf_counter()
    reconciliation = reconcile()
    transparency.seal()
    log = transparency.verify_log()
    print(
        f"\nLedger reconciles: {'yes' if reconciliation.ok else 'NO'} "
        f"({reconciliation.issuances_checked} issuances, {reconciliation.blocks_checked:,} "
        f"blocks); transparency log verifies: {'yes' if log.ok else 'NO'} ({log.entries:,} "
        f"entries); sealed and checked in {time.perf_counter() - started:.1f} s"
    )
    if not reconciliation.ok:
        print(f"reconciliation problems: {reconciliation.problems[:5]}", file=sys.stderr)
    if not log.ok:
        print(f"the log breaks at leaf {log.first_broken}: {log.problem}", file=sys.stderr)
    return reconciliation.ok and log.ok


def profile(ledger: Ledger, count: int) -> None:
    """cProfile of `count` transfers from this thread, the top entries by cumulative time."""
    from accounts.models import User
    from registry.ledger.models import CreditBlock, HoldingAccount
    from registry.ledger.services.movements import transfer_credits

    holder = ledger.holders[0]
    actor = User.objects.get(pk=holder.user_id)
    block = CreditBlock.objects.get(pk=holder.block_id)
    sink = HoldingAccount.objects.get(pk=ledger.sink_id)
    for _ in range(5):
        transfer_credits(actor=actor, block=block, quantity=1, to_account=sink)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(count):
        transfer_credits(actor=actor, block=block, quantity=1, to_account=sink)
    profiler.disable()
    seconds = time.perf_counter() - started
    print(
        f"\ncProfile of {count} in-process transfers from one thread "
        f"({count / seconds:.1f}/s under the profiler), by cumulative time:"
    )
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(35)


def pooled(rates: list[Rate]) -> Rate | None:
    """The rounds' rates as one: every transfer counted over every second measured."""
    if not rates:
        return None
    return Rate(sum(r.count for r in rates), rates[0].clients, sum(r.seconds for r in rates))


def ratio(numerator: Rate | None, denominator: Rate | None) -> str:
    if numerator is None or denominator is None or not denominator.per_second:
        return "-"
    return f"{numerator.per_second / denominator.per_second:.2f}"


def per_second(rate: Rate | None) -> str:
    return "-" if rate is None else f"{rate.per_second:.1f}"


def print_table(options: argparse.Namespace, rates: Rates) -> None:
    print()
    print(
        f"Transfers of 1 credit per second, {options.rounds} rounds of {options.seconds:g} s "
        "of each method at each level, pooled; each client moves its own block to one shared "
        "sink account"
    )
    print(
        "threads and processes: transfer_credits in threads of this process, or in as many "
        "forked processes; HTTP: POST /api/v1/transfers/ "
        f"to gunicorn, {options.workers} sync workers, production settings; pgbench: the same "
        "transfer in plain SQL, prepared statements"
    )
    print(
        f"{'concurrency':>11} {'threads/s':>10} {'processes/s':>12} {'HTTP/s':>9} "
        f"{'pgbench/s':>10} {'threads÷pg':>11} {'processes÷pg':>13} {'HTTP÷pg':>8}"
    )
    total = {method: pooled_levels(rates[method]) for method in METHODS}
    for clients in options.concurrency:
        s, sp, h, p = (total[method].get(clients) for method in METHODS)
        print(
            f"{clients:>11} {per_second(s):>10} {per_second(sp):>12} {per_second(h):>9} "
            f"{per_second(p):>10} {ratio(s, p):>11} {ratio(sp, p):>13} {ratio(h, p):>8}"
        )
    counted = {
        method: sum(r.count for level in rates[method].values() for r in level)
        for method in METHODS
    }
    print(
        "transfers counted (timed only): "
        + ", ".join(f"{method} {count:,}" for method, count in counted.items())
    )
    # Each round's ratio too: how far the pooled one may be trusted.
    target_level = [rates[m].get(TARGET_CONCURRENCY, []) for m in ("processes", "HTTP", "pgbench")]
    # A failed run leaves its last round short of some methods: that round is left out.
    each = [f"{ratio(sp, p)}/{ratio(h, p)}" for sp, h, p in zip(*target_level, strict=False)]
    if each:
        print(
            f"each round at concurrency {TARGET_CONCURRENCY}, processes÷pg/HTTP÷pg: "
            + ", ".join(each)
        )
    # The service target is read on processes: that is how the service layer runs deployed.
    p = total["pgbench"].get(TARGET_CONCURRENCY)
    for what, rate, target in (
        ("service layer in processes", total["processes"].get(TARGET_CONCURRENCY), TARGET_SHARE),
        ("HTTP", total["HTTP"].get(TARGET_CONCURRENCY), TARGET_HTTP_SHARE),
    ):
        goal = (
            f"{what} ≥ {target:g} × pgbench without audit lock at concurrency {TARGET_CONCURRENCY}"
        )
        if rate is None or p is None or not p.per_second:
            print(f"Target ({goal}): not measured")
        else:
            share = rate.per_second / p.per_second
            verdict = "met" if share >= target else "MISSED"
            print(f"Target ({goal}): {verdict} ({share:.2f})")


def pooled_levels(levels: dict[int, list[Rate]]) -> dict[int, Rate]:
    return {clients: rate for clients, found in levels.items() if (rate := pooled(found))}


if __name__ == "__main__":
    sys.exit(main())
