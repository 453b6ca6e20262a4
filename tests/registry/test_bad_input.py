"""Input that used to end in a 500 is a 400 naming the field, and nothing is written: JSON nested
a thousand deep, unit strings pint's parser chokes on, and numbers no column holds."""

import json

import pytest

from core.models import AuditEntry
from core.parsers import JSON_TOO_DEEP, too_deep
from methodologies.models import EmissionFactor, Methodology
from methodologies.services import FACTOR_NEGATIVE, FACTOR_UNIT
from registry.projects.models import MonitoringReport, Project, ProjectComment
from tests.conftest import client_for
from tests.registry.conftest import DESIGN_PARAMETERS, MONITORED

pytestmark = pytest.mark.django_db

TOO_DEEP = JSON_TOO_DEEP.format(limit=32)
BAD_UNITS = ["MWh*", "MWh/", "*", "-", ".", "1/"]


def nested(depth: int) -> str:
    """A JSON list nested `depth` deep, as text: far deeper than Python's recursion limit."""
    return "[" * depth + "]" * depth


def post_text(client, url: str, text: str):
    return client.post(url, text, content_type="application/json")


# --- JSON nested a thousand deep --------------------------------------------------------------


def test_the_anonymous_token_endpoint_refuses_deep_json(clients):
    body = '{"username": ' + nested(1000) + ', "password": "x"}'

    response = post_text(clients["anonymous"], "/api/v1/auth/token/", body)

    assert (response.status_code, response.json()) == (400, {"username": [TOO_DEEP]})


def test_an_anonymous_comment_refuses_deep_json(lifecycle, clients):
    project = lifecycle.project("publicity")

    response = post_text(
        clients["anonymous"],
        f"/api/v1/projects/{project.pk}/comment/",
        '{"author_name": "A neighbour", "text": ' + nested(1000) + "}",
    )

    assert (response.status_code, response.json()) == (400, {"text": [TOO_DEEP]})
    assert not ProjectComment.objects.exists()


def test_deep_json_at_the_top_level_is_a_400(clients, offshore_wind):
    response = post_text(clients["regulator"], "/api/v1/methodologies/", nested(1000))

    assert (response.status_code, response.json()) == (400, {"non_field_errors": [TOO_DEEP]})


def test_a_calculation_refuses_deep_json(clients, offshore_wind):
    body = '{"parameters": {"EG_export": ' + nested(1000) + "}}"

    response = post_text(
        clients["proponent"], f"/api/v1/methodologies/{offshore_wind.pk}/calculate/", body
    )

    assert (response.status_code, response.json()) == (400, {"parameters": [TOO_DEEP]})


def test_json_as_deep_as_the_limit_is_parsed(clients, offshore_wind):
    """32 levels pass the parser (and are then refused by the engine, as any list would be)."""
    body = '{"parameters": {"EG_export": [' + nested(29) + "]}}"

    response = post_text(
        clients["proponent"], f"/api/v1/methodologies/{offshore_wind.pk}/calculate/", body
    )

    assert response.status_code == 400
    assert "parameters.EG_export[0]" in response.json()


def test_depth_is_read_outside_strings():
    assert too_deep(json.dumps({"text": "[" * 1000, "x": [[1]]}), 32) is None
    assert too_deep('{"a\\"b": ' + nested(40) + "}", 32) == 'a"b'


# --- Unit strings pint's parser asserts on ----------------------------------------------------


def with_unit(unit: str, value: str = "1000000") -> list[dict]:
    return [{"value": value, "unit": unit}]


@pytest.mark.parametrize("unit", BAD_UNITS)
def test_a_bad_unit_in_a_calculation_is_a_400(unit, clients, offshore_wind):
    parameters = {**DESIGN_PARAMETERS, "EG_export": with_unit(unit)}

    response = clients["proponent"].post(
        f"/api/v1/methodologies/{offshore_wind.pk}/calculate/",
        {"parameters": parameters},
        format="json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {"parameters.EG_export[0]": [f"Unknown unit: {unit}."]},
    )


@pytest.mark.parametrize("unit", BAD_UNITS)
def test_a_bad_unit_in_a_project_is_a_400(unit, parties, offshore_wind, dates):
    response = client_for(parties["proponent"]).post(
        "/api/v1/projects/",
        {
            "title": "Donghai Bridge offshore wind farm phase III",
            "methodology": offshore_wind.pk,
            "sector": "energy_industries",
            "province": "Shanghai",
            "construction_start": dates.construction_start.isoformat(),
            "crediting_period_start": dates.crediting_period_start.isoformat(),
            "crediting_period_end": dates.crediting_period_end.isoformat(),
            "parameters": {**DESIGN_PARAMETERS, "EG_export": with_unit(unit)},
            "verifier": parties["verifier"].organization.pk,
            "generator_code": "GEN-SH-DONGHAI-3",
        },
        format="json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {"parameters.EG_export[0]": [f"Unknown unit: {unit}."]},
    )
    assert not Project.objects.exists()


@pytest.mark.parametrize("unit", BAD_UNITS)
def test_a_bad_unit_in_a_report_is_a_400(unit, lifecycle, parties, dates):
    project = lifecycle.project("registered")

    response = client_for(parties["proponent"]).post(
        "/api/v1/monitoring-reports/",
        {
            "project": project.pk,
            "period_start": dates.period_start.isoformat(),
            "period_end": dates.period_end.isoformat(),
            "parameters": {**MONITORED, "EG_import": with_unit(unit, "5000")},
            "verifier": parties["verifier2"].organization.pk,
        },
        format="json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {"parameters.EG_import[0]": [f"Unknown unit: {unit}."]},
    )
    assert not MonitoringReport.objects.exists()


def draft(parameter_unit: str = "MWh", equation_unit: str = "tCO2e") -> dict:
    return {
        "code": "TEST-01",
        "version": "V01",
        "title": "A draft",
        "sector": "energy_industries",
        "parameters": [
            {"symbol": "EG", "name": "EG", "unit": parameter_unit, "kind": "monitored"},
            {"symbol": "EF", "name": "EF", "unit": "tCO2/MWh", "kind": "ex_ante"},
        ],
        "equations": [{"symbol": "ER", "expression": "EG * EF", "unit": equation_unit}],
        "result": "ER",
    }


@pytest.mark.parametrize("unit", BAD_UNITS)
def test_a_bad_unit_in_a_methodology_draft_is_a_400(unit, clients):
    regulator = clients["regulator"]

    as_parameter = regulator.post("/api/v1/methodologies/", draft(unit), format="json")
    as_equation = regulator.post("/api/v1/methodologies/", draft(equation_unit=unit), format="json")

    assert (as_parameter.status_code, as_parameter.json()) == (
        400,
        {"parameters[0].unit": [f"Unknown unit: {unit}."]},
    )
    assert (as_equation.status_code, as_equation.json()) == (
        400,
        {"equations[0].unit": [f"Unknown unit: {unit}."]},
    )
    assert not Methodology.objects.exists()


# --- Emission factors -------------------------------------------------------------------------


def factor(**changes) -> dict:
    return {
        "series": "cn-national-average",
        "region": "CN",
        "data_year": 2031,
        "value": "0.5",
        "unit": "kgCO2/kWh",
        "published": "2033-06",
        "source": "MEE",
        "confidence": "primary",
        **changes,
    }


def add_factor(clients, body: dict):
    return clients["regulator"].post("/api/v1/emission-factors/", body, format="json")


@pytest.mark.parametrize("unit", BAD_UNITS)
def test_a_bad_unit_in_an_emission_factor_is_a_400(unit, clients):
    response = add_factor(clients, factor(unit=unit))

    assert (response.status_code, response.json()) == (
        400,
        {"unit": [FACTOR_UNIT.format(unit=unit)]},
    )
    assert not EmissionFactor.objects.exists()


def test_a_negative_emission_factor_is_a_400_on_its_value(clients):
    response = add_factor(clients, factor(value="-0.5"))

    assert (response.status_code, response.json()) == (400, {"value": [FACTOR_NEGATIVE]})
    assert not EmissionFactor.objects.exists()
    assert not AuditEntry.objects.filter(action="emission_factor.added").exists()


@pytest.mark.parametrize("value", [2**64, 1e308, "1e308"])
def test_an_emission_factor_no_column_holds_is_a_400_on_its_value(value, clients):
    response = add_factor(clients, factor(value=value))

    assert response.status_code == 400
    assert list(response.json()) == ["value"]
    assert not EmissionFactor.objects.exists()
