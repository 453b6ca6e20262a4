"""The regulators' totals: credits issued, active, frozen, retired and cancelled per group."""

import csv
import io

import pytest

from registry.ledger.models import CreditBlock
from registry.ledger.services import movements
from registry.reporting.selectors import credit_totals
from tests.conftest import client_for, make_organization, make_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/totals/"
FIGURES = ("issued", "active", "frozen", "retired", "cancelled")


@pytest.fixture
def registry_state(lifecycle, parties, dates):
    """Two projects with issued credits, Shanghai's and Hainan's, each a block of both vintages
    (`dates.vintages`). Of Shanghai's first-vintage block, 100 credits go to a buyer whose block
    is then frozen, 30 are retired and 5 cancelled."""
    first, _ = dates.vintages
    shanghai = lifecycle.report("issued").project
    hainan = lifecycle.project("registered", title="Hainan offshore wind farm", province="Hainan")
    lifecycle.report("issued", project=hainan)
    issued = {
        (block.project_id, block.vintage): block.quantity for block in CreditBlock.objects.all()
    }

    buyer = make_user(make_organization("proponent", name="Buyer Co."))
    buyer_account = movements.open_account(
        actor=parties["operator"], organization=buyer.organization, name="Buyer"
    )
    block = CreditBlock.objects.get(project=shanghai, vintage=first)
    moved = movements.transfer_credits(
        actor=parties["proponent"], block=block, quantity=100, to_account=buyer_account
    ).block
    movements.freeze_block(actor=parties["regulator"], block=moved, note="Court order")
    movements.retire_credits(
        actor=parties["proponent"],
        block=block,
        quantity=30,
        beneficiary="Shanghai Marathon",
        purpose="event_neutrality",
    )
    movements.cancel_credits(
        actor=parties["operator"], block=block, quantity=5, note="Double count"
    )
    return {"shanghai": shanghai, "hainan": hainan, "issued": issued}


def expected(issued: int, frozen: int = 0, retired: int = 0, cancelled: int = 0) -> dict:
    active = issued - frozen - retired - cancelled
    return dict(zip(FIGURES, (issued, active, frozen, retired, cancelled), strict=True))


def figures(row: dict) -> dict:
    return {name: row[name] for name in FIGURES}


def test_totals_by_project_follow_every_movement(registry_state, dates):
    shanghai, hainan, issued = (registry_state[k] for k in ("shanghai", "hainan", "issued"))
    first, second = dates.vintages

    rows = client_for(None).get(URL, {"group_by": "project"}).json()

    assert [row["key"] for row in rows] == [str(shanghai.pk), str(hainan.pk)]
    assert rows[0]["label"] == f"{shanghai.reference} {shanghai.title}"
    shanghai_issued = issued[shanghai.pk, first] + issued[shanghai.pk, second]
    hainan_issued = issued[hainan.pk, first] + issued[hainan.pk, second]
    assert figures(rows[0]) == expected(shanghai_issued, frozen=100, retired=30, cancelled=5)
    assert figures(rows[1]) == expected(hainan_issued)


def test_totals_by_vintage_add_up_both_projects(registry_state, dates):
    shanghai, hainan, issued = (registry_state[k] for k in ("shanghai", "hainan", "issued"))
    first, second = dates.vintages

    rows = client_for(None).get(URL, {"group_by": "vintage"}).json()

    assert [(row["key"], row["label"]) for row in rows] == [
        (str(first), str(first)),
        (str(second), str(second)),
    ]
    of_first = issued[shanghai.pk, first] + issued[hainan.pk, first]
    of_second = issued[shanghai.pk, second] + issued[hainan.pk, second]
    assert figures(rows[0]) == expected(of_first, frozen=100, retired=30, cancelled=5)
    assert figures(rows[1]) == expected(of_second)


def test_totals_by_province_sector_and_methodology_are_labelled(registry_state, offshore_wind):
    client = client_for(None)
    total = sum(registry_state["issued"].values())

    provinces = client.get(URL, {"group_by": "province"}).json()
    sectors = client.get(URL, {"group_by": "sector"}).json()
    methodologies = client.get(URL, {"group_by": "methodology"}).json()

    assert [(row["key"], row["label"]) for row in provinces] == [
        ("Hainan", "Hainan 海南"),
        ("Shanghai", "Shanghai 上海"),
    ]
    assert [(row["key"], row["issued"]) for row in sectors] == [("energy_industries", total)]
    assert sectors[0]["label"].startswith("Energy industries")
    [methodology] = methodologies
    assert (methodology["key"], methodology["label"]) == (
        f"{offshore_wind.code}-{offshore_wind.version}",
        offshore_wind.title,
    )
    assert figures(methodology) == expected(total, frozen=100, retired=30, cancelled=5)


def test_filters_narrow_the_credits_counted(registry_state, dates):
    hainan, issued = registry_state["hainan"], registry_state["issued"]
    _, second = dates.vintages
    client = client_for(None)

    in_hainan = client.get(URL, {"group_by": "project", "province": "Hainan"}).json()
    of_second = client.get(URL, {"group_by": "province", "vintage": second}).json()
    other_sector = client.get(URL, {"group_by": "vintage", "sector": "transport"}).json()

    assert [row["key"] for row in in_hainan] == [str(hainan.pk)]
    assert sum(row["issued"] for row in of_second) == sum(
        quantity for (_, vintage), quantity in issued.items() if vintage == second
    )
    assert other_sector == []


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({}, {"group_by": ["This field is required."]}),
        ({"group_by": "colour"}, {"group_by": ['"colour" is not a valid choice.']}),
        ({"group_by": "vintage", "vintage": "soon"}, {"vintage": ["A valid integer is required."]}),
        (
            {"group_by": "vintage", "province": "Atlantis"},
            {"province": ['"Atlantis" is not a valid choice.']},
        ),
    ],
)
def test_a_bad_query_is_a_400_naming_the_field(query, errors):
    response = client_for(None).get(URL, query)

    assert (response.status_code, response.json()) == (400, errors)


@pytest.mark.parametrize("role", ["proponent", "verifier", "regulator", "operator"])
def test_every_role_reads_the_same_public_totals(role, registry_state, users):
    public = client_for(None).get(URL, {"group_by": "project"})

    response = client_for(users[role]).get(URL, {"group_by": "project"})

    assert (public.status_code, response.status_code) == (200, 200)
    assert response.json() == public.json()


def test_csv_has_a_header_and_one_line_per_group(registry_state):
    rows = client_for(None).get(URL, {"group_by": "vintage"}).json()

    response = client_for(None).get(URL, {"group_by": "vintage", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0] == ["key", "label", *FIGURES]
    assert lines[1:] == [[str(row[column]) for column in lines[0]] for row in rows]


def test_a_bad_query_in_csv_says_why(db):
    response = client_for(None).get(URL, {"group_by": "colour", "format": "csv"})

    assert response.status_code == 400
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines == [["field", "message"], ["group_by", '"colour" is not a valid choice.']]


def test_the_totals_are_one_query_however_many_groups(registry_state, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = credit_totals(group_by="project")
    assert len(rows) == 2
