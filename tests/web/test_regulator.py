"""The regulator's national dashboard: credits by vintage, province and methodology, retirements
over time by purpose, data centres' PUE against the targets, green certificates by state; each
chart beside its table and a CSV link; every group shown, none withheld; the number of queries
does not grow with the data."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from certificates.services.imports import import_certificates
from methodologies.reference import load_reference_data
from registry.ledger.models import CreditBlock
from registry.ledger.services import movements
from tests.certificates.conftest import credit_code, row
from tests.registry import conftest as registry_fixtures
from tests.registry.conftest import metered_data_centre

pytestmark = pytest.mark.django_db

# The lifecycle's fixtures, which build projects and reports in any state through the services.
dates = registry_fixtures.dates
offshore_wind = registry_fixtures.offshore_wind
parties = registry_fixtures.parties
lifecycle = registry_fixtures.lifecycle
DASHBOARD = "/workspace/regulator/"


def retire(parties, quantity: int, purpose: str):
    block = (
        CreditBlock.objects.filter(status="active", account__organization__kind="proponent")
        .order_by("first")
        .first()
    )
    return movements.retire_credits(
        actor=parties["proponent"],
        block=block,
        quantity=quantity,
        beneficiary="Shanghai Marathon",
        purpose=purpose,
    )


@pytest.fixture
def national(lifecycle, parties):
    """An issued Shanghai project; 40 credits retired for an event now and 25 for a company two
    months later; 300 green certificates imported; two Beijing data centres reporting 2025
    (PUE 1.2 and 1.4: 2,600 / 2,000 = 1.3 together)."""
    report = lifecycle.report("issued")
    retire(parties, 40, "event_neutrality")
    later = timezone.now() + timedelta(days=62)
    with time_machine.travel(later, tick=True):
        retire(parties, 25, "corporate_neutrality")
    holder = parties["proponent"].organization
    holder.unified_social_credit_code = credit_code()
    holder.save(update_fields=["unified_social_credit_code"])
    import_certificates(actor=parties["operator"], rows=[row(holder, 1, 300)])
    load_reference_data()
    for total in (1200, 1400):
        metered_data_centre(parties["proponent"], date(2025, 1, 1), [(1000, total)])
    return {"report": report, "later": later}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def dashboard(parties, **query) -> str:
    response = signed_in(parties["regulator"]).get(DASHBOARD, query)
    assert response.status_code == 200
    return response.content.decode()


def table(html: str, table_id: str) -> dict[str, list[str]]:
    """The rows of a table, by their first cell's text, each the other cells' texts."""
    table_html = re.search(rf'<table id="{table_id}">(.*?)</table>', html, re.S).group(1)
    body = re.search(r"<tbody>(.*?)</tbody>", table_html, re.S).group(1)
    rows = {}
    for line in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", line, re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


def test_the_dashboard_shows_credits_by_vintage_province_and_methodology(national, parties, dates):
    issued = national["report"].issuance.quantity
    html = dashboard(parties)

    assert f'<strong id="issued">{issued:,}</strong>' in html
    assert f'<strong id="retired">{65:,}</strong>' in html
    by_vintage = table(html, "credits-by-vintage-table")
    first, second = (str(year) for year in dates.vintages)
    assert set(by_vintage) == {first, second}
    # Active, frozen, retired, cancelled: the 65 retired credits came from the first block,
    # the earlier vintage's.
    assert by_vintage[first][2] == "65" and by_vintage[second][2] == "0"
    assert sum(int(cells[0].replace(",", "")) for cells in by_vintage.values()) == issued - 65
    assert table(html, "credits-by-province-table")["Shanghai 上海"][2] == "65"
    assert "CCER-01-002-V01" in html
    for group_by in ("vintage", "province", "methodology"):
        assert f'id="credits-by-{group_by}-chart"' in html
        assert f"/api/v1/stats/totals/?group_by={group_by}&amp;format=csv" in html


def test_each_chart_is_an_accessible_svg_beside_its_table(national, parties):
    html = dashboard(parties)

    charts = re.findall(r'<svg [^>]*role="img"[^>]*aria-labelledby="([^"]+)"', html)
    assert len(charts) == 7
    for labels in charts:
        title, description = labels.split()
        assert f'<title id="{title}">' in html and f'<desc id="{description}">' in html
    assert html.count('<div class="chart">') == 7


def test_retirements_over_time_show_every_month_by_purpose(national, parties):
    now, later = timezone.localdate(), timezone.localtime(national["later"]).date()
    html = dashboard(parties)

    rows = table(html, "retirements-by-month-table")
    # One column per purpose: compliance, event, corporate, public good; every month between.
    months = (later.year - now.year) * 12 + later.month - now.month + 1
    assert len(rows) == months
    columns = list(rows.values())
    assert columns[0] == ["0", "40", "0", "0"]
    assert columns[-1] == ["0", "0", "25", "0"]
    assert all(cells == ["0", "0", "0", "0"] for cells in columns[1:-1])


def test_the_retirements_csv_has_a_row_per_month_and_purpose(national, parties):
    now, later = timezone.localdate(), timezone.localtime(national["later"]).date()
    response = signed_in(parties["regulator"]).get(DASHBOARD + "retirements.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [list(line.values()) for line in lines] == [
        [f"{now:%Y-%m}", "event_neutrality", "40", "1"],
        [f"{later:%Y-%m}", "corporate_neutrality", "25", "1"],
    ]
    assert list(lines[0]) == ["month", "purpose", "credits", "retirements"]


def test_data_centres_are_shown_to_the_regulator_with_the_targets(national, parties):
    html = dashboard(parties)

    # Two Beijing data centres: a group the public page withholds, the regulator sees.
    assert table(html, "pue-by-province-table")["Beijing 北京"] == ["1.300", "2"]
    assert 'id="pue-by-tier-chart"' in html
    targets = re.search(r'<table id="targets">(.*?)</table>', html, re.S).group(1)
    # The reference data's thresholds, met or not by 2,600 / 2,000 = 1.3.
    assert re.search(r'data-tier="new-large-2023">.*?<td>yes</td>', targets)
    assert re.search(r'data-tier="hub-node-2025">.*?<td>no</td>', targets)
    assert html.count('class="reference"') >= 2 * 5
    public = Client().get("/data-centres/").content.decode()
    assert 'data-key="Beijing"' not in public


def test_certificates_by_state_and_the_api_csv_answer_a_signed_in_regulator(national, parties):
    html = dashboard(parties)

    assert table(html, "certificates-by-state-table")["Active"] == ["300"]
    client = signed_in(parties["regulator"])
    for url in re.findall(r'href="(/api/v1/stats/[^"]+)"', html):
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/csv"), url


def test_an_unknown_year_is_ignored(national, parties):
    assert '<option value="2025" selected>' in dashboard(parties, year="9" * 5000)


def test_an_empty_registry_shows_empty_charts(parties):
    html = dashboard(parties)

    assert '<strong id="issued">0</strong>' in html
    assert 'id="no-readings"' in html
    assert "No figures yet." in html


def test_the_number_of_queries_does_not_grow_with_the_data(
    national, parties, lifecycle, django_assert_max_num_queries
):
    client = signed_in(parties["regulator"])
    client.get(DASHBOARD)
    with django_assert_max_num_queries(30) as captured:
        client.get(DASHBOARD)
    before = len(captured)
    lifecycle.report("issued", project=lifecycle.project("registered", province="Hainan"))
    retire(parties, 5, "public_good")
    metered_data_centre(parties["proponent"], date(2025, 1, 1), [(1000, 1100)])

    with django_assert_max_num_queries(before):
        client.get(DASHBOARD)


def test_with_a_cache_time_the_totals_are_kept_and_the_page_says_so(national, parties, settings):
    settings.PUBLIC_TOTALS_CACHE_SECONDS = 60
    before = dashboard(parties)
    retire(parties, 5, "public_good")
    cached = dashboard(parties)
    settings.PUBLIC_TOTALS_CACHE_SECONDS = 0
    fresh = dashboard(parties)

    assert '<strong id="retired">65</strong>' in before and 'id="cache-note"' in before
    assert "every 60 seconds" in before
    assert '<strong id="retired">65</strong>' in cached
    assert '<strong id="retired">70</strong>' in fresh and 'id="cache-note"' not in fresh
