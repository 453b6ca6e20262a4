"""The company's pages in Chinese: labels from the models' choices, a service's refusal in
Chinese with its words filled in, dates and numbers in the Chinese format."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from registry.projects.models import Project
from tests.registry import conftest as registry_fixtures

pytestmark = pytest.mark.django_db

dates = registry_fixtures.dates
offshore_wind = registry_fixtures.offshore_wind
parties = registry_fixtures.parties
lifecycle = registry_fixtures.lifecycle


@pytest.fixture
def company(parties) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    client.force_login(parties["proponent"])
    return client


def chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def test_a_project_page_reads_in_chinese(company, lifecycle, dates):
    project = lifecycle.project("draft")

    page = company.get(f"/workspace/company/projects/{project.pk}/").content.decode()

    assert '<html lang="zh-hans">' in page
    assert 'data-status="draft">草稿</dd>' in page
    start, end = dates.crediting_period_start, dates.crediting_period_end
    assert f"{chinese_date(start)} – {chinese_date(end)}" in page
    # Django's Chinese number format groups no digits.
    estimate = f"{round(project.estimated_annual_reductions)}"
    assert f'<dd id="project-estimate">{estimate} tCO2e</dd>' in page


def test_a_refused_act_is_explained_in_chinese(company, lifecycle):
    project = lifecycle.project("draft", documents=False)
    page = f"/workspace/company/projects/{project.pk}/"

    refused = company.post(f"{page}submit/")

    assert refused.status_code == 409
    assert "项目缺少项目设计文件，无法进入公示：请先附加（design_document）。" in (
        refused.content.decode()
    )
    assert Project.objects.get(pk=project.pk).status == "draft"


def test_an_act_the_state_does_not_allow_is_explained_in_chinese(company, lifecycle):
    project = lifecycle.project("publicity")

    refused = company.post(f"/workspace/company/projects/{project.pk}/submit/", follow=True)

    assert "无法对状态为“公示”的项目执行“提交”操作。" in refused.content.decode()


def test_the_api_still_answers_in_english(lifecycle, parties):
    project = lifecycle.project("publicity")
    client = APIClient()
    client.force_authenticate(parties["proponent"])

    response = client.post(
        f"/api/v1/projects/{project.pk}/submit/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"
    )

    assert response.status_code == 409
    assert response.json() == {"detail": "Cannot submit a project that is publicity."}


def test_a_data_centre_the_service_refuses_is_explained_in_chinese_and_keeps_its_input(parties):
    from methodologies.reference import load_reference_data

    load_reference_data()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    client.force_login(parties["proponent"])

    refused = client.post(
        "/workspace/company/data-centres/new/",
        {"name": "乌兰察布", "province": "Inner Mongolia", "commissioned_on": "2022-09-01"},
    )

    page = refused.content.decode()
    assert refused.status_code == 400
    assert "Inner Mongolia 分属多个区域电网：请填写 grid_region，可选 CN-North" in page
    assert 'name="name" value="乌兰察布"' in page
    assert 'type="date" name="commissioned_on" value="2022-09-01"' in page
