"""How fast the regulators' totals answer on registry-sized data.

Run by hand from the repository root:

    .venv/bin/python bench/stats.py [--projects N] [--blocks N] [--repeat N]

It makes a throwaway PostgreSQL database (`bench_stats_<pid>_<hex>` on 127.0.0.1:5432 as user
postgres), migrates it and loads the methodology library and the demo data with the real
commands. The demo's offshore wind farm, registered and issued through the services, is the
template: the script copies its project, monitoring report and issuance in SQL, N times
(20,000 by default), spread over every province and four sectors, each issuance with its own
serial range, and splits every issuance into M blocks (50 by default, so 1,000,000 blocks),
a quarter of them each active, frozen, retired and cancelled, in the template's account. These
are raw rows, as a factory writes them, not states reached through the services (that would take
hours); the exclusion constraint still checks every block, and the closing reconciliation proves
every issuance's blocks partition its range.

The kept totals (`CreditTotal`, one row per project and vintage) of the copies are filled from
their blocks in SQL, as the migration that introduced them does, and each copied issuance gets
its split by vintage; the closing reconciliation proves the totals equal to the blocks.

Then, for each grouping (vintage, methodology, sector, province, project), it times the plain
GROUP BY over the blocks (the query the totals ran before they were kept), and in the same run
`registry.reporting.selectors.credit_totals` in this process and `GET /api/v1/stats/totals/`
through Django's test client, which runs the whole view stack without a server: JSON (by
project, the first page of 100 rows, and a page from the middle), and by project the full CSV.
Each is the median and the slowest of `--repeat` runs (5 by default), after one untimed run;
every grouping's rows must equal the plain GROUP BY's, and its GET must answer under 20 ms (the
full CSV under 300 ms). Last, `?serial=` through the range index: its plan and its time.
With the defaults it takes a few minutes on two cores, most of it writing the rows.
"""

import argparse
import io
import os
import secrets
import statistics
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

SECTORS = ["energy_industries", "energy_demand", "transport", "waste"]
TARGET_MS = 20  # every grouping's GET, by project a page of 100 rows
TARGET_CSV_MS = 300  # by project, every row as CSV


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=POSTGRES_SERVER, help="PostgreSQL server URL")
    parser.add_argument("--projects", type=int, default=20000, help="projects with an issuance")
    parser.add_argument("--blocks", type=int, default=50, help="blocks per issuance")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measurement")
    options = parser.parse_args()
    if options.projects < 1 or options.blocks < 4 or options.repeat < 1:
        parser.error("--projects and --repeat must be at least 1, --blocks at least 4")
    name = f"bench_stats_{os.getpid()}_{secrets.token_hex(4)}"
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

    started = time.perf_counter()
    blocks = write_rows(options.projects, options.blocks)
    print(
        f"{options.projects:,} projects, {options.projects:,} issuances and {blocks:,} blocks "
        f"written in {elapsed(started)}",
        flush=True,
    )
    problems = measure(options.repeat)
    return 1 if problems else 0


def elapsed(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"


def columns(model, **overrides: str) -> tuple[str, str]:
    """The model's column list (without its id) and the SELECT list copying a template row `t`,
    with some columns computed instead."""
    names = [field.column for field in model._meta.concrete_fields if not field.primary_key]
    return ", ".join(names), ", ".join(overrides.get(name, f"t.{name}") for name in names)


def write_rows(projects: int, blocks: int) -> int:
    """Copies of the demo's issued project, report and issuance, and `blocks` blocks for each
    issuance; returns how many blocks there are in all."""
    from django.db import connection, transaction

    from core.provinces import Province
    from registry.ledger.models import CreditBlock, Issuance, SerialCounter
    from registry.projects.models import MonitoringReport, Project

    # The offshore wind farm: the demo's first issuance (the data centre's comes later).
    template = Issuance.objects.order_by("id").first()
    # Rows past these ids are the copies (the demo has a second project, not issued).
    last_project = Project.objects.order_by("-id").values_list("id", flat=True)[0]
    last_report = MonitoringReport.objects.order_by("-id").values_list("id", flat=True)[0]
    last_issuance = Issuance.objects.order_by("-id").values_list("id", flat=True)[0]
    # The copies' serials follow every serial handed out (the demo issues more than one).
    last_serial = SerialCounter.objects.get().last_serial
    account_id = CreditBlock.objects.filter(issuance=template).values_list("account_id").first()[0]
    provinces = "ARRAY[" + ", ".join(f"'{province}'" for province in Province.values) + "]"
    sectors = "ARRAY[" + ", ".join(f"'{sector}'" for sector in SECTORS) + "]"
    span = template.quantity
    project_columns, project_copy = columns(
        Project,
        title="t.title || ' copy ' || g",
        # %% : the statement is run with parameters, so a literal % is doubled.
        province=f"({provinces})[1 + g %% {len(Province.values)}]",
        sector=f"({sectors})[1 + g %% {len(SECTORS)}]",
    )
    report_columns, report_copy = columns(MonitoringReport, project_id="p.id")
    issuance_columns, issuance_copy = columns(
        Issuance,
        report_id="r.id",
        project_id="r.project_id",
        first_serial=f"{last_serial} + 1 + (r.id - {last_report} - 1) * {span}",
        last_serial=f"{last_serial} + (r.id - {last_report}) * {span}",
    )
    per_block = span // blocks
    statuses = "ARRAY['active', 'frozen', 'retired', 'cancelled']"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO projects_project ({project_columns}) "  # noqa: S608 - our own names
            f"SELECT {project_copy} FROM projects_project t, generate_series(1, %s) g "
            f"WHERE t.id = %s",
            [projects, template.project_id],
        )
        cursor.execute(
            f"INSERT INTO projects_monitoringreport ({report_columns}) "  # noqa: S608
            f"SELECT {report_copy} FROM projects_monitoringreport t, projects_project p "
            f"WHERE t.id = %s AND p.id > %s ORDER BY p.id",
            [template.report_id, last_project],
        )
        cursor.execute(
            f"INSERT INTO ledger_issuance ({issuance_columns}) "  # noqa: S608
            f"SELECT {issuance_copy} FROM ledger_issuance t, projects_monitoringreport r "
            f"WHERE t.id = %s AND r.id > %s",
            [template.pk, last_report],
        )
        # Block b of an issuance: `per_block` serials, the last block taking the remainder;
        # its vintage from the template's split, its state by turns.
        cursor.execute(
            """
            INSERT INTO ledger_creditblock
                (created_at, issuance_id, project_id, vintage, first, last, quantity,
                 account_id, status)
            SELECT now(), i.id, i.project_id,
                   CASE WHEN b < %(blocks)s / 2 THEN 2024 ELSE 2025 END,
                   i.first_serial + b * %(per_block)s,
                   CASE WHEN b = %(blocks)s - 1 THEN i.last_serial
                        ELSE i.first_serial + (b + 1) * %(per_block)s - 1 END,
                   CASE WHEN b = %(blocks)s - 1 THEN i.last_serial - i.first_serial + 1
                        - b * %(per_block)s ELSE %(per_block)s END,
                   %(account)s, ({statuses})[1 + b %% 4]
            FROM ledger_issuance i, generate_series(0, %(blocks)s - 1) b
            WHERE i.id > %(last_issuance)s
            """.replace("{statuses}", statuses),
            {
                "blocks": blocks,
                "per_block": per_block,
                "account": account_id,
                "last_issuance": last_issuance,
            },
        )
        # The copies' kept totals and split by vintage, from their blocks, as migration
        # ledger 0010 fills them.
        cursor.execute(
            """
            INSERT INTO ledger_credittotal
                (project_id, vintage, methodology_id, sector, province,
                 active, frozen, retired, cancelled)
            SELECT b.project_id, b.vintage, p.methodology_id, p.sector, p.province,
                   COALESCE(SUM(b.quantity) FILTER (WHERE b.status = 'active'), 0),
                   COALESCE(SUM(b.quantity) FILTER (WHERE b.status = 'frozen'), 0),
                   COALESCE(SUM(b.quantity) FILTER (WHERE b.status = 'retired'), 0),
                   COALESCE(SUM(b.quantity) FILTER (WHERE b.status = 'cancelled'), 0)
            FROM ledger_creditblock b JOIN projects_project p ON p.id = b.project_id
            WHERE b.issuance_id > %(last_issuance)s
            GROUP BY b.project_id, b.vintage, p.methodology_id, p.sector, p.province
            """,
            {"last_issuance": last_issuance},
        )
        cursor.execute(
            """
            UPDATE ledger_issuance i SET vintages = split.vintages
            FROM (
                SELECT issuance_id, jsonb_agg(jsonb_build_object('vintage', vintage,
                       'first', first, 'last', last, 'quantity', quantity) ORDER BY first)
                       AS vintages
                FROM (SELECT issuance_id, vintage, MIN(first) AS first, MAX(last) AS last,
                             SUM(quantity)::bigint AS quantity
                      FROM ledger_creditblock WHERE issuance_id > %(last_issuance)s
                      GROUP BY issuance_id, vintage) per_vintage
                GROUP BY issuance_id
            ) split
            WHERE i.id = split.issuance_id
            """,
            {"last_issuance": last_issuance},
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return CreditBlock.objects.count()


def timed(function, repeat: int) -> tuple[float, float]:
    """Median and slowest of `repeat` runs, in ms, after one untimed run."""
    function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def blocks_grouped(group_by: str) -> list[dict]:
    """The plain GROUP BY over every block, as the totals were computed before they were kept:
    the reference each grouping's answer must equal."""
    from django.db.models import F, Q, Sum, Value
    from django.db.models.functions import Concat

    from registry.ledger.models import CreditBlock
    from registry.reporting.selectors import STATES

    key = {
        "vintage": F("vintage"),
        "methodology": Concat(
            "project__methodology__code", Value("-"), "project__methodology__version"
        ),
        "sector": F("project__sector"),
        "province": F("project__province"),
        "project": F("project_id"),
    }[group_by]
    sums = {state: Sum("quantity", filter=Q(status=state), default=0) for state in STATES}
    rows = CreditBlock.objects.values(key=key).annotate(**sums).order_by("key")
    return [{"key": str(row["key"]), **{state: row[state] for state in STATES}} for row in rows]


def figures_of(rows: list[dict]) -> list[dict]:
    from registry.reporting.selectors import STATES

    return [{"key": row["key"], **{state: row[state] for state in STATES}} for row in rows]


def measure(repeat: int) -> list[str]:
    import csv
    import warnings

    from django.test import Client

    from registry.ledger.reconciliation import reconcile
    from registry.reporting.selectors import GROUPINGS, PROJECT_PAGE_SIZE, credit_totals

    # No collected static files in a benchmark database's checkout: whitenoise says so, once.
    warnings.filterwarnings("ignore", message="No directory at")
    client = Client(HTTP_HOST="127.0.0.1")
    problems = []
    print(f"\nTotals, median and slowest of {repeat} runs (ms); target: GET under {TARGET_MS} ms")
    print(
        f"{'group_by':>12} {'groups':>7} {'GROUP BY blocks':>16} {'selector':>12} "
        f"{'GET json':>12} {'GET mid page':>13} {'GET csv':>12} {'equal':>6} {'target':>7}"
    )
    for group_by in GROUPINGS:
        reference = blocks_grouped(group_by)
        plain = timed(lambda g=group_by: blocks_grouped(g), repeat)
        rows = credit_totals(group_by=group_by)
        if any(
            row["issued"] != row["active"] + row["frozen"] + row["retired"] + row["cancelled"]
            for row in rows
        ):
            problems.append(f"{group_by}: issued is not the sum of the states")
        equal = figures_of(rows) == reference
        selector = timed(lambda g=group_by: credit_totals(group_by=g), repeat)

        def get(g=group_by, **extra):
            response = client.get("/api/v1/stats/totals/", {"group_by": g, **extra})
            if response.status_code != 200:
                problems.append(f"{g}: GET answered {response.status_code}")
            return response

        answer = get()
        if group_by == "project":
            # The first page, a page from the middle, and every row as CSV: each equal to the
            # plain GROUP BY's rows in the same places.
            page = answer.json()
            equal &= figures_of(page) == reference[:PROJECT_PAGE_SIZE]
            middle = len(reference) // 2
            after = reference[middle - 1]["key"]
            deep = get(after=after).json()
            equal &= figures_of(deep) == reference[middle : middle + PROJECT_PAGE_SIZE]
            lines = list(csv.DictReader(io.StringIO(get(format="csv").content.decode())))
            from_csv = [
                {
                    "key": line["key"],
                    **{s: int(line[s]) for s in ("active", "frozen", "retired", "cancelled")},
                }  # fmt: skip
                for line in lines
            ]
            equal &= from_csv == reference
        else:
            equal &= figures_of(answer.json()) == reference
        over_json = timed(get, repeat)
        over_middle = over_csv = None
        if group_by == "project":
            over_middle = timed(lambda a=after: get(after=a), repeat)
            over_csv = timed(lambda: get(format="csv"), repeat)
        met = max(over_json[1], over_middle[1] if over_middle else 0) < TARGET_MS and (
            over_csv is None or over_csv[1] < TARGET_CSV_MS
        )
        if not equal:
            problems.append(f"{group_by}: the totals differ from the plain GROUP BY")
        print(
            f"{group_by:>12} {len(rows):>7,} {cell(plain):>16} {cell(selector):>12} "
            f"{cell(over_json):>12} {cell(over_middle):>13} {cell(over_csv):>12} "
            f"{'yes' if equal else 'NO':>6} {'met' if met else 'MISSED':>7}",
            flush=True,
        )
    serial_lookup(repeat)
    started = time.perf_counter()
    reconciliation = reconcile()
    print(
        f"\nLedger reconciles: {'yes' if reconciliation.ok else 'NO'} "
        f"({reconciliation.issuances_checked:,} issuances, {reconciliation.blocks_checked:,} "
        f"blocks, {reconciliation.totals_checked:,} kept totals) in {elapsed(started)}"
    )
    if not reconciliation.ok:
        problems.append(f"reconciliation: {reconciliation.problems[:3]}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return problems


def serial_lookup(repeat: int) -> None:
    """`?serial=`'s query for a serial in the middle of the ledger: its plan and its time."""
    from django.db import connection

    from registry.ledger import selectors
    from registry.ledger.models import CreditBlock

    with connection.cursor() as cursor:
        cursor.execute("SELECT (MIN(first) + MAX(last)) / 2 FROM ledger_creditblock")
        (serial,) = cursor.fetchone()
    query = selectors.blocks_holding_serial(CreditBlock.objects.all(), serial)
    found = timed(lambda: list(query.all()), repeat)
    plan = query.explain()
    print(f"\n?serial={serial}: {cell(found)} ms; plan:")
    print("    " + plan.replace("\n", "\n    "))


def cell(times: tuple[float, float] | None) -> str:
    return "-" if times is None else f"{times[0]:.0f} / {times[1]:.0f}"


if __name__ == "__main__":
    sys.exit(main())
