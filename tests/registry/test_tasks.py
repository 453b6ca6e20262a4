import pytest
from django.test import override_settings

from registry.projects.models import MonitoringReportTransition, ProjectTransition
from registry.projects.services import projects, reports
from registry.projects.tasks import close_publicity_periods

pytestmark = pytest.mark.django_db


def test_the_publicity_task_run_twice_moves_each_item_once(lifecycle, parties):
    with override_settings(PROJECT_PUBLICITY_WORKING_DAYS=0, CLAIM_PUBLICITY_WORKING_DAYS=0):
        project = projects.submit_project(actor=parties["proponent"], project=lifecycle.project())
        report = lifecycle.report("draft")
        report = reports.submit_report(actor=parties["proponent"], report=report)

    assert close_publicity_periods() == 2
    assert close_publicity_periods() == 0

    project.refresh_from_db()
    report.refresh_from_db()
    assert (project.status, report.status) == ("validation", "verification")
    assert ProjectTransition.objects.filter(project=project, action="close_publicity").count() == 1
    assert (
        MonitoringReportTransition.objects.filter(report=report, action="close_publicity").count()
        == 1
    )


def test_the_task_leaves_running_periods_alone(lifecycle):
    project = lifecycle.project("publicity")

    assert close_publicity_periods() == 0
    project.refresh_from_db()
    assert project.status == "publicity"
