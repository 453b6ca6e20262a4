"""Registering data centres: in their province's regional grid, named once per company,
audited, and filtered."""

import pytest

from compute.services import data_centres
from core.models import AuditEntry
from tests.compute.conftest import DATA_CENTRES, register


def test_a_company_registers_a_data_centre_in_its_province_s_grid(clients, company, reference):
    answer = register(
        clients["proponent"],
        name="Zhongwei cluster",
        province="Ningxia",
        hub_node=True,
        commissioned_on="2022-06-30",
    )

    assert answer["grid_region"] == "CN-Northwest"
    assert (answer["hub_node"], answer["commissioned_on"]) == (True, "2022-06-30")
    assert answer["owner"] == company.pk and answer["owner_name"] == company.name
    entry = AuditEntry.objects.get(action="data_centre.registered")
    assert entry.object_id == str(answer["id"]) and entry.after["grid_region"] == "CN-Northwest"


def test_a_province_in_two_grids_needs_the_grid_region_named(clients, company, reference):
    response = clients["proponent"].post(
        DATA_CENTRES, {"name": "Horinger", "province": "Inner Mongolia"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "grid_region": [
            data_centres.GRID_REGION_NEEDED.format(
                province="Inner Mongolia",
                choices="CN-North (Inner Mongolia (west)), CN-Northeast (Inner Mongolia (east))",
            )
        ]
    }
    named = register(
        clients["proponent"], name="Horinger", province="Inner Mongolia", grid_region="CN-North"
    )
    assert named["grid_region"] == "CN-North"


def test_a_grid_region_the_province_is_not_in_is_refused(clients, company, reference):
    response = clients["proponent"].post(
        DATA_CENTRES,
        {"name": "Yizhuang", "province": "Beijing", "grid_region": "CN-South"},
        format="json",
    )

    assert response.status_code == 400 and list(response.json()) == ["grid_region"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "  ", "province": "Beijing"}, "name"),
        ({"name": "A", "province": "Taipei"}, "province"),
        ({"name": "A", "province": "Beijing", "commissioned_on": "soon"}, "commissioned_on"),
    ],
)
def test_bad_data_centre_input_is_a_400_naming_the_field(clients, company, reference, body, field):
    response = clients["proponent"].post(DATA_CENTRES, body, format="json")

    assert response.status_code == 400 and field in response.json()


def test_a_company_names_each_data_centre_once(clients, company, reference):
    register(clients["proponent"], name="Yizhuang")

    response = clients["proponent"].post(
        DATA_CENTRES, {"name": "Yizhuang", "province": "Hebei"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"name": [data_centres.NAME_TAKEN.format(name="Yizhuang")]}


def test_data_centres_are_filtered_by_province_and_hub_node(clients, company, reference):
    register(clients["proponent"], name="Yizhuang")
    register(clients["proponent"], name="Zhangbei", province="Hebei", hub_node=True)

    def names(**query):
        response = clients["regulator"].get(DATA_CENTRES, query)
        return [row["name"] for row in response.json()["results"]]

    assert names() == ["Yizhuang", "Zhangbei"]
    assert names(province="Hebei") == names(hub_node="true") == ["Zhangbei"]
    assert names(grid_region="CN-North", hub_node="false") == ["Yizhuang"]
