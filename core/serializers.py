"""Output shapes of the kernel's endpoints."""

from rest_framework import serializers

from core.models import Job


class AuditVerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    entries = serializers.IntegerField()
    first_broken = serializers.IntegerField(allow_null=True)


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")


class JobProblemSerializer(serializers.Serializer):
    """One reason a job failed: a bad cell (`row`, `column`, `message`), or a `message` alone."""

    row = serializers.IntegerField(
        required=False, help_text="1 for the first row after a CSV file's header"
    )
    column = serializers.CharField(required=False)
    message = serializers.CharField()


class JobSerializer(serializers.ModelSerializer):
    """Work that runs as a task: its state, the rows done so far, and how it ended."""

    errors = JobProblemSerializer(
        many=True, read_only=True, help_text="why a failed job failed; empty otherwise"
    )
    result = serializers.JSONField(
        read_only=True,
        allow_null=True,
        help_text="what a succeeded job answers, e.g. an import's {batch, imported, skipped, "
        "blocks}; null until then",
    )
    url = serializers.HyperlinkedIdentityField(view_name="job-detail")

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "state",
            "rows_done",
            "rows_total",
            "errors",
            "result",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = fields
