"""Who reaches which compute endpoint: every role against every endpoint. A data centre is
private to its owner's members, operators and regulators; another organisation's is a 404;
only the owner records readings; only companies register data centres."""

import pytest

from compute.models import DataCentre, Reading
from tests.compute.conftest import DATA_CENTRES, post_reading, readings_url

CALLERS = ("owner", "other_company", "verifier", "operator", "regulator", "anonymous")


@pytest.fixture
def callers(clients, other_company) -> dict:
    return {
        "owner": clients["proponent"],
        "other_company": other_company["client"],
        "verifier": clients["verifier"],
        "operator": clients["operator"],
        "regulator": clients["regulator"],
        "anonymous": clients["anonymous"],
    }


def reads(data_centre):
    url = f"{DATA_CENTRES}{data_centre['id']}/"
    return {
        "detail": lambda client: client.get(url),
        "readings": lambda client: client.get(readings_url(data_centre)),
        "years": lambda client: client.get(f"{url}years/"),
    }


READ = {"owner": 200, "other_company": 404, "verifier": 404, "operator": 200,
        "regulator": 200, "anonymous": 401}  # fmt: skip
RECORD = {"owner": 201, "other_company": 404, "verifier": 404, "operator": 403,
          "regulator": 403, "anonymous": 401}  # fmt: skip
REGISTER = {"owner": 201, "other_company": 201, "verifier": 403, "operator": 403,
            "regulator": 403, "anonymous": 401}  # fmt: skip


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", ["detail", "readings", "years"])
def test_reading_a_data_centre(callers, data_centre, caller, endpoint):
    post_reading(callers["owner"], data_centre)

    response = reads(data_centre)[endpoint](callers[caller])

    assert response.status_code == READ[caller]


@pytest.mark.parametrize("caller", CALLERS)
def test_recording_a_reading(callers, data_centre, caller):
    response = post_reading(callers[caller], data_centre)

    assert response.status_code == RECORD[caller]
    assert Reading.objects.count() == (1 if RECORD[caller] == 201 else 0)


@pytest.mark.parametrize("caller", CALLERS)
def test_registering_a_data_centre(callers, company, reference, caller):
    response = callers[caller].post(
        DATA_CENTRES, {"name": "Yizhuang", "province": "Beijing"}, format="json"
    )

    assert response.status_code == REGISTER[caller]
    assert DataCentre.objects.count() == (1 if REGISTER[caller] == 201 else 0)


@pytest.mark.parametrize(
    ("caller", "listed"),
    [("owner", True), ("other_company", False), ("verifier", False), ("operator", True),
     ("regulator", True)],
)  # fmt: skip
def test_lists_show_only_what_the_caller_may_see(callers, data_centre, caller, listed):
    response = callers[caller].get(DATA_CENTRES)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == (
        [data_centre["id"]] if listed else []
    )


def test_anonymous_callers_list_nothing(callers, data_centre):
    assert callers["anonymous"].get(DATA_CENTRES).status_code == 401


def test_a_refused_recorder_learns_nothing_of_the_readings(callers, data_centre):
    response = post_reading(callers["operator"], data_centre)

    assert set(response.json()) == {"detail"}
