"""core.serializers.FieldsBuiltOnce: a model serializer's fields built once per class answer as
DRF's own, and no instance's binding reaches another's."""

import pytest
from rest_framework import serializers

from core.models import AuditCheck
from core.serializers import FieldsBuiltOnce


class PlainCheckSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()

    class Meta:
        model = AuditCheck
        fields = ["id", "ok", "entries", "first_broken", "problem", "created_at", "label"]

    def get_label(self, check: AuditCheck) -> str:
        return f"{check.entries} entries"


class CheckSerializer(FieldsBuiltOnce, PlainCheckSerializer):
    pass


class ShortCheckSerializer(CheckSerializer):
    class Meta(PlainCheckSerializer.Meta):
        fields = ["id", "label"]


@pytest.mark.django_db
def test_the_answer_is_drf_s_own_and_each_instance_binds_its_own_fields():
    checks = [
        AuditCheck.objects.create(ok=n == 1, entries=n, first_broken=n or None) for n in (0, 1)
    ]
    first, second = CheckSerializer(checks[0]), CheckSerializer(checks[1])

    assert first.data == PlainCheckSerializer(checks[0]).data
    assert second.data == PlainCheckSerializer(checks[1]).data
    assert second.data["label"] == "1 entries"
    assert first.fields["entries"] is not second.fields["entries"]
    assert first.fields["entries"].parent is first
    assert second.fields["entries"].parent is second
    # What the class keeps is never bound: each instance bound a copy.
    kept = CheckSerializer._fields_built_once
    assert [field.parent for field in kept.values()] == [None] * len(kept)


@pytest.mark.django_db
def test_a_subclass_builds_its_own_fields():
    check = AuditCheck.objects.create(ok=True, entries=4)
    assert CheckSerializer(check).data["label"] == "4 entries"  # the parent builds its own first

    assert ShortCheckSerializer(check).data == {"id": check.pk, "label": "4 entries"}
    assert list(CheckSerializer(check).data) == [
        "id", "ok", "entries", "first_broken", "problem", "created_at", "label"
    ]  # fmt: skip
