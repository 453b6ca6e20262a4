"""The figures the regulator's dashboard and the public pages draw: rows read by the selectors
(`registry.reporting`, `certificates.stats`, `compute.stats`) turned into `Figure`s, a chart
and its table, with the CSV the API serves of the same rows. Only presentation here: which
series, in which order, under which names; every figure is computed by its selector."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from compute.stats import DataCentreTotals
from web.charts import Figure, Reference, Series

# The cache keys of the public aggregates (`public_totals`); by vintage, the front page's.
TOTALS_CACHE_KEY = "registry:public-totals-by-vintage"
ISSUED_CACHE_KEY = "registry:public-issued-by-month"
RETIRED_CACHE_KEY = "registry:public-retired-by-month"
STATE_SERIES = (
    ("active", _("Active"), "#2f6b45"),
    ("frozen", _("Frozen"), "#4a78a8"),
    ("retired", _("Retired"), "#c98a00"),
    ("cancelled", _("Cancelled"), "#b3261e"),
)
CREDIT_GROUPINGS = {
    "vintage": _("Vintage"),
    "province": _("Province"),
    "methodology": _("Methodology"),
}
# Whole sentences per grouping, so that each reads well in every language.
CREDIT_TITLES = {
    "vintage": _("Credits by vintage"),
    "province": _("Credits by province"),
    "methodology": _("Credits by methodology"),
}
CREDIT_DESCRIPTIONS = {
    "vintage": _(
        "Credits issued per vintage, each bar divided into the credits active, frozen, retired "
        "and cancelled; the table beside the chart gives the figures."
    ),
    "province": _(
        "Credits issued per province, each bar divided into the credits active, frozen, "
        "retired and cancelled; the table beside the chart gives the figures."
    ),
    "methodology": _(
        "Credits issued per methodology, each bar divided into the credits active, frozen, "
        "retired and cancelled; the table beside the chart gives the figures."
    ),
}
PUE_TITLES = {
    "province": _("PUE by province, %(year)s"),
    "grid_region": _("PUE by grid region, %(year)s"),
    "tier": _("PUE by tier, %(year)s"),
}


def public_totals(key: str, compute: Callable[[], Any]) -> Any:
    """Aggregate figures that are public (totals, retirements over time), kept in the cache
    for `PUBLIC_TOTALS_CACHE_SECONDS` under `key`, so that busy pages do not rerun an
    aggregate over every block or retirement per visit; computed afresh with the setting 0."""
    seconds = settings.PUBLIC_TOTALS_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    return cache.get_or_set(key, compute, seconds)


def totals_csv(group_by: str) -> str:
    return "/api/v1/stats/totals/?" + urlencode({"group_by": group_by, "format": "csv"})


def credits_figure(rows: list[dict], *, group_by: str, figure_id: str = "") -> Figure:
    """Credits by state per group (`credit_totals` rows), stacked: each bar's height is the
    group's issued credits."""
    name = CREDIT_GROUPINGS[group_by]
    return Figure(
        id=figure_id or f"credits-by-{group_by}",
        title=CREDIT_TITLES[group_by],
        description=CREDIT_DESCRIPTIONS[group_by],
        category_name=name,
        categories=[row["key"] for row in rows],
        # A methodology is known by its code as much as by its title.
        labels=[
            f"{row['key']} {row['label']}" if group_by == "methodology" else row["label"]
            for row in rows
        ],
        series=[
            Series(name=label, values=[row[state] for row in rows], colour=colour)
            for state, label, colour in STATE_SERIES
        ],
        csv_url=totals_csv(group_by),
        unit=_("tCO2e"),
    )


def months_between(first: date, last: date) -> list[date]:
    """The first days of every month from `first`'s to `last`'s: a time axis with no gap."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def month_label(month: date) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def retirements_figure(rows: list[dict], purposes, *, csv_url: str = "") -> Figure:
    """Credits retired per month, a line per purpose (`retirements_by_month` rows), every
    month between the first and the last shown, months without retirements at zero."""
    months = months_between(rows[0]["month"], rows[-1]["month"]) if rows else []
    credits = {(row["month"], row["purpose"]): row["credits"] for row in rows}
    return Figure(
        id="retirements-by-month",
        title=_("Credits retired per month, by purpose"),
        description=_(
            "Credits retired in each month, one line for each purpose of retirement; the "
            "table beside the chart gives the figures."
        ),
        category_name=_("Month"),
        categories=months,
        labels=[month_label(month) for month in months],
        series=[
            Series(name=label, values=[credits.get((month, value), 0) for month in months])
            for value, label in purposes
        ],
        csv_url=csv_url,
        kind="line",
        unit=_("tCO2e"),
    )


def certificates_figure(rows: list[dict]) -> Figure:
    """Green certificates per state (`certificate_totals(group_by="state")` rows)."""
    return Figure(
        id="certificates-by-state",
        title=_("Green certificates by state"),
        description=_(
            "Green electricity certificates mirrored in the registry, one per 1,000 kWh, per "
            "state; the table beside the chart gives the figures."
        ),
        category_name=_("State"),
        categories=[row["key"] for row in rows],
        labels=[row["label"] for row in rows],
        series=[Series(name=_("Certificates"), values=[row["certificates"] for row in rows])],
        csv_url="/api/v1/stats/green-certificates/?group_by=state&format=csv",
    )


def pue_figure(totals: DataCentreTotals, *, grouping_name, targets=()) -> Figure:
    """The energy-weighted PUE of each group of a year (`data_centre_totals` rows), with the
    targets' thresholds as lines across the chart; the table also counts the data centres."""
    rows = totals.rows
    year = totals.year
    query = urlencode({"group_by": totals.group_by, "year": year or "", "format": "csv"})
    return Figure(
        id=f"pue-by-{totals.group_by}",
        title=PUE_TITLES[totals.group_by] % {"year": year},
        description=_(
            "Power usage effectiveness (total over IT energy, weighted by energy) of the data "
            "centres of each group in the year, with the targets drawn as dashed lines; the "
            "table beside the chart gives the figures."
        ),
        category_name=grouping_name,
        categories=[row["key"] for row in rows],
        labels=[row["label"] for row in rows],
        series=[Series(name=_("PUE"), values=[row["pue"] for row in rows])],
        extra=[
            Series(
                name=_("Data centres"),
                values=[row["data_centres"] for row in rows],
                number_format="0g",
            )
        ],
        csv_url=f"/api/v1/stats/data-centres/?{query}",
        decimals=2,
        number_format="3",
        references=[
            Reference(name=target.tier, value=Decimal(target.pue_max)) for target in targets
        ],
    )
