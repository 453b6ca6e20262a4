"""Output shapes of the kernel's endpoints, and what the other contexts' serializers share."""

import copy

from rest_framework import serializers

from core.models import Job


class AuditVerificationSerializer(serializers.Serializer):
    """The last recorded check of the transparency log against the audit entries (all null
    before the first check)."""

    ok = serializers.BooleanField(allow_null=True)
    entries = serializers.IntegerField(allow_null=True)
    first_broken = serializers.IntegerField(allow_null=True)
    problem = serializers.CharField(allow_blank=True, allow_null=True)
    checked_at = serializers.DateTimeField(allow_null=True)


class TransparencyKeySerializer(serializers.Serializer):
    algorithm = serializers.CharField()
    public_key = serializers.CharField(help_text="The raw 32-byte Ed25519 public key, base64.")


class TreeHeadSerializer(serializers.Serializer):
    tree_size = serializers.IntegerField()
    root_hash = serializers.CharField(help_text="Hex.")
    timestamp = serializers.IntegerField(help_text="Milliseconds since the epoch.")
    signature = serializers.CharField(
        help_text="Ed25519 over ASCII `<tree_size>:<root_hash>:<timestamp>`, base64."
    )


class LogEntrySerializer(serializers.Serializer):
    index = serializers.IntegerField()
    leaf_hash = serializers.CharField(help_text="Hex: SHA-256(0x00 || entry).")
    entry = serializers.CharField(
        required=False,
        help_text="The entry's canonical bytes, base64, where the caller may see it.",
    )


class InclusionProofSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    tree_size = serializers.IntegerField()
    audit_path = serializers.ListField(child=serializers.CharField())


class ConsistencyProofSerializer(serializers.Serializer):
    first = serializers.IntegerField()
    second = serializers.IntegerField()
    proof = serializers.ListField(child=serializers.CharField())


class FieldsBuiltOnce:
    """For a model serializer on a hot path (a ledger movement's answer). DRF builds a model
    serializer's fields from the model's metadata again for every instance, then copies each by
    making it anew from its arguments: about a millisecond for a dozen fields. This builds them
    once per class and gives each instance shallow copies, which `bind` then fills in (its
    name, parent and source) without touching the class's; a nested serializer, which binds
    fields of its own, is copied whole. Only for a serializer whose fields depend on its class
    alone, never on its context or request."""

    def get_fields(self) -> dict[str, serializers.Field]:
        owner = type(self)
        fields = owner.__dict__.get("_fields_built_once")  # a subclass builds its own
        if fields is None:
            fields = super().get_fields()
            owner._fields_built_once = fields
        return {
            name: copy.deepcopy(field)
            if isinstance(field, serializers.BaseSerializer)
            else copy.copy(field)
            for name, field in fields.items()
        }


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
