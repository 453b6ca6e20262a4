"""Green electricity certificates: how fast the national GEC system's rows are imported, and how
many claims per second the registry takes through the services, over HTTP, and as the same claim
in plain SQL with pgbench.

Run by hand from the repository root:

    .venv/bin/python bench/certificates.py [--quick] [--rows N] [--concurrency N [N ...]]
                                           [--seconds S] [--warmup S] [--workers N]
                                           [--server URL] [--pgbench PATH]

`--quick` is a smoke run: 2,000 rows, 2 s per measurement (about a minute); the defaults take
about five minutes on two cores. Run it on an otherwise idle machine: the clients, the server and
PostgreSQL compete for the same cores, and another process's load moves the ratios.

It makes a throwaway PostgreSQL database (`bench_certificates_<pid>_<hex>` on 127.0.0.1:5432 as
user postgres) and migrates it. This process runs with the production settings, as gunicorn
does, so the passwords it hashes are the ones the server checks. Through the services it makes a
registry operator and as many holder companies as the highest concurrency level (8 by default),
each with a unified social credit code and a user; the first company has as many more users.

Import: `--rows` rows (10,000 by default) of 100 certificates each, so 1,000,000 certificates:
plants of 12 monthly rows each over the last 12 months, across generation types and provinces,
row r held by company r mod 8 (the number of companies), passed as the strings a CSV export
holds. Timed:

- `certificates.services.imports.import_certificates`, one call (one transaction, all or none,
  every cell parsed and each row compared with the stored ones, one audit entry);
- the same call with the same rows again: all skipped as imported before, unchanged;
- plain SQL: as many rows again, on other serials, written by two INSERT ... SELECT from
  generate_series statements (the ranges, then one block each), with the constraints checked
  (the exclusion constraints included) but nothing parsed, no overlap lookup, no audit entry.

The import over HTTP is not timed here: large imports there are becoming a Celery job.

Claims: every claim takes 1 certificate, splitting it off the top of an active block. Two
workloads, at each concurrency level (1, 4 and 8 by default), for `--seconds` each (8):

- own blocks: client i claims as a user of company i from company i's blocks only (rows r
  with r mod 8 = i), in serial order, 99 claims per block (each block keeps its lowest certificate),
  so clients never wait on each other's block lock;
- one block: every client claims from the same block of 1,000,000 certificates, held by the first
  company, each as another of its users: the claims queue on that block's lock.

Neither waits on an audit lock: the audit entry is a plain insert, numbered later by the sealer.
Each workload is measured:

- service: `certificates.services.claims.claim_certificates` from N threads of this process (one
  interpreter lock for all), and from N forked processes (as gunicorn and Celery run it), each
  client on its own database connection; a client reads each new block once, as a caller does;
- HTTP: `POST /api/v1/green-certificates/claims/` (no Idempotency-Key) from N client threads,
  each with its own keep-alive connection and its user's token from `POST /api/v1/auth/token/`,
  to gunicorn with production settings on a free loopback port, as many sync workers as the
  highest concurrency level (`--workers` to change), all warmed up first;
- pgbench: the same claim in plain SQL in one transaction, `pgbench -n -M prepared -c N
  -j min(N, 2) -T seconds`: lock the block FOR UPDATE where it is the client's company's, active,
  unexpired and holds more than the claim (the service's checks), shrink it, insert the claimed
  block and the claim, then insert the audit entry as `core.audit.record_event` does (a plain
  insert). pgbench picks its client's block and user from
  `:client_id` and a per-client counter; what it does not do is what the registry adds on top of
  that SQL: Python, the ORM, the permission check read from the user, and for HTTP the token
  lookup, the serializer, the block lookup of the view and the JSON answer.

At each level the four paths run one after the other (gunicorn is up from the first), so that
each ratio compares numbers taken close in time. Only successful claims count; any failure stops
the run with its cause. After each measurement the number of new claim records must equal the
claims counted. At the end the certificates reconcile (every imported row partitioned by its
blocks) and the transparency log, sealed, verifies, pgbench's entries included. The target
(issue 11): the service layer, in processes, on own blocks, reaches at least a quarter of
pgbench's rate at concurrency 8. Everything the script made (server, database, pgbench script)
is removed at the end, also when it fails.
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date

# This script shares its name with the `certificates` app: the app's modules are imported only
# inside functions, after `django_on` has put the repository root before this folder on sys.path.
from harness import (
    POSTGRES_SERVER,
    Failure,
    Rate,
    Server,
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
    throwaway_database,
    wait_until_healthy,
)

CLAIMS_PATH = "/api/v1/green-certificates/claims/"
TARGET_SHARE = 0.25  # service layer (processes) / pgbench, own blocks, at TARGET_CONCURRENCY
TARGET_CONCURRENCY = 8

PER_ROW = 100  # certificates in each imported row
CLAIMS_PER_BLOCK = PER_ROW - 1  # claims of 1 from a block before it moves on: it keeps one
HOT_CERTIFICATES = 1_000_000  # the one block every client claims from in the second workload
SERVICE_SERIALS = 10**12  # serial ranges: the service's import, plain SQL's, the hot block
SQL_SERIALS = 2 * 10**12
HOT_SERIALS = 3 * 10**12
MONTHS = 12  # the monthly rows of one plant
GENERATION_TYPES = ["onshore_wind", "offshore_wind", "solar", "hydro", "biomass"]
PERIOD_START, PERIOD_END = "2025-01-01", "2025-12-31"  # the consumption period of every claim

OWN, HOT = "own blocks", "one block"
THREADS, PROCESSES, HTTP, PGBENCH = "service, threads", "service, processes", "HTTP", "pgbench"
PATHS = [THREADS, PROCESSES, HTTP, PGBENCH]

# Own blocks: client c's k-th block is the imported block of row k * slots + c, and imported
# blocks are numbered in row order from :first to :last (checked after the import). :n counts
# the client's claims in this run, from its first untouched block (:start, the client's cursor).
# A client past the last row finds no block and stops the run. One block: the hot block.
OWN_CHOICE = """\
\\set n :n + 1
\\set block :first + ({start} + :n / {per_block}) * {slots} + :client_id
\\set holder {holders}
\\set actor {actors}
"""
HOT_CHOICE = """\
\\set block {block}
\\set last {block}
\\set holder {holder}
\\set actor {actors}
"""
CLAIM_SQL = """\
BEGIN;
SELECT source_id, serial_last, generator_code, generator_name, generation_type, province,
       generation_month, to_char(generation_month, 'YYYYMM') AS month, holder_id, tradable,
       expires_on
    FROM certificates_certificateblock
    WHERE id = :block AND id <= :last AND holder_id = :holder AND state = 'active'
      AND quantity > 1 AND expires_on >= (now() AT TIME ZONE '{zone}')::date
    FOR UPDATE \\gset b_
UPDATE certificates_certificateblock SET serial_last = serial_last - 1, quantity = quantity - 1
    WHERE id = :block;
INSERT INTO certificates_certificateblock
    (created_at, source_id, serial_first, serial_last, quantity, generator_code, generator_name,
     generation_type, province, generation_month, holder_id, tradable, state, expires_on)
    VALUES (now(), :b_source_id, :b_serial_last, :b_serial_last, 1, :b_generator_code,
            :b_generator_name, :b_generation_type, :b_province, :b_generation_month,
            :b_holder_id, :b_tradable, 'claimed', :b_expires_on)
    RETURNING id AS claimed \\gset
INSERT INTO certificates_certificateclaim
    (created_at, block_id, claimant_id, quantity, period_start, period_end, consumer,
     claimed_by_id)
    VALUES (now(), :claimed, :b_holder_id, 1, '{period_start}', '{period_end}', '', :actor)
    RETURNING id AS claim \\gset
INSERT INTO core_auditentry
    (recorded_at, actor_id, actor_username, action, object_type, object_id, before, after)
SELECT now(), u.id, u.username, 'certificates.claim', 'certificates.certificateclaim',
       :claim::text, NULL,
       jsonb_build_object('block', :claimed::bigint, 'from_block', :block::bigint,
                          'serial', 'GEC-' || :b_generator_code::text || '-' || :b_month::text
                                    || '-' || :b_serial_last::text || '-'
                                    || :b_serial_last::text,
                          'quantity', 1, 'claimant', :b_holder_id::bigint,
                          'period_start', '{period_start}'::text,
                          'period_end', '{period_end}'::text, 'consumer', ''::text)
FROM accounts_user u WHERE u.id = :actor;
END;
"""


@dataclass(frozen=True)
class Member:
    """A user of a company: who claims, and how it signs in over HTTP."""

    username: str
    password: str
    user_id: int
    organization_id: int


@dataclass
class Registry:
    """What the claims run on. Imported block of row r is `first_block + r`; client c of the
    own-blocks workload claims from rows c, c + slots, c + 2 slots..., from `cursors[c]` on."""

    operator_id: int
    holders: list[Member]  # one per slot: company c and its user
    hot_users: list[Member]  # users of company 0, one per client of the one-block workload
    rows: int
    first_block: int
    hot_block: int
    cursors: list[int]

    @property
    def slots(self) -> int:
        return len(self.holders)

    @property
    def last_block(self) -> int:
        return self.first_block + self.rows - 1

    def block_of(self, slot: int, position: int) -> int:
        row = position * self.slots + slot
        if row >= self.rows:
            raise Failure(
                f"client {slot} has claimed from all its {position} blocks: import more rows "
                "(--rows) or measure for less time (--seconds)"
            )
        return self.first_block + row

    def members(self, workload: str) -> list[Member]:
        return self.holders if workload == OWN else self.hot_users


class Feed:
    """The blocks one client claims from, one certificate at a time: in the own-blocks workload,
    its slot's blocks in order, `CLAIMS_PER_BLOCK` claims each; else the one hot block."""

    def __init__(self, registry: Registry, workload: str, index: int):
        self.registry = registry
        self.slot = index
        self.hot = workload == HOT
        self.position = 0 if self.hot else registry.cursors[index]
        self.left = 0
        self.block = registry.hot_block if self.hot else 0

    def next(self) -> int:
        if not self.hot:
            if self.left == 0:
                self.block = self.registry.block_of(self.slot, self.position)
                self.position += 1
                self.left = CLAIMS_PER_BLOCK
            self.left -= 1
        return self.block


@dataclass(frozen=True)
class Imported:
    """One timed import: `rows` rows of `certificates` certificates in `seconds`."""

    what: str
    rows: int
    certificates: int
    seconds: float


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=POSTGRES_SERVER, help="PostgreSQL server URL")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2,000 rows, 2 s each")
    parser.add_argument("--rows", type=int, help="rows of 100 certificates (default 10,000)")
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=[1, 4, 8], help="clients at each level"
    )
    parser.add_argument("--seconds", type=float, help="length of each measurement (default 8)")
    parser.add_argument("--warmup", type=float, help="untimed seconds before service and HTTP")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: top concurrency)"
    )
    parser.add_argument("--pgbench", default=shutil.which("pgbench") or "/usr/bin/pgbench")
    options = parser.parse_args()
    options.rows = options.rows or (2000 if options.quick else 10000)
    options.seconds = options.seconds or (2.0 if options.quick else 8.0)
    if options.warmup is None:
        options.warmup = 0.5 if options.quick else 1.0
    options.concurrency = sorted(set(options.concurrency))
    if min(options.concurrency) < 1 or options.seconds <= 0 or options.warmup < 0:
        parser.error("--concurrency must be at least 1 and --seconds more than 0")
    if options.rows < max(options.concurrency):
        parser.error("--rows must be at least the highest concurrency")
    if options.workers is not None and options.workers < 1:
        parser.error("--workers must be at least 1")
    options.workers = options.workers or max(options.concurrency)

    database_name = f"bench_certificates_{os.getpid()}_{secrets.token_hex(4)}"
    with (
        throwaway_database(database_name, server=options.server) as database_url,
        # Production settings here too: the users' passwords must be hashed with a hasher the
        # server knows (the test settings use MD5, which production does not accept).
        django_on(production_environment(database_url)),
    ):
        return run(options, database_url, database_name)


def run(options: argparse.Namespace, database_url: str, database_name: str) -> int:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter() - started
    started = time.perf_counter()
    operator, holders, hot_users = make_members(max(options.concurrency))
    print(
        f"{engine_name()}; migrated in {migrated:.1f} s; an operator and {len(holders)} holder "
        f"companies with {len(holders) + len(hot_users)} users made through the services in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )

    imports, registry = measure_imports(options.rows, operator, holders, hot_users)
    results: dict[tuple[str, str, int], Rate] = {}
    problem = None
    connection.close()  # the server's workers and the forked clients open their own
    port = free_port()
    with gunicorn(port, database_url, options.workers) as server:
        try:
            measure_claims(options, database_name, registry, port, server, results)
        except Failure as error:
            problem = str(error)
    print_tables(options, imports, results)
    if problem:
        print(f"\n{problem}", file=sys.stderr)
        return 1
    return 0 if verify() else 1


# --- Companies, users and rows ------------------------------------------------------------------


def credit_code(number: int) -> str:
    """A unified social credit code with a right check character (GB 32100-2015)."""
    from stdnum.cn import uscc

    body = f"91310000MA{number:07d}"
    return body + uscc.calc_check_digit(body)


def make_members(companies: int) -> tuple[Member, list[Member], list[Member]]:
    """The operator, one user for each of `companies` holder companies, and as many more users of
    the first company; made through the services."""
    from accounts import services as account_services
    from accounts.models import Organization
    from core.provinces import Province

    def member(organization, username: str) -> Member:
        password = secrets.token_urlsafe(24)
        user = account_services.create_user(
            actor=None, username=username, password=password, organization=organization
        )
        return Member(username, password, user.pk, organization.pk)

    def company(kind: str, name: str, code: str | None = None):
        return account_services.create_organization(
            actor=None,
            name=name,
            kind=kind,
            province=Province.JIANGSU,
            unified_social_credit_code=code,
        )

    operator = member(company("operator", "Registry operations (GEC bench)"), "bench-operator")
    holders = []
    for number in range(1, companies + 1):
        organization = company(
            "proponent", f"Certificate holder {number} (GEC bench)", credit_code(number)
        )
        holders.append(member(organization, f"bench-holder{number}"))
    first = Organization.objects.get(pk=holders[0].organization_id)
    hot_users = [member(first, f"bench-hot{number}") for number in range(1, companies + 1)]
    return operator, holders, hot_users


def months_back(today: date, count: int) -> list[date]:
    """The first days of the `count` months before `today`'s, the latest first: all valid."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        months.append(date(year, month, 1))
    return months


def export_rows(count: int, codes: list[str], today: date) -> list[dict[str, str]]:
    """`count` rows of `PER_ROW` certificates as the national GEC system exports them (strings,
    as a CSV file gives them): plants of `MONTHS` monthly rows; row r held by `codes[r % n]`."""
    from core.provinces import Province

    months = months_back(today, MONTHS)
    provinces = Province.values
    rows = []
    for row in range(count):
        plant = row // MONTHS
        first = SERVICE_SERIALS + row * PER_ROW + 1
        rows.append(
            {
                "serial_first": str(first),
                "serial_last": str(first + PER_ROW - 1),
                "generator_code": f"BENCH-{plant:05d}",
                "generator_name": f"Benchmark plant {plant}",
                "generation_type": GENERATION_TYPES[plant % len(GENERATION_TYPES)],
                "province": provinces[plant % len(provinces)],
                "generation_month": f"{months[row % MONTHS]:%Y-%m}",
                "holder": codes[row % len(codes)],
                "tradable": "true",
            }
        )
    return rows


# --- The import ---------------------------------------------------------------------------------


def measure_imports(
    count: int, operator: Member, holders: list[Member], hot_users: list[Member]
) -> tuple[list[Imported], Registry]:
    from django.utils import timezone

    from accounts.models import Organization, User
    from certificates.models import CertificateBlock
    from certificates.services.imports import import_certificates

    actor = User.objects.select_related("organization").get(pk=operator.user_id)
    organizations = Organization.objects.in_bulk([holder.organization_id for holder in holders])
    codes = [organizations[h.organization_id].unified_social_credit_code for h in holders]
    today = timezone.localdate()
    rows = export_rows(count, codes, today)
    certificates = count * PER_ROW
    imports = []

    started = time.perf_counter()
    result = import_certificates(actor=actor, rows=rows)
    seconds = time.perf_counter() - started
    if (result.imported, result.blocks) != (count, count):
        raise Failure(f"imported {result.imported} rows into {result.blocks} blocks, not {count}")
    imports.append(Imported("service: import_certificates", count, certificates, seconds))
    print(f"import through the service: {count / seconds:,.0f} rows/s", flush=True)

    # Imported blocks are numbered in row order: client c's k-th block is first + k * slots + c.
    ids = list(
        CertificateBlock.objects.filter(source__batch=result.batch)
        .order_by("serial_first")
        .values_list("id", flat=True)
    )
    if ids != list(range(ids[0], ids[0] + count)):
        raise Failure("the imported blocks are not numbered in row order, one after the other")

    started = time.perf_counter()
    again = import_certificates(actor=actor, rows=rows)
    seconds = time.perf_counter() - started
    if (again.imported, again.skipped) != (0, count):
        raise Failure(f"the same rows again: {again.imported} imported, {again.skipped} skipped")
    imports.append(Imported("service: the same rows again, skipped", count, certificates, seconds))

    seconds = import_in_sql(count, actor.pk, [h.organization_id for h in holders], today)
    imports.append(Imported("plain SQL: INSERT ... SELECT", count, certificates, seconds))

    hot = import_certificates(
        actor=actor,
        rows=[
            {
                **rows[0],
                "serial_first": str(HOT_SERIALS + 1),
                "serial_last": str(HOT_SERIALS + HOT_CERTIFICATES),
                "generator_code": "BENCH-HOT",
                "generator_name": "Benchmark plant everyone claims from",
                "holder": codes[0],
            }
        ],
    )
    hot_block = CertificateBlock.objects.get(source__batch=hot.batch).pk
    registry = Registry(
        operator_id=actor.pk,
        holders=holders,
        hot_users=hot_users,
        rows=count,
        first_block=ids[0],
        hot_block=hot_block,
        cursors=[0] * len(holders),
    )
    return imports, registry


def import_in_sql(count: int, actor_id: int, holder_ids: list[int], today: date) -> float:
    """`count` rows like the service's, on serials of their own, written in plain SQL in one
    transaction (a batch, the ranges, one block each); the seconds it took."""
    from django.conf import settings
    from django.db import connection, transaction

    from core.provinces import Province

    months = months_back(today, MONTHS)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            WITH batch AS (
                INSERT INTO certificates_certificateimport
                    (created_at, imported_by_id, rows, imported, skipped)
                VALUES (now(), %(actor)s, %(count)s, %(count)s, 0) RETURNING id
            ), source AS (
                SELECT r, r / %(months)s AS plant,
                       %(base)s + r * %(per_row)s + 1 AS first,
                       (%(month_list)s::date[])[1 + r %% %(months)s] AS month
                FROM generate_series(0, %(count)s - 1) r
            )
            INSERT INTO certificates_certificaterange
                (batch_id, serial_first, serial_last, quantity, generator_code, generator_name,
                 generation_type, province, generation_month, holder_id, tradable, expires_on)
            SELECT batch.id, s.first, s.first + %(per_row)s - 1, %(per_row)s,
                   'SQL-' || lpad(s.plant::text, 5, '0'), 'SQL plant ' || s.plant,
                   (%(types)s::text[])[1 + s.plant %% %(type_count)s],
                   (%(provinces)s::text[])[1 + s.plant %% %(province_count)s],
                   s.month, (%(holders)s::bigint[])[1 + s.r %% %(holder_count)s], true,
                   (s.month + make_interval(months => %(validity)s) - interval '1 day')::date
            FROM batch, source s ORDER BY s.r
            """,
            {
                "actor": actor_id,
                "count": count,
                "months": MONTHS,
                "base": SQL_SERIALS,
                "per_row": PER_ROW,
                "month_list": months,
                "types": GENERATION_TYPES,
                "type_count": len(GENERATION_TYPES),
                "provinces": list(Province.values),
                "province_count": len(Province.values),
                "holders": holder_ids,
                "holder_count": len(holder_ids),
                "validity": settings.GEC_VALIDITY_MONTHS,
            },
        )
        cursor.execute(
            """
            INSERT INTO certificates_certificateblock
                (created_at, source_id, serial_first, serial_last, quantity, generator_code,
                 generator_name, generation_type, province, generation_month, holder_id,
                 tradable, state, expires_on)
            SELECT now(), r.id, r.serial_first, r.serial_last, r.quantity, r.generator_code,
                   r.generator_name, r.generation_type, r.province, r.generation_month,
                   r.holder_id, r.tradable, 'active', r.expires_on
            FROM certificates_certificaterange r
            WHERE r.serial_first > %s AND r.serial_first < %s ORDER BY r.serial_first
            """,
            [SQL_SERIALS, HOT_SERIALS],
        )
        if cursor.rowcount != count:
            raise Failure(f"plain SQL wrote {cursor.rowcount} blocks, not {count}")
    return time.perf_counter() - started


# --- Bookkeeping between measurements -----------------------------------------------------------


def claims_recorded() -> int:
    from certificates.models import CertificateClaim

    return CertificateClaim.objects.count()


def checked(what: str, rate: Rate, before: int) -> Rate:
    """The rate, once one new claim record shows for each claim counted."""
    recorded = claims_recorded() - before
    if recorded != rate.count:
        raise Failure(
            f"{what} at concurrency {rate.clients}: {rate.count} claims counted, {recorded} "
            "claim records written"
        )
    return rate


def advance(registry: Registry) -> None:
    """Each slot's cursor past the blocks claimed from so far: they are taken in order, so the
    ones touched are the first ones of the slot."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (id - %s) %% %s, count(*) FROM certificates_certificateblock "
            "WHERE id BETWEEN %s AND %s AND quantity < %s GROUP BY 1",
            [
                registry.first_block,
                registry.slots,
                registry.first_block,
                registry.last_block,
                PER_ROW,
            ],
        )
        touched = dict(cursor.fetchall())
    registry.cursors = [touched.get(slot, 0) for slot in range(registry.slots)]


Measure = Callable[[int, float], tuple[Rate, list[str]]]  # (clients, seconds) -> rate, problems


def measured(
    what: str, registry: Registry, workload: str, clients: int, seconds: float, measure: Measure
) -> Rate:
    """`measure` run with `clients` clients for `seconds`, checked against the claim records;
    the cursors then moved past the blocks it claimed from."""
    before = claims_recorded()
    rate, problems = measure(clients, seconds)
    if problems:
        raise Failure(f"{what}, {workload}, at concurrency {clients}: {problems[0]}")
    rate = checked(f"{what}, {workload}", rate, before)
    advance(registry)
    return rate


# --- In-process, through the service layer ------------------------------------------------------


def service_claims(registry: Registry, workload: str) -> Callable[[int], Callable[[], None]]:
    """For client i: `claim_certificates` of 1 certificate at a time, as its user."""
    from accounts.models import User
    from certificates.models import CertificateBlock
    from certificates.services.claims import claim_certificates

    start, end = date.fromisoformat(PERIOD_START), date.fromisoformat(PERIOD_END)

    def prepare(index: int) -> Callable[[], None]:
        member = registry.members(workload)[index]
        # This read opens the client's connection before the clock starts.
        actor = User.objects.select_related("organization").get(pk=member.user_id)
        feed = Feed(registry, workload, index)
        current: list[CertificateBlock] = []

        def claim() -> None:
            block_id = feed.next()
            if not current or current[0].pk != block_id:
                current[:] = [CertificateBlock.objects.get(pk=block_id)]
            claim_certificates(
                actor=actor, block=current[0], quantity=1, period_start=start, period_end=end
            )

        return claim

    return prepare


def service_claims_in(registry: Registry, workload: str) -> tuple[Measure, Measure]:
    """The service's claims from threads of this process, and from forked processes."""
    from django.db import connection

    prepare = service_claims(registry, workload)

    def closed(index: int) -> None:
        connection.close()  # this thread's connection: Django keeps one per thread

    def threads(clients: int, seconds: float) -> tuple[Rate, list[str]]:
        return in_threads(clients, seconds, prepare, closed)

    def processes(clients: int, seconds: float) -> tuple[Rate, list[str]]:
        return in_processes(clients, seconds, prepare)

    return threads, processes


# --- All paths, level by level ------------------------------------------------------------------


def measure_claims(
    options: argparse.Namespace,
    database_name: str,
    registry: Registry,
    port: int,
    server: Server,
    results: dict[tuple[str, str, int], Rate],
) -> None:
    """At each concurrency level, every path one after the other, so that the ratios compare
    numbers taken close in time on a machine whose load moves."""
    down = wait_until_healthy(port, server)
    if down:
        raise Failure(f"HTTP API: {down}\n--- gunicorn log ---\n{server.log_tail()}")
    try:
        tokens = {
            member.username: token(port, member)
            for member in [*registry.holders, *registry.hot_users]
        }
    except OSError as error:
        raise Failure(f"HTTP API: {error}\n--- gunicorn log ---\n{server.log_tail()}") from error
    top = max(options.concurrency)
    for workload in (OWN, HOT):
        threads, processes = service_claims_in(registry, workload)
        paths = {
            THREADS: threads,
            PROCESSES: processes,
            HTTP: http_claims(port, registry, workload, tokens),
            PGBENCH: pgbench_claims(options, database_name, registry, workload),
        }
        if options.warmup and workload == OWN:
            measured("warm-up", registry, workload, top, options.warmup, threads)
            # Long enough for every gunicorn worker to answer at least once: each opens its
            # database connection on its first request.
            seconds = max(options.warmup, 2)
            with server_log_on_failure(server):
                measured("HTTP warm-up", registry, workload, top, seconds, paths[HTTP])
        for clients in options.concurrency:
            for path in PATHS:
                with server_log_on_failure(server) if path == HTTP else nullcontext():
                    rate = measured(path, registry, workload, clients, options.seconds, paths[path])
                results[workload, path, clients] = rate
                print(f"{workload}, {path}, {clients}: {rate.per_second:.1f}/s", flush=True)


@contextmanager
def server_log_on_failure(server: Server) -> Iterator[None]:
    """A failure inside told with the end of the server's log."""
    try:
        yield
    except (Failure, OSError) as error:
        raise Failure(f"HTTP API: {error}\n--- gunicorn log ---\n{server.log_tail()}") from error


# --- Through the HTTP API, served by gunicorn ---------------------------------------------------


def http_claims(port: int, registry: Registry, workload: str, tokens: dict[str, str]) -> Measure:
    """For client i: `POST /api/v1/green-certificates/claims/` of 1 certificate at a time, on
    its own connection (gunicorn's sync workers close it after each answer; http.client opens
    it again on the next request)."""
    connections: dict[int, http.client.HTTPConnection] = {}

    def prepare(index: int) -> Callable[[], None]:
        member = registry.members(workload)[index]
        headers = {
            "Authorization": f"Token {tokens[member.username]}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        feed = Feed(registry, workload, index)
        connection = connections[index] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def claim() -> None:
            body = json.dumps(
                {
                    "block": feed.next(),
                    "quantity": 1,
                    "period_start": PERIOD_START,
                    "period_end": PERIOD_END,
                }
            ).encode()
            connection.request("POST", CLAIMS_PATH, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            if response.status != 201:
                raise Failure(f"POST {CLAIMS_PATH} answered {response.status}: {answer[:500]!r}")

        return claim

    def cleanup(index: int) -> None:
        if index in connections:
            connections.pop(index).close()

    def measure(clients: int, seconds: float) -> tuple[Rate, list[str]]:
        return in_threads(clients, seconds, prepare, cleanup)

    return measure


def token(port: int, member: Member) -> str:
    body = json.dumps({"username": member.username, "password": member.password}).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    status, answer = http_request(port, "POST", "/api/v1/auth/token/", body, headers)
    if status != 200:
        raise Failure(f"no token for {member.username}: {status} {answer[:500]!r}")
    return json.loads(answer)["token"]


# --- The same claim in plain SQL, with pgbench --------------------------------------------------


def pgbench_script(registry: Registry, workload: str, clients: int) -> str:
    from django.conf import settings

    members = registry.members(workload)[:clients]
    actors = client_case([member.user_id for member in members])
    if workload == OWN:
        choice = OWN_CHOICE.format(
            start=client_case(registry.cursors[:clients]),
            per_block=CLAIMS_PER_BLOCK,
            slots=registry.slots,
            holders=client_case([member.organization_id for member in members]),
            actors=actors,
        )
    else:
        choice = HOT_CHOICE.format(
            block=registry.hot_block, holder=members[0].organization_id, actors=actors
        )
    claim = (
        CLAIM_SQL.replace("{zone}", settings.TIME_ZONE)
        .replace("{period_start}", PERIOD_START)
        .replace("{period_end}", PERIOD_END)
    )
    return choice + claim


def pgbench_claims(
    options: argparse.Namespace, database_name: str, registry: Registry, workload: str
) -> Measure:
    """The claim in plain SQL from pgbench clients; the script is written for each run, from
    the clients' cursors at that moment."""
    defines = {
        "n": "-1",  # a client's first claim is its claim 0
        "first": str(registry.first_block),
        "last": str(registry.last_block),
    }

    def measure(clients: int, seconds: float) -> tuple[Rate, list[str]]:
        with tempfile.NamedTemporaryFile("w", prefix="bench-gec-", suffix=".sql") as script:
            script.write(pgbench_script(registry, workload, clients))
            script.flush()
            try:
                rate = pgbench_rate(
                    options.pgbench,
                    options.server,
                    database_name,
                    script.name,
                    clients,
                    max(1, round(seconds)),  # pgbench -T takes whole seconds
                    defines,
                )
            except Failure as error:
                if workload != OWN or "expected one row, got 0" not in str(error):
                    raise
                raise Failure(
                    f"{error}\n(no claimable block where a client looked: it may have used up "
                    "its blocks; import more rows with --rows)"
                ) from error
        return rate, []

    return measure


# --- Checks and output --------------------------------------------------------------------------


def verify() -> bool:
    """The certificates reconcile and the transparency log, sealed, verifies, pgbench's rows
    included."""
    from certificates.reconciliation import reconcile
    from core import transparency

    started = time.perf_counter()
    reconciliation = reconcile()
    transparency.seal()
    log = transparency.verify_log()
    print(
        f"\nCertificates reconcile: {'yes' if reconciliation.ok else 'NO'} "
        f"({reconciliation.ranges_checked:,} imported rows, "
        f"{reconciliation.blocks_checked:,} blocks); transparency log verifies: "
        f"{'yes' if log.ok else 'NO'} ({log.entries:,} entries); sealed and checked in "
        f"{time.perf_counter() - started:.1f} s"
    )
    if not reconciliation.ok:
        print(f"reconciliation problems: {reconciliation.problems[:5]}", file=sys.stderr)
    if not log.ok:
        print(f"the log breaks at leaf {log.first_broken}: {log.problem}", file=sys.stderr)
    return reconciliation.ok and log.ok


def print_tables(
    options: argparse.Namespace,
    imports: list[Imported],
    results: dict[tuple[str, str, int], Rate],
) -> None:
    print()
    print(f"Import, one call each, {imports[0].rows:,} rows of {PER_ROW} certificates")
    print(f"{'path':<40} {'seconds':>8} {'rows/s':>9} {'certificates/s':>15} {'÷ plain SQL':>12}")
    sql = imports[-1]
    for imported in imports:
        print(
            f"{imported.what:<40} {imported.seconds:>8.2f} "
            f"{imported.rows / imported.seconds:>9,.0f} "
            f"{imported.certificates / imported.seconds:>15,.0f} "
            f"{sql.seconds / imported.seconds:>12.2f}"
        )

    print()
    print(
        f"Claims of 1 certificate per second, {options.seconds:g} s at each level; "
        f"HTTP to gunicorn with {options.workers} sync workers, production settings"
    )
    print(f"{'workload':<10} {'path':<19} {'concurrency':>11} {'claims/s':>9} {'÷ pgbench':>10}")
    for workload in (OWN, HOT):
        for path in PATHS:
            for clients in options.concurrency:
                rate = results.get((workload, path, clients))
                plain = results.get((workload, PGBENCH, clients))
                per_second = "-" if rate is None else f"{rate.per_second:.1f}"
                share = (
                    f"{rate.per_second / plain.per_second:.2f}"
                    if rate is not None and plain is not None and plain.per_second
                    else "-"
                )
                print(f"{workload:<10} {path:<19} {clients:>11} {per_second:>9} {share:>10}")
    counted = sum(rate.count for rate in results.values())
    print(f"claims counted (timed only): {counted:,}")
    # The target is read on processes: that is how the service layer runs when deployed.
    rate = results.get((OWN, PROCESSES, TARGET_CONCURRENCY))
    plain = results.get((OWN, PGBENCH, TARGET_CONCURRENCY))
    goal = (
        f"service layer in processes ≥ {TARGET_SHARE:g} × pgbench, own blocks, at concurrency "
        f"{TARGET_CONCURRENCY}"
    )
    if rate is None or plain is None or not plain.per_second:
        print(f"Target ({goal}): not measured")
    else:
        share = rate.per_second / plain.per_second
        print(f"Target ({goal}): {'met' if share >= TARGET_SHARE else 'MISSED'} ({share:.2f})")


if __name__ == "__main__":
    sys.exit(main())
