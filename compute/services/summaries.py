"""The yearly sums of each data centre (`DataCentreYear`), kept up to date in the transaction that
changes a reading, as the ledger keeps its totals: recording or correcting a reading
(`compute.services.readings`) and recomputing figures for a new factor
(`compute.services.recompute`) each end with `refresh_years`. The statistics then add up one row
per data centre and year (10,000 rows for 10,000 data centres), never the year's readings.

A year's row is rebuilt from the current readings in one statement (their sums, inserted or
written over the row), never moved by increments: whatever wrote the readings, a refresh leaves
the row equal to their sums. A data centre's year never loses its last current reading (readings
are never deleted, and a correction repeats its period), so a row is never left without one.
The tier is the best grade of COMPUTE_TIER_SCHEME the year's PUE (Σtotal / ΣIT) meets, compared
as `total <= pue_max x IT`, as `compute.reference.tier_of` compares it, or FAILS above them all.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import connection

from compute import reference

# The tables of `DataCentreYear`, `Reading` and `methodologies.EfficiencyTier`.
# `%(data_centres)s` and `%(years)s`: the pairs to refresh, as two arrays of equal length.
REFRESH = """
INSERT INTO compute_datacentreyear AS summary (data_centre_id, year, readings, total_energy_kwh,
    it_energy_kwh, green_energy_kwh, location_based_tco2e, market_based_tco2e,
    energy_for_assessment_kwh, tier)
SELECT sums.*, COALESCE(
    (SELECT tier.tier FROM methodologies_efficiencytier AS tier
     WHERE tier.scheme = %(scheme)s AND sums.total <= tier.pue_max * sums.it
     ORDER BY tier.pue_max LIMIT 1),
    %(fails)s)
FROM (
    SELECT reading.data_centre_id, pair.year, count(*), sum(reading.total_energy_kwh) AS total,
        sum(reading.it_energy_kwh) AS it, sum(reading.green_energy_kwh),
        sum(reading.location_based_tco2e), sum(reading.market_based_tco2e),
        sum(reading.energy_for_assessment_kwh)
    FROM compute_reading AS reading
    JOIN unnest(%(data_centres)s::bigint[], %(years)s::integer[]) AS pair(data_centre_id, year)
        ON reading.data_centre_id = pair.data_centre_id
    WHERE reading.superseded_at IS NULL
        AND reading.period_start >= make_date(pair.year, 1, 1)
        AND reading.period_start < make_date(pair.year + 1, 1, 1)
    GROUP BY reading.data_centre_id, pair.year
) AS sums
ON CONFLICT (year, data_centre_id) DO UPDATE SET
    readings = EXCLUDED.readings,
    total_energy_kwh = EXCLUDED.total_energy_kwh,
    it_energy_kwh = EXCLUDED.it_energy_kwh,
    green_energy_kwh = EXCLUDED.green_energy_kwh,
    location_based_tco2e = EXCLUDED.location_based_tco2e,
    market_based_tco2e = EXCLUDED.market_based_tco2e,
    energy_for_assessment_kwh = EXCLUDED.energy_for_assessment_kwh,
    tier = EXCLUDED.tier
"""


def refresh_years(pairs: Iterable[tuple[int, int]]) -> None:
    """Rebuild the yearly sums of these (data centre id, year) pairs from their current
    readings. Caller: the transaction that changed the readings, holding the data centres'
    locks (`compute.locks`), so no other refresh of the same rows runs meanwhile."""
    pairs = sorted(set(pairs))
    if not pairs:
        return
    params = {
        "data_centres": [data_centre for data_centre, _ in pairs],
        "years": [year for _, year in pairs],
        "scheme": settings.COMPUTE_TIER_SCHEME,
        "fails": reference.FAILS,
    }
    with connection.cursor() as cursor:
        cursor.execute(REFRESH, params)


def refresh_year(data_centre_id: int, year: int) -> None:
    """Rebuild one data centre's sums of one year (`refresh_years`)."""
    refresh_years([(data_centre_id, year)])
