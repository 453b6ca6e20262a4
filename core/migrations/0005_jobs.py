"""Jobs: work that runs as a task (large imports, uploads), with its progress and outcome."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_drop_plaintext_tokens"),
        ("core", "0004_idempotency_records"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Job",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("kind", models.CharField(max_length=64)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("queued", "Queued"),
                            ("running", "Running"),
                            ("succeeded", "Succeeded"),
                            ("failed", "Failed"),
                        ],
                        default="queued",
                        max_length=16,
                    ),
                ),
                ("rows_done", models.IntegerField(default=0)),
                ("rows_total", models.IntegerField(default=0)),
                ("errors", models.JSONField(blank=True, default=list)),
                ("result", models.JSONField(blank=True, null=True)),
                ("payload", models.JSONField(blank=True, default=dict)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "organization",
                    models.ForeignKey(
                        help_text="The organisation of the user who started the job, when it was started.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.organization",
                    ),
                ),
                (
                    "started_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("state__in", ["queued", "running", "succeeded", "failed"])
                        ),
                        name="job_state_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("rows_done__gte", 0)), name="job_rows_done_non_negative"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("rows_done__lte", models.F("rows_total"))),
                        name="job_rows_done_within_total",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("state", "succeeded"), _negated=True),
                            ("rows_done", models.F("rows_total")),
                            _connector="OR",
                        ),
                        name="job_succeeded_every_row_done",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("result__isnull", False), ("state", "succeeded")),
                            models.Q(
                                models.Q(("state", "succeeded"), _negated=True),
                                ("result__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="job_result_when_succeeded",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("state", "failed"), _negated=True),
                            models.Q(("errors", []), _negated=True),
                            _connector="OR",
                        ),
                        name="job_failed_names_errors",
                    ),
                ],
            },
        ),
    ]
