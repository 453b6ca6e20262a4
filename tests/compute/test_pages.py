"""The public data-centre page: a year's aggregates by province, grid region and tier, the same
for everyone (small groups withheld whoever is signed in), a year chosen from those with
readings."""

import pytest
from django.test import Client

from tests.compute.test_stats import fleet  # noqa: F401 - the six data centres

pytestmark = pytest.mark.django_db


def page(client: Client | None = None, **query) -> str:
    response = (client or Client()).get("/data-centres/", query)
    assert response.status_code == 200
    return response.content.decode()


def test_without_readings_the_page_says_so(db):
    html = page()

    assert 'id="no-readings"' in html
    assert 'id="by-province"' not in html


def test_the_page_shows_the_latest_year_and_withholds_small_groups(fleet):  # noqa: F811
    html = page()

    assert '<option value="2025" selected>' in html and '<option value="2024">' in html
    assert 'data-key="Beijing"' in html
    assert 'data-key="Hebei"' not in html and 'data-key="Shanghai"' not in html
    assert "2 groups of fewer than 3 data centres not shown." in html
    assert "group_by=tier&amp;year=2025&amp;format=csv" in html


def test_a_regulator_signed_in_sees_the_public_page(fleet, users):  # noqa: F811
    client = Client()
    client.force_login(users["regulator"])

    html = page(client)

    assert 'data-key="Hebei"' not in html


def test_another_year_is_chosen_and_an_unknown_one_ignored(fleet):  # noqa: F811
    earlier = page(year="2024")
    unknown = page(year="1999")
    absurd = page(year="9" * 5000)

    assert '<option value="2024" selected>' in earlier
    # 2024: Beijing-1 alone, withheld.
    assert 'data-key="Beijing"' not in earlier and "No province has 3" in earlier
    assert '<option value="2025" selected>' in unknown
    assert '<option value="2025" selected>' in absurd
