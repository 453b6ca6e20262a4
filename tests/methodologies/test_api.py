import copy
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from methodologies import services
from methodologies.models import EmissionFactor, Equation, Methodology
from methodologies.reference import load_reference_data

pytestmark = pytest.mark.django_db

WIND = {
    "code": "TEST-01-002",
    "version": "V01",
    "title": "Grid-connected wind (test)",
    "sector": "energy_industries",
    "parameters": [
        {"symbol": "EG_export", "name": "Export", "unit": "MWh", "kind": "monitored", "min": "0"},
        {"symbol": "EG_import", "name": "Import", "unit": "MWh", "kind": "monitored", "min": "0"},
        {"symbol": "EF_grid_OM", "name": "OM factor", "unit": "tCO2/MWh", "kind": "ex_ante"},
        {"symbol": "EF_grid_BM", "name": "BM factor", "unit": "tCO2/MWh", "kind": "ex_ante"},
        {
            "symbol": "w_OM",
            "name": "OM weight",
            "unit": "1",
            "kind": "ex_ante",
            "default": "0.75",
            "min": "0",
            "max": "1",
        },
        {
            "symbol": "w_BM",
            "name": "BM weight",
            "unit": "1",
            "kind": "ex_ante",
            "default": "0.25",
            "min": "0",
            "max": "1",
        },
    ],
    "equations": [
        {"symbol": "EG_PJ", "expression": "EG_export - EG_import", "unit": "MWh"},
        {
            "symbol": "EF_grid_CM",
            "expression": "EF_grid_OM * w_OM + EF_grid_BM * w_BM",
            "unit": "tCO2/MWh",
        },
        {"symbol": "BE", "expression": "EG_PJ * EF_grid_CM", "unit": "tCO2"},
        {"symbol": "PE", "expression": "0", "unit": "tCO2"},
        {"symbol": "ER", "expression": "BE - PE", "unit": "tCO2e"},
    ],
    "result": "ER",
}
INPUTS = {
    "EG_export": "1000000",
    "EG_import": "5000",
    "EF_grid_OM": "0.7921",
    "EF_grid_BM": "0.3870",
}
REFUSED = {"proponent": 403, "verifier": 403, "operator": 403, "anonymous": 401}


def wind(**changes) -> dict:
    payload = copy.deepcopy(WIND)
    payload.update(changes)
    return payload


def with_equation(index: int, **changes) -> dict:
    payload = wind()
    payload["equations"][index].update(changes)
    return payload


@pytest.fixture
def draft(clients) -> dict:
    response = clients["regulator"].post("/api/v1/methodologies/", WIND, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def published(clients, draft) -> dict:
    response = clients["regulator"].post(f"/api/v1/methodologies/{draft['id']}/publish/")
    assert response.status_code == 200
    return response.json()


# --- Writing and publishing -------------------------------------------------------------------


def test_regulator_writes_a_draft_with_its_model(draft):
    assert draft["identifier"] == "TEST-01-002-V01"
    assert draft["status"] == "draft"
    assert [e["symbol"] for e in draft["equations"]] == ["EG_PJ", "EF_grid_CM", "BE", "PE", "ER"]
    assert draft["parameters"][4] | {"default": "0.75"} == draft["parameters"][4]
    assert draft["parameters"][4]["min"] is not None


def test_code_may_carry_the_version_suffix(clients):
    response = clients["regulator"].post(
        "/api/v1/methodologies/", wind(code="TEST-01-002-V01"), format="json"
    )

    assert response.json()["code"] == "TEST-01-002"
    assert response.json()["identifier"] == "TEST-01-002-V01"


@pytest.mark.parametrize("role", sorted(REFUSED))
def test_other_roles_cannot_write_methodologies(role, clients):
    response = clients[role].post("/api/v1/methodologies/", WIND, format="json")

    assert response.status_code == REFUSED[role]
    assert not Methodology.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (
            with_equation(1, expression="EF_grid_OM * w_OM + EF_grid_XX"),
            "equations[1].expression",
            "Undefined symbol: EF_grid_XX.",
        ),
        (with_equation(0, expression="ER / EF_grid_CM"), "equations", "cycle"),
        (
            with_equation(0, expression="EG_export + EF_grid_OM * EG_import * 1 MWh"),
            "equations[0]",
            "",
        ),
        (
            with_equation(3, expression="EG_export + BE", unit="tCO2"),
            "equations[3].expression",
            "Units do not agree",
        ),
        (with_equation(0, unit="bananas"), "equations[0].unit", "Unknown unit"),
        (wind(result="NOPE"), "result", ""),
    ],
)
def test_a_model_that_cannot_be_calculated_is_refused_naming_the_equation(
    payload, field, message, clients
):
    response = clients["regulator"].post("/api/v1/methodologies/", payload, format="json")

    assert response.status_code == 400
    (name, messages), *_ = response.json().items()
    assert name.startswith(field), response.json()
    assert message in messages[0]
    assert not Methodology.objects.exists()


def test_mwh_plus_tco2_is_refused(clients):
    payload = with_equation(0, expression="EG_export + EF_grid_OM * EG_export * w_OM")

    response = clients["regulator"].post("/api/v1/methodologies/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == {"equations[0].expression": ["Units do not agree: MWh + tCO2."]}


def test_publishing_supersedes_the_previous_version(clients, published):
    v2 = (
        clients["regulator"]
        .post("/api/v1/methodologies/", wind(version="V02"), format="json")
        .json()
    )

    response = clients["regulator"].post(f"/api/v1/methodologies/{v2['id']}/publish/")

    assert response.status_code == 200
    statuses = dict(Methodology.objects.values_list("version", "status"))
    assert statuses == {"V01": "superseded", "V02": "published"}


def test_publishing_twice_is_a_409(clients, published):
    response = clients["regulator"].post(f"/api/v1/methodologies/{published['id']}/publish/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": services.NOT_A_DRAFT.format(identifier="TEST-01-002-V01", status="published")
    }


@pytest.mark.parametrize("role", sorted(REFUSED))
def test_other_roles_cannot_publish(role, clients, draft):
    response = clients[role].post(f"/api/v1/methodologies/{draft['id']}/publish/")

    assert response.status_code in {REFUSED[role], 404}
    assert Methodology.objects.get().status == "draft"


def test_regulator_edits_a_draft(clients, draft):
    payload = with_equation(3, expression="0 * EG_export * EF_grid_OM")

    response = clients["regulator"].put(
        f"/api/v1/methodologies/{draft['id']}/", payload, format="json"
    )

    assert response.status_code == 200
    assert response.json()["equations"][3]["expression"] == "0 * EG_export * EF_grid_OM"


def test_editing_a_published_version_is_refused(clients, published):
    payload = with_equation(3, expression="0 * EG_export * EF_grid_OM")

    response = clients["regulator"].put(
        f"/api/v1/methodologies/{published['id']}/", payload, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "status": [
            services.PUBLISHED_IMMUTABLE.format(identifier="TEST-01-002-V01", status="published")
        ]
    }
    assert Equation.objects.get(symbol="PE").expression == "0"


def test_postgresql_refuses_changes_to_a_published_version_around_the_services(published):
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        Equation.objects.filter(symbol="PE").update(expression="1")
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        Methodology.objects.filter(pk=published["id"]).update(title="Edited")
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        Methodology.objects.filter(pk=published["id"]).update(status="draft")

    Methodology.objects.filter(pk=published["id"]).update(status="withdrawn")
    assert Methodology.objects.get(pk=published["id"]).status == "withdrawn"


# --- Reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "proponent", "verifier"])
def test_drafts_are_hidden_from_the_public_and_companies(role, clients, draft):
    assert clients[role].get("/api/v1/methodologies/").json()["count"] == 0
    assert clients[role].get(f"/api/v1/methodologies/{draft['id']}/").status_code == 404


@pytest.mark.parametrize("role", ["regulator", "operator"])
def test_regulators_and_operators_see_drafts(role, clients, draft):
    assert clients[role].get(f"/api/v1/methodologies/{draft['id']}/").status_code == 200


@pytest.mark.parametrize("role", ["anonymous", "proponent", "verifier", "regulator", "operator"])
def test_everyone_reads_and_filters_published_versions(role, clients, published):
    by_version = clients[role].get("/api/v1/methodologies/", {"code": "TEST-01-002-V01"}).json()
    by_code = clients[role].get("/api/v1/methodologies/", {"code": "TEST-01-002"}).json()
    other = clients[role].get("/api/v1/methodologies/", {"sector": "forestry"}).json()

    assert [m["id"] for m in by_version["results"]] == [published["id"]]
    assert [m["id"] for m in by_code["results"]] == [published["id"]]
    assert other["count"] == 0


# --- Calculating ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["proponent", "verifier", "regulator", "operator"])
def test_any_authenticated_user_calculates_a_published_version(role, clients, published):
    before = Methodology.objects.values_list("pk", "status").get()

    response = clients[role].post(
        f"/api/v1/methodologies/{published['id']}/calculate/",
        {"parameters": INPUTS},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["result"] == {"symbol": "ER", "value": "687370.875", "unit": "tCO2e"}
    assert body["values"]["EF_grid_CM"] == {"value": "0.690825", "unit": "tCO2/MWh"}
    assert body["values"]["w_OM"]["value"] == "0.75"
    assert Methodology.objects.values_list("pk", "status").get() == before


def test_calculation_converts_compatible_units(clients, published):
    inputs = {**INPUTS, "EG_export": {"value": "1000", "unit": "GWh"}}

    response = clients["proponent"].post(
        f"/api/v1/methodologies/{published['id']}/calculate/",
        {"parameters": inputs},
        format="json",
    )

    assert response.json()["result"]["value"] == "687370.875"


def test_calculating_needs_a_token(clients, published):
    response = clients["anonymous"].post(
        f"/api/v1/methodologies/{published['id']}/calculate/",
        {"parameters": INPUTS},
        format="json",
    )

    assert response.status_code == 401


def test_a_draft_does_not_calculate(clients, draft):
    response = clients["regulator"].post(
        f"/api/v1/methodologies/{draft['id']}/calculate/", {"parameters": INPUTS}, format="json"
    )

    assert response.status_code == 409


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({**INPUTS, "w_OM": "1.5"}, "parameters.w_OM"),
        ({k: v for k, v in INPUTS.items() if k != "EF_grid_BM"}, "parameters.EF_grid_BM"),
        ({**INPUTS, "EG_export": {"value": "1000", "unit": "tCO2"}}, "parameters.EG_export"),
        ({**INPUTS, "EG_export": "a lot"}, "parameters.EG_export"),
        ({**INPUTS, "EG_export": "-1"}, "parameters.EG_export"),
        ({**INPUTS, "bogus": "1"}, "parameters.bogus"),
    ],
)
def test_bad_inputs_are_refused_naming_the_parameter(inputs, field, clients, published):
    response = clients["verifier"].post(
        f"/api/v1/methodologies/{published['id']}/calculate/",
        {"parameters": inputs},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_calculate_body_must_hold_parameters(clients, published):
    response = clients["verifier"].post(
        f"/api/v1/methodologies/{published['id']}/calculate/", {"inputs": {}}, format="json"
    )

    assert response.status_code == 400
    assert "parameters" in response.json()


# --- Reference data ---------------------------------------------------------------------------


@pytest.fixture
def reference_data(db):
    load_reference_data()


@pytest.mark.parametrize("role", ["anonymous", "proponent", "regulator"])
def test_everyone_reads_emission_factors_by_region_year_and_series(role, clients, reference_data):
    response = clients[role].get(
        "/api/v1/emission-factors/", {"region": "CN", "year": 2023, "kind": "cn-national-average"}
    )

    assert response.status_code == 200
    [factor] = response.json()["results"]
    assert (factor["value"], factor["unit"]) == ("0.5306", "kgCO2/kWh")


def test_regulator_adds_a_new_factor_but_never_changes_one(clients, reference_data):
    new = {
        "series": "cn-national-average",
        "region": "CN",
        "data_year": 2024,
        "value": "0.5200",
        "unit": "kgCO2/kWh",
        "published": "2027-01",
        "source": "MEE and NBS (test)",
        "confidence": "primary",
    }

    created = clients["regulator"].post("/api/v1/emission-factors/", new, format="json")
    again = clients["regulator"].post(
        "/api/v1/emission-factors/", {**new, "value": "0.6"}, format="json"
    )

    assert created.status_code == 201
    assert again.status_code == 409
    stored = EmissionFactor.objects.get(data_year=2024, series="cn-national-average")
    assert stored.value == Decimal("0.52")


@pytest.mark.parametrize("role", sorted(REFUSED))
def test_other_roles_cannot_add_factors(role, clients, reference_data):
    new = {
        "series": "x",
        "region": "CN",
        "data_year": 2030,
        "value": "1",
        "unit": "kgCO2/kWh",
        "published": "2031",
        "source": "s",
        "confidence": "primary",
    }

    assert (
        clients[role].post("/api/v1/emission-factors/", new, format="json").status_code
        == (REFUSED[role])
    )


def test_postgresql_refuses_editing_a_stored_factor(reference_data):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        EmissionFactor.objects.filter(data_year=2023).update(value=Decimal("1"))


def test_equations_may_look_up_reference_data_by_name(clients, reference_data):
    payload = wind(
        code="TEST-DC-001",
        parameters=[{"symbol": "E", "name": "Energy", "unit": "MWh", "kind": "monitored"}],
        equations=[
            {
                "symbol": "EF",
                "expression": 'factor("cn-national-average", "CN", 2023)',
                "unit": "tCO2/MWh",
            },
            {"symbol": "ER", "expression": "E * EF", "unit": "tCO2e"},
        ],
    )
    created = clients["regulator"].post("/api/v1/methodologies/", payload, format="json").json()
    clients["regulator"].post(f"/api/v1/methodologies/{created['id']}/publish/")

    response = clients["proponent"].post(
        f"/api/v1/methodologies/{created['id']}/calculate/",
        {"parameters": {"E": "100"}},
        format="json",
    )

    assert response.json()["result"]["value"] == "53.06"


def test_a_result_that_is_not_a_mass_of_co2e_is_refused(clients):
    response = clients["regulator"].post(
        "/api/v1/methodologies/", wind(result="EG_PJ"), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "result": [services.RESULT_NOT_EMISSIONS.format(symbol="EG_PJ", unit="MWh")]
    }


@pytest.mark.parametrize("unit", ["MWh", "bananas"])
def test_a_factor_must_be_a_mass_of_co2_per_energy(unit, clients, reference_data):
    new = {
        "series": "x",
        "region": "CN",
        "data_year": 2030,
        "value": "1",
        "unit": unit,
        "published": "2031",
        "source": "s",
        "confidence": "primary",
    }

    response = clients["regulator"].post("/api/v1/emission-factors/", new, format="json")

    assert response.status_code == 400
    assert response.json() == {"unit": [services.FACTOR_UNIT.format(unit=unit)]}
