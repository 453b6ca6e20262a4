"""The regulator's national dashboard: credits issued, retired and cancelled by vintage,
province and methodology; retirements over time by purpose; data centres' PUE by province and
tier against the targets; green certificates by state. Each chart beside its table, with the
CSV of the same rows. A regulator reads everything: no group is withheld."""

import csv
from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from certificates.stats import certificate_totals
from compute import reference
from compute import stats as compute_stats
from registry.ledger.models import Retirement
from registry.reporting.selectors import credit_totals, retirements_by_month
from web.figures import (
    RETIRED_CACHE_KEY,
    TOTALS_CACHE_KEY,
    certificates_figure,
    credits_figure,
    public_totals,
    pue_figure,
    retirements_figure,
)

STATES = ("active", "frozen", "retired", "cancelled")


def _year(request: HttpRequest, years: list[int]) -> int | None:
    """`?year=` if it is a year with readings, else the latest; compared as text, so a query
    string of any length is never converted to a number."""
    asked = request.GET.get("year", "")
    chosen = [year for year in years if str(year) == asked]
    return chosen[0] if chosen else (years[0] if years else None)


def _targets(totals: compute_stats.DataCentreTotals) -> list[reference.Threshold]:
    """The targets and reference points of the reference data, each met or not by the national
    PUE of the year (the sum over every data centre: a regulator's groups withhold none)."""
    total = sum((row["total_energy_kwh"] for row in totals.rows), Decimal(0))
    it = sum((row["it_energy_kwh"] for row in totals.rows), Decimal(0))
    if not it:
        return []
    return reference.targets(total, it)


def home(request: HttpRequest) -> HttpResponse:
    """The national dashboard (`?year=` chooses the data centres' year)."""
    # The credit totals and retirements over time are the public aggregates, shared with the
    # public pages' cache (`PUBLIC_TOTALS_CACHE_SECONDS`): over millions of blocks and
    # hundreds of thousands of retirements, they are what takes time.
    by_vintage = public_totals(TOTALS_CACHE_KEY, lambda: credit_totals(group_by="vintage"))
    by_province = public_totals(
        f"{TOTALS_CACHE_KEY}:province", lambda: credit_totals(group_by="province")
    )
    by_methodology = public_totals(
        f"{TOTALS_CACHE_KEY}:methodology", lambda: credit_totals(group_by="methodology")
    )
    overall = {state: sum(row[state] for row in by_vintage) for state in STATES}
    overall["issued"] = sum(overall.values())
    years = compute_stats.years()
    year = _year(request, years)
    centres_by_province = compute_stats.data_centre_totals(
        user=request.user, group_by="province", year=year
    )
    centres_by_tier = compute_stats.data_centre_totals(
        user=request.user, group_by="tier", year=year
    )
    targets = _targets(centres_by_province)
    context = {
        "overall": overall,
        "credit_figures": [
            credits_figure(by_vintage, group_by="vintage"),
            credits_figure(by_province, group_by="province"),
            credits_figure(by_methodology, group_by="methodology"),
        ],
        "retirements": retirements_figure(
            public_totals(RETIRED_CACHE_KEY, retirements_by_month),
            Retirement.Purpose.choices,
            csv_url=reverse("regulator:retirements-csv"),
        ),
        "years": years,
        "year": year,
        "pue_figures": [
            pue_figure(centres_by_province, grouping_name=_("Province"), targets=targets),
            pue_figure(centres_by_tier, grouping_name=_("Tier"), targets=targets),
        ],
        "targets": targets,
        "certificates": certificates_figure(certificate_totals(group_by="state")),
        "cache_seconds": settings.PUBLIC_TOTALS_CACHE_SECONDS,
    }
    return render(request, "web/regulator/home.html", context)


def retirements_csv(request: HttpRequest) -> HttpResponse:
    """Credits retired per month and purpose, as CSV: the rows of the dashboard's chart."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="retirements-by-month.csv"'
    writer = csv.writer(response)
    writer.writerow(["month", "purpose", "credits", "retirements"])
    for row in retirements_by_month():
        writer.writerow(
            [row["month"].strftime("%Y-%m"), row["purpose"], row["credits"], row["retirements"]]
        )
    return response
