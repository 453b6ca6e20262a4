"""Compute accounting at scale: how many readings per second an upload records, and how fast
`GET /api/v1/stats/data-centres/` answers over 10,000 data centres x 12 monthly readings.

Run by hand from the repository root:

    .venv/bin/python bench/compute.py [--quick] [--data-centres N] [--companies N]
                                      [--repeat N] [--server URL]

`--quick` is a smoke run: 300 data centres, 5 timed runs (under a minute). The defaults take
about twelve minutes on two cores, nearly all of it the upload. Run it on an otherwise idle
machine: this process and PostgreSQL share the cores, and another process's load moves the
numbers.

It makes a throwaway PostgreSQL database (`bench_compute_<pid>_<hex>` on 127.0.0.1:5432 as user
postgres), migrates it and loads the reference data with the real command, with the production
settings. It makes `--companies` companies (5), each with a user, and `--data-centres` data
centres (10,000) as raw rows, as a factory writes them (`bulk_create`, owned by the companies in
turn, spread over every province in its regional grid).

Upload: for each data centre, a CSV file of its 12 monthly readings of 2025 (half-open periods,
2025-01-01 to 2025-02-01 for January; PUE between 1.10 and 1.60 by data centre, a little higher in
summer; on-site renewables at every fourth; water at every other), parsed by the API's CSV
parser and recorded by `compute.services.uploads.upload_readings`, the service behind
`POST /api/v1/data-centres/{id}/readings/upload/`: one transaction per data centre, each row
through `record_reading` (lock, overlap check, figures, audit entry, the data centre's yearly
sums). Timed as a whole: rows per second, one client.

Statistics: for each grouping (province, grid region, tier), the median and the slowest of
`--repeat` runs (20), after one untimed run, of

- `GET /api/v1/stats/data-centres/?group_by=...` as the public asks it (no year: the latest),
  JSON and CSV, through Django's test client, which runs the whole view stack (middleware,
  authentication, the query, serializer and renderer) without a server;
- the same aggregate as one plain SQL query over the readings, with psycopg on its own
  connection: each data centre's year summed from its current readings, its tier from the
  thresholds, then the groups; what the endpoint would run without the yearly sums;
- the endpoint's own query alone, plain SQL over the yearly sums (`compute_datacentreyear`).

The endpoint's groups (as a regulator sees them, none withheld) are checked against the plain
SQL over the readings: the same data centres and the same sums, so the yearly sums kept by the
services are right at this scale. The target: every grouping answers in under 20 ms.
"""

import argparse
import csv
import io
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from io import StringIO

import psycopg
from harness import (
    POSTGRES_SERVER,
    django_on,
    engine_name,
    production_environment,
    throwaway_database,
)

YEAR = 2025
MONTHS = 12
GROUPINGS = ("province", "grid_region", "tier")
TARGET_MS = 20.0
COLUMNS = (
    "period_start",
    "period_end",
    "total_energy_kwh",
    "it_energy_kwh",
    "onsite_renewable_kwh",
    "water_m3",
)

# Each data centre's year summed from its current readings, then grouped: the statistics as one
# query without the yearly sums. `{key}` is the group's expression, `{tiers}` the thresholds'
# WHEN clauses.
OVER_READINGS = """
WITH years AS (
    SELECT reading.data_centre_id, sum(reading.total_energy_kwh) AS total,
        sum(reading.it_energy_kwh) AS it, sum(reading.green_energy_kwh) AS green,
        sum(reading.location_based_tco2e) AS location_based,
        sum(reading.market_based_tco2e) AS market_based,
        sum(reading.energy_for_assessment_kwh) AS assessed
    FROM compute_reading AS reading
    WHERE reading.superseded_at IS NULL
        AND reading.period_start >= make_date(%(year)s, 1, 1)
        AND reading.period_start < make_date(%(year)s + 1, 1, 1)
    GROUP BY reading.data_centre_id
)
SELECT {key} AS key, count(*), sum(total), sum(it), sum(total) / sum(it), sum(green) / sum(total),
    sum(location_based), sum(market_based), sum(assessed)
FROM years JOIN compute_datacentre AS data_centre ON data_centre.id = years.data_centre_id
GROUP BY 1 ORDER BY 1
"""
OVER_READINGS_KEYS = {
    "province": "data_centre.province",
    "grid_region": "data_centre.grid_region",
    "tier": "CASE {tiers} ELSE %(fails)s END",
}
# The endpoint's query alone: the yearly sums the services keep, one row per data centre.
OVER_SUMS = """
SELECT {key} AS key, count(*), sum(total_energy_kwh), sum(it_energy_kwh),
    sum(total_energy_kwh) / sum(it_energy_kwh), sum(green_energy_kwh) / sum(total_energy_kwh),
    sum(location_based_tco2e), sum(market_based_tco2e), sum(energy_for_assessment_kwh)
FROM compute_datacentreyear AS summary
JOIN compute_datacentre AS data_centre ON data_centre.id = summary.data_centre_id
WHERE summary.year = %(year)s
GROUP BY 1 ORDER BY 1
"""
OVER_SUMS_KEYS = {
    "province": "data_centre.province",
    "grid_region": "data_centre.grid_region",
    "tier": "summary.tier",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=POSTGRES_SERVER, help="PostgreSQL server URL")
    parser.add_argument("--data-centres", type=int, default=10000, help="data centres")
    parser.add_argument("--companies", type=int, default=5, help="companies owning them")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per measurement")
    parser.add_argument("--quick", action="store_true", help="300 data centres, 5 runs")
    options = parser.parse_args()
    if options.quick:
        options.data_centres, options.repeat = 300, 5
    if options.data_centres < 1 or options.companies < 1 or options.repeat < 1:
        parser.error("--data-centres, --companies and --repeat must be at least 1")
    name = f"bench_compute_{os.getpid()}_{secrets.token_hex(4)}"
    with (
        throwaway_database(name, server=options.server) as database_url,
        django_on(production_environment(database_url)),
    ):
        return run(options, database_url)


def elapsed(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"


def run(options: argparse.Namespace, database_url: str) -> int:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_library", stdout=StringIO())
    print(f"{engine_name()}; migrated, reference data loaded in {elapsed(started)}", flush=True)

    started = time.perf_counter()
    data_centres = make_data_centres(options.data_centres, options.companies)
    print(
        f"{len(data_centres):,} data centres of {options.companies} companies written in "
        f"{elapsed(started)}",
        flush=True,
    )
    rows, seconds = upload(data_centres)
    print(
        f"Upload: {rows:,} readings ({len(data_centres):,} CSV files of {MONTHS} rows) recorded "
        f"by upload_readings in {seconds:.1f} s: {rows / seconds:,.0f} rows/s, one client",
        flush=True,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    problems = measure(options.repeat, database_url)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def make_data_centres(count: int, companies: int) -> list:
    """`count` data centres owned by `companies` companies in turn, over every province (in the
    first regional grid the reference data gives it), each owner with a user; raw rows."""
    from accounts.models import Organization, User
    from compute.models import DataCentre
    from core.provinces import Province
    from methodologies.models import ProvinceGridRegion

    owners = []
    for index in range(companies):
        organization = Organization.objects.create(
            name=f"Bench Computing Co. {index + 1}", kind="proponent", province="Beijing"
        )
        user = User.objects.create_user(
            username=f"bench-company-{index + 1}",
            password=secrets.token_urlsafe(16),
            organization=organization,
        )
        owners.append(user)
    regions = {}
    for province, grid_region in ProvinceGridRegion.objects.order_by("area").values_list(
        "province", "grid_region"
    ):
        regions.setdefault(province, grid_region)
    provinces = [province for province in Province.values if province in regions]
    data_centres = [
        DataCentre(
            owner_id=owners[index % companies].organization_id,
            name=f"Bench data centre {index + 1:05d}",
            province=provinces[index % len(provinces)],
            grid_region=regions[provinces[index % len(provinces)]],
            hub_node=index % 5 == 0,
            commissioned_on=date(2015 + index % 10, 1 + index % 12, 1),
            registered_by=owners[index % companies],
        )
        for index in range(count)
    ]
    DataCentre.objects.bulk_create(data_centres, batch_size=2000)
    users = {user.organization_id: user for user in owners}
    return [(data_centre, users[data_centre.owner_id]) for data_centre in data_centres]


def readings_csv(index: int) -> bytes:
    """Data centre `index`'s 12 monthly readings of YEAR as a CSV file: IT energy between 300
    and 1,290 MWh a month, PUE between 1.10 and 1.59, 0.05 higher in June to August."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    it = 300000 + (index % 100) * 10000
    pue_hundredths = 110 + (index * 37) % 50
    for month in range(1, MONTHS + 1):
        summer = 5 if month in (6, 7, 8) else 0
        total = it * (pue_hundredths + summer) // 100
        onsite = total // 20 if index % 4 == 0 else 0
        water = str(it // 500) if index % 2 == 0 else ""
        end = date(YEAR + 1, 1, 1) if month == 12 else date(YEAR, month + 1, 1)
        writer.writerow([date(YEAR, month, 1), end, total, it, onsite, water])
    return out.getvalue().encode()


def upload(data_centres: list) -> tuple[int, float]:
    """Each data centre's CSV file parsed as the API parses it and recorded by the upload
    service; the readings recorded and the seconds taken."""
    from compute.services.uploads import upload_readings
    from core.parsers import CSVParser

    parser = CSVParser()
    rows = 0
    report_every = max(1, len(data_centres) // 10)
    started = time.perf_counter()
    for index, (data_centre, user) in enumerate(data_centres):
        parsed = parser.parse(io.BytesIO(readings_csv(index)))["rows"]
        uploaded = upload_readings(actor=user, data_centre=data_centre, rows=parsed)
        assert uploaded.created == MONTHS, uploaded
        rows += uploaded.created
        if (index + 1) % report_every == 0:
            seconds = time.perf_counter() - started
            print(
                f"  {index + 1:>6,} data centres, {rows:>7,} readings, "
                f"{rows / seconds:,.0f} rows/s",
                flush=True,
            )
    return rows, time.perf_counter() - started


def timed(function: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and slowest of `repeat` runs, in ms, after one untimed run."""
    function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def tier_params() -> tuple[str, dict]:
    """The WHEN clauses of the tiers, over `total` and `it`, and their parameters."""
    from compute import reference

    clauses, params = [], {"fails": reference.FAILS}
    for index, tier in enumerate(reference.tier_thresholds()):
        clauses.append(f"WHEN total <= %(pue_max_{index})s * it THEN %(tier_{index})s")
        params[f"pue_max_{index}"] = tier.pue_max
        params[f"tier_{index}"] = tier.tier
    return " ".join(clauses), params


def measure(repeat: int, database_url: str) -> list[str]:
    import warnings

    from django.test import Client

    from accounts.models import Organization, User
    from compute.stats import data_centre_totals

    # No collected static files in a benchmark database's checkout: whitenoise says so, once.
    warnings.filterwarnings("ignore", message="No directory at")
    client = Client(HTTP_HOST="127.0.0.1")
    regulator = User.objects.create_user(
        username="bench-regulator",
        password=secrets.token_urlsafe(16),
        organization=Organization.objects.create(
            name="Bench Ministry", kind="regulator", province="Beijing"
        ),
    )
    tiers, params = tier_params()
    params["year"] = YEAR
    problems = []
    results = []
    with psycopg.connect(database_url, autocommit=True) as plain:
        for group_by in GROUPINGS:
            key = OVER_READINGS_KEYS[group_by].format(tiers=tiers)
            over_readings = OVER_READINGS.format(key=key)
            over_sums = OVER_SUMS.format(key=OVER_SUMS_KEYS[group_by])

            def get(group_by=group_by, **extra):
                response = client.get(
                    "/api/v1/stats/data-centres/", {"group_by": group_by, **extra}
                )
                if response.status_code != 200:
                    problems.append(f"{group_by}: GET answered {response.status_code}")
                return response

            def sql(query, plain=plain):
                return plain.execute(query, params).fetchall()

            everything = data_centre_totals(user=regulator, group_by=group_by, year=YEAR)
            expected = sql(over_readings)
            problems.extend(compare(group_by, everything.rows, expected))
            public = get().json()
            results.append(
                (
                    group_by,
                    len(expected),
                    len(public),
                    timed(get, repeat),
                    timed(lambda get=get: get(format="csv"), repeat),
                    timed(lambda q=over_readings: sql(q), repeat),
                    timed(lambda q=over_sums: sql(q), repeat),
                )
            )
    print(
        f"\nGET /api/v1/stats/data-centres/ (the public, latest year), and the same aggregate "
        f"in plain SQL: median / slowest of {repeat} runs, ms"
    )
    header = (
        f"{'group_by':>12} {'groups':>7} {'public':>7} {'GET json':>12} {'GET csv':>12} "
        f"{'SQL readings':>13} {'SQL sums':>12}  under {TARGET_MS:.0f} ms"
    )
    print(header)
    for group_by, groups, public, over_json, over_csv, readings, sums in results:
        met = "yes" if max(over_json[0], over_csv[0]) < TARGET_MS else "NO"
        print(
            f"{group_by:>12} {groups:>7,} {public:>7,} {cell(over_json):>12} {cell(over_csv):>12} "
            f"{cell(readings):>13} {cell(sums):>12}  {met}",
            flush=True,
        )
    print(
        "\ngroups: as a regulator sees them; public: shown to the public (groups of fewer than "
        "COMPUTE_PUBLIC_MIN_GROUP withheld).\nSQL readings: one query summing the current "
        "readings per data centre, then per group (no yearly sums); SQL sums: the endpoint's "
        "query alone.\nThe endpoint's groups "
        + ("agree with SQL over the readings." if not problems else "DISAGREE: see below.")
    )
    return problems


def compare(group_by: str, rows: list[dict], expected: list[tuple]) -> list[str]:
    """The endpoint's groups against the plain SQL over the readings: the same keys, data
    centres and sums (the ratios follow from the sums)."""
    mine = {
        row["key"]: (
            row["data_centres"],
            row["total_energy_kwh"],
            row["it_energy_kwh"],
            row["location_based_tco2e"],
            row["market_based_tco2e"],
            row["energy_for_assessment_kwh"],
        )
        for row in rows
    }
    theirs = {
        key: (count, total, it, location, market, assessed)
        for key, count, total, it, _, _, location, market, assessed in expected
    }
    if mine == theirs:
        return []
    differing = sorted(
        key for key in mine.keys() | theirs.keys() if mine.get(key) != theirs.get(key)
    )
    return [f"{group_by}: the endpoint and the plain SQL differ for {differing[:5]}"]


def cell(times: tuple[float, float]) -> str:
    return f"{times[0]:.1f} / {times[1]:.1f}"


if __name__ == "__main__":
    sys.exit(main())
