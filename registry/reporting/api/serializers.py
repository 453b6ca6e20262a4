"""The totals query and its rows."""

from rest_framework import serializers

from core.provinces import Province
from core.sectors import Sector
from registry.reporting.selectors import GROUPINGS


class TotalsQuerySerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=list(GROUPINGS))
    vintage = serializers.IntegerField(required=False, min_value=1900, max_value=2200)
    province = serializers.ChoiceField(choices=Province.choices, required=False)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False)
    after = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="by project: the page after this project id (the `next` link of the `Link` "
        "header gives it)",
    )


class TotalsRowSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="the group: a vintage year, methodology code-version, "
        "sector, province, or project id"
    )
    label = serializers.CharField()
    issued = serializers.IntegerField(help_text="active + frozen + retired + cancelled")
    active = serializers.IntegerField()
    frozen = serializers.IntegerField()
    retired = serializers.IntegerField()
    cancelled = serializers.IntegerField()
