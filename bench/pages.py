"""How fast the regulator's national dashboard and the public front page answer at 1,000,000
credit blocks.

Run by hand from the repository root:

    .venv/bin/python bench/pages.py [--projects N] [--blocks N] [--repeat N]

It makes a throwaway PostgreSQL database (`bench_pages_<pid>_<hex>` on 127.0.0.1:5432 as user
postgres), migrates it, loads the library and the demo, and writes N projects with an issuance
each split into M blocks (20,000 x 50 = 1,000,000 by default) with `bench/stats.py`'s
`write_rows`: raw rows in SQL, a quarter of the blocks each active, frozen, retired and
cancelled, with their kept totals. Every retired block also gets its retirement certificate
(one row each, 250,000 by default), dated over the last 36 months and spread over the four
purposes, counted in the kept retirement totals by month, purpose and stripe as
`retire_credits` counts them (`registry.ledger.totals`), so that the dashboard's retirements
over time read a registry-sized ledger.

Then it times, through Django's test client (the whole view stack, templates included,
without a server), the server time of `GET /workspace/regulator/` signed in as the demo's
regulator and of `GET /`, each the median and the slowest of `--repeat` loads after one
untimed load, with the number of SQL queries each page runs: with the public aggregates kept
in the cache as in production (`PUBLIC_TOTALS_CACHE_SECONDS=60`), and with that cache off (0),
so every load recomputes them. In the same run: the plain SQL of the same totals over the
blocks and the retirement certificates (what the pages would cost without the kept totals), the
same over the kept totals and kept retirement totals, and the dashboard's selectors alone.
Target: every page under 100 ms.
"""

import argparse
import os
import secrets
import sys
import time
from io import StringIO

from harness import (
    POSTGRES_SERVER,
    django_on,
    engine_name,
    production_environment,
    throwaway_database,
)
from stats import cell, elapsed, timed, write_rows

TARGET_MS = 100
PURPOSES = "ARRAY['compliance', 'event_neutrality', 'corporate_neutrality', 'public_good']"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=POSTGRES_SERVER, help="PostgreSQL server URL")
    parser.add_argument("--projects", type=int, default=20000, help="projects with an issuance")
    parser.add_argument("--blocks", type=int, default=50, help="blocks per issuance")
    parser.add_argument("--repeat", type=int, default=7, help="timed loads per page")
    options = parser.parse_args()
    if options.projects < 1 or options.blocks < 4 or options.repeat < 1:
        parser.error("--projects and --repeat must be at least 1, --blocks at least 4")
    name = f"bench_pages_{os.getpid()}_{secrets.token_hex(4)}"
    with (
        throwaway_database(name, server=options.server) as database_url,
        django_on(production_environment(database_url)),
    ):
        return run(options)


def run(options: argparse.Namespace) -> int:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_library", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    print(f"{engine_name()}; migrated, library and demo loaded in {elapsed(started)}", flush=True)

    from registry.ledger.models import Issuance

    started = time.perf_counter()
    # The copies' issuances come after the demo's.
    last_issuance = Issuance.objects.order_by("-id").values_list("id", flat=True)[0]
    blocks = write_rows(options.projects, options.blocks)
    retirements = write_retirements(last_issuance)
    print(
        f"{options.projects:,} projects, {blocks:,} blocks and {retirements:,} retirement "
        f"certificates written in {elapsed(started)}",
        flush=True,
    )
    from registry.ledger.reconciliation import check_retirement_totals

    # The kept retirement totals written here must be what the certificates sum to, or the
    # dashboard's row would time a table that answers something else.
    checked, differing, problems = check_retirement_totals()
    print(f"kept retirement totals: {checked:,} (month, purpose) sums checked, {differing} differ")
    if differing:
        print(problems, file=sys.stderr)
        return 1
    return 1 if measure(options.repeat) else 0


def write_retirements(last_issuance: int) -> int:
    """A retirement certificate for every retired block of the copies (issuances past
    `last_issuance`), by the block's holder, dated back over 36 months and given a purpose by
    turns, and the kept retirement totals moved by them: per month in the registry's time zone,
    purpose and stripe, what `retire_credits` adds one retirement at a time, added here in one
    statement. (Not "every retired block without one": an anti-join against the table being
    written would read every row inserted so far, once per row.)"""
    from django.conf import settings
    from django.db import connection, transaction

    from registry.ledger.models import Retirement

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO ledger_retirement
                (created_at, block_id, holder_id, beneficiary, purpose, note)
            SELECT now() - make_interval(days => (b.id %% 1095)::int), b.id, a.organization_id,
                   'Beneficiary ' || b.id, ({PURPOSES})[1 + b.id %% 4], ''
            FROM ledger_creditblock b JOIN ledger_holdingaccount a ON a.id = b.account_id
            WHERE b.status = 'retired' AND b.issuance_id > %s
            """,  # noqa: S608 - our own constant
            [last_issuance],
        )
        cursor.execute(
            """
            INSERT INTO ledger_retirementtotal AS t
                (month, purpose, stripe, quantity, retirements)
            SELECT date_trunc('month', r.created_at AT TIME ZONE %s)::date, r.purpose,
                   b.project_id %% %s, SUM(b.quantity), COUNT(*)
            FROM ledger_retirement r JOIN ledger_creditblock b ON b.id = r.block_id
            WHERE b.issuance_id > %s
            GROUP BY 1, 2, 3
            ON CONFLICT (month, purpose, stripe) DO UPDATE SET
                quantity = t.quantity + EXCLUDED.quantity,
                retirements = t.retirements + EXCLUDED.retirements
            """,
            [settings.TIME_ZONE, settings.RETIREMENT_TOTAL_STRIPES, last_issuance],
        )
        cursor.execute("ANALYZE ledger_retirement")
        cursor.execute("ANALYZE ledger_retirementtotal")
    return Retirement.objects.count()


def plain_totals() -> None:
    """The dashboard's credit totals (by vintage, province and methodology) and retirements by
    month and purpose as plain SQL over the blocks and the retirement certificates: what the
    pages would run without the kept totals."""
    from django.conf import settings
    from django.db import connection

    sums = ", ".join(
        f"SUM(b.quantity) FILTER (WHERE b.status = '{state}')"
        for state in ("active", "frozen", "retired", "cancelled")
    )
    with connection.cursor() as cursor:
        for key in ("b.vintage", "p.province", "p.methodology_id"):
            cursor.execute(
                f"SELECT {key}, {sums} FROM ledger_creditblock b "  # noqa: S608 - constants
                f"JOIN projects_project p ON p.id = b.project_id GROUP BY {key}"
            )
            cursor.fetchall()
        # The month in the registry's time zone, as the kept totals and the dashboard count it.
        cursor.execute(
            "SELECT date_trunc('month', r.created_at AT TIME ZONE %s), r.purpose, "
            "SUM(b.quantity), COUNT(*) "
            "FROM ledger_retirement r JOIN ledger_creditblock b ON b.id = r.block_id "
            "GROUP BY 1, 2",
            [settings.TIME_ZONE],
        )
        cursor.fetchall()


def kept_totals() -> None:
    """The same totals over the kept totals tables, in plain SQL: credits by vintage, province
    and methodology, and retirements by month and purpose (summed over the stripes)."""
    from django.db import connection

    sums = "SUM(active), SUM(frozen), SUM(retired), SUM(cancelled)"
    with connection.cursor() as cursor:
        for key in ("vintage", "province", "methodology_id"):
            cursor.execute(f"SELECT {key}, {sums} FROM ledger_credittotal GROUP BY {key}")  # noqa: S608
            cursor.fetchall()
        cursor.execute(
            "SELECT month, purpose, SUM(quantity), SUM(retirements) "
            "FROM ledger_retirementtotal GROUP BY 1, 2"
        )
        cursor.fetchall()


def measure(repeat: int) -> list[str]:
    import warnings

    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    # No collected static files in a benchmark database's checkout: whitenoise says so, once.
    warnings.filterwarnings("ignore", message="No directory at")
    regulator = Client(HTTP_HOST="127.0.0.1")
    regulator.force_login(User.objects.get(organization__kind="regulator"))
    visitor = Client(HTTP_HOST="127.0.0.1")
    problems: list[str] = []

    def page(client, path):
        def load():
            response = client.get(path)
            if response.status_code != 200:
                problems.append(f"{path} answered {response.status_code}")

        return load

    def queries(load) -> int:
        with CaptureQueriesContext(connection) as captured:
            load()
        return len(captured)

    print(f"\nServer time, median / slowest of {repeat} loads (ms); target: under {TARGET_MS} ms")
    print(f"{'what':>44} {'time':>12} {'queries':>8} {'target':>7}")
    from django.core.cache import cache

    from registry.reporting.selectors import credit_totals, retirements_by_month
    from web import figures

    # The cache is the machine's Redis, which outlives a run's database: nothing of an
    # earlier run may answer for this one.
    keys = (figures.TOTALS_CACHE_KEY, figures.ISSUED_CACHE_KEY, figures.RETIRED_CACHE_KEY)
    cache.delete_many(
        [*keys, *(f"{figures.TOTALS_CACHE_KEY}:{g}" for g in ("province", "methodology"))]
    )

    def dashboard_selectors():
        for group_by in ("vintage", "province", "methodology"):
            credit_totals(group_by=group_by)
        retirements_by_month()

    rows = [
        ("plain SQL over blocks+retirements (baseline)", plain_totals, False, None),
        ("plain SQL over the kept totals", kept_totals, False, None),
        ("the dashboard's totals and retirements", dashboard_selectors, False, None),
        ("GET /workspace/regulator/ (cached)", page(regulator, "/workspace/regulator/"), True, 60),
        ("GET /workspace/regulator/ (no cache)", page(regulator, "/workspace/regulator/"), True, 0),
        ("GET / (front page, cached)", page(visitor, "/"), True, 60),
        ("GET / (front page, no cache)", page(visitor, "/"), True, 0),
    ]
    for label, load, checked, seconds in rows:
        # The production default keeps the public aggregates 60 s; 0 computes them per load.
        with override_settings(PUBLIC_TOTALS_CACHE_SECONDS=seconds or 0):
            times = timed(load, repeat)
            count = queries(load) if checked else None
        met = times[1] < TARGET_MS
        if checked and not met:
            problems.append(f"{label}: slowest {times[1]:.0f} ms")
        print(
            f"{label:>44} {cell(times):>12} {'' if count is None else count:>8} "
            f"{('met' if met else 'MISSED') if checked else '':>7}",
            flush=True,
        )
    for problem in problems:
        print(problem, file=sys.stderr)
    return problems


if __name__ == "__main__":
    sys.exit(main())
