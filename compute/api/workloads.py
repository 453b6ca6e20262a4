"""The AI workloads API: a company registers its training and inference runs and recalculates
them; the owner's members, operators and regulators read them. Another organisation's run is a
404. Serializers parse; `compute.services.workloads` decides."""

from decimal import Decimal
from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from compute import footprint, selectors
from compute.api.serializers import FactorSerializer
from compute.models import Workload, WorkloadTask
from compute.reference import ChosenFactor
from compute.services.workloads import recalculate_workload, register_workload
from core.api import parsed
from core.permissions import IsProponent

TASK_HELP = (
    "One of the AI Energy Score's ten tasks, as a training or an inference run "
    "(`text_generation_training`, `image_classification_inference`...). A run is rated only "
    "against runs of the same task and metric_name."
)
RATING_HELP = (
    "1 to 5 among the registered runs of the same task and metric_name (`runs_compared`, this "
    "one included, when it was rated): five equal bands between their lowest and highest "
    "energy_per_unit_wh (`band_edges`), 5 for the most efficient. A value on an edge belongs to "
    "the more efficient band; with one run, or all alike, 5. Stored: it moves only when the run "
    "is recalculated."
)


@extend_schema_field({"type": "string", "format": "decimal", "example": "1289376"})
class Plain(serializers.Field):
    """A stored decimal as a plain string, without trailing zeros and never rounded (the
    columns hold up to 40 digits, more than a default Decimal context keeps)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Decimal) -> str:
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text


class WorkloadInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    task = serializers.ChoiceField(choices=WorkloadTask.choices, help_text=TASK_HELP)
    model_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    model_parameters = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        max_value=10**15,
        help_text="The model's size: its number of parameters (175000000000 for GPT-3).",
    )
    accelerator = serializers.CharField(max_length=100, help_text="NVIDIA V100, TPU v3...")
    accelerator_count = serializers.IntegerField(max_value=100_000_000)
    hours = serializers.DecimalField(
        max_digits=12, decimal_places=4, help_text="Wall-clock hours of the run."
    )
    avg_power_watts = serializers.DecimalField(
        max_digits=15,
        decimal_places=3,
        required=False,
        allow_null=True,
        default=None,
        help_text="Average power per accelerator, its share of the server included as measured "
        "(Patterson et al. 2021). Or energy_kwh: one of the two.",
    )
    energy_kwh = serializers.DecimalField(
        max_digits=24,
        decimal_places=9,
        required=False,
        allow_null=True,
        default=None,
        help_text="The run's metered IT energy, before the PUE (answered as metered_energy_kwh; "
        "the answer's energy_kwh includes the PUE). Or avg_power_watts: one of the two.",
    )
    pue = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        allow_null=True,
        default=None,
        help_text="The PUE of where it ran, at least 1, with grid_factor. Or data_centre.",
    )
    data_centre = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The host, a data centre of your organisation with readings: its yearly PUE "
        "and its location-based and market-based emissions per kWh are used. Or pue.",
    )
    year = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1900,
        max_value=2200,
        help_text="The host's year whose figures are used; by default its latest with readings.",
    )
    grid_factor = serializers.DecimalField(
        max_digits=12,
        decimal_places=6,
        required=False,
        allow_null=True,
        default=None,
        help_text="kgCO2e per kWh, with pue (not with a data_centre).",
    )
    metric_name = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="The unit of work the metric_value counts: tokens, queries, images "
        "(compared in lower case).",
    )
    metric_value = serializers.DecimalField(
        max_digits=30, decimal_places=6, required=False, allow_null=True, default=None
    )


def _factor(workload: Workload, role: str) -> ChosenFactor | None:
    if workload.data_centre_id is None:
        return None
    return ChosenFactor(
        series=getattr(workload, f"{role}_series"),
        region=getattr(workload, f"{role}_region"),
        factor_year=getattr(workload, f"{role}_factor_year"),
        value=getattr(workload, f"{role}_factor"),
        provisional=getattr(workload, f"{role}_provisional"),
    )


class WorkloadSerializer(serializers.ModelSerializer):
    """A run, its figures and, with a metric, its rating, as last computed (`computed_at`,
    `rated_at`)."""

    owner_name = serializers.CharField(source="owner.name", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="training or inference")
    hours = Plain()
    avg_power_watts = Plain(allow_null=True)
    metered_energy_kwh = Plain(allow_null=True, help_text="As given in energy_kwh.")
    grid_factor = Plain(allow_null=True, help_text="kgCO2e/kWh as given, without a host.")
    pue = Plain(help_text="As given, or the host's yearly PUE (Σtotal / ΣIT) to 6 places.")
    it_energy_kwh = Plain(help_text="avg_power_watts x accelerator_count x hours / 1000, or "
                          "the metered energy.")  # fmt: skip
    energy_kwh = Plain(help_text="it_energy_kwh x pue.")
    emission_factor = Plain(
        help_text="kgCO2e per kWh of energy_kwh: grid_factor, or the host's location-based "
        "emissions of the year per kWh of its total energy (grid electricity / total x the "
        "grid region's factor: on-site renewables count pro rata)."
    )
    emissions_kgco2e = Plain(help_text="energy_kwh x emission_factor (location-based).")
    market_based_emission_factor = Plain(
        allow_null=True,
        help_text="Hosted only: the host's market-based emissions of the year per kWh of its "
        "total energy ((grid electricity - certificates) / total x the residual factor).",
    )
    market_based_emissions_kgco2e = Plain(allow_null=True)
    location_based = serializers.SerializerMethodField()
    market_based = serializers.SerializerMethodField()
    provisional = serializers.BooleanField(
        read_only=True, help_text="A host's factor stood in for its year's own, not yet published."
    )
    metric_value = Plain(allow_null=True)
    energy_per_unit_wh = Plain(allow_null=True, help_text="energy_kwh x 1000 / metric_value.")
    rating = serializers.IntegerField(read_only=True, allow_null=True, help_text=RATING_HELP)
    band_edges = serializers.SerializerMethodField()

    class Meta:
        model = Workload
        fields = ["id", "name", "owner", "owner_name", "task", "kind", "model_name",
                  "model_parameters", "accelerator", "accelerator_count", "hours",
                  "avg_power_watts", "metered_energy_kwh", "data_centre", "year", "pue",
                  "grid_factor", "it_energy_kwh", "energy_kwh", "emission_factor",
                  "emissions_kgco2e", "market_based_emission_factor",
                  "market_based_emissions_kgco2e", "location_based", "market_based",
                  "provisional", "metric_name", "metric_value", "energy_per_unit_wh", "rating",
                  "band_edges", "runs_compared", "rated_at", "computed_at",
                  "created_at"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(FactorSerializer(allow_null=True))
    def get_location_based(self, workload: Workload) -> dict | None:
        factor = _factor(workload, "location")
        return None if factor is None else FactorSerializer(factor).data

    @extend_schema_field(FactorSerializer(allow_null=True))
    def get_market_based(self, workload: Workload) -> dict | None:
        factor = _factor(workload, "market")
        return None if factor is None else FactorSerializer(factor).data

    @extend_schema_field(
        {"type": "array", "items": {"type": "string", "format": "decimal"}, "nullable": True}
    )
    def get_band_edges(self, workload: Workload) -> list[str] | None:
        """The six edges (Wh per unit) of the five bands, lowest first: rating 5 between the
        first two, 1 between the last two."""
        if workload.rating is None:
            return None
        edges = footprint.band_edges(workload.band_lowest_wh, workload.band_highest_wh)
        return [Plain().to_representation(edge) for edge in edges]


class WorkloadFilter(django_filters.FilterSet):
    task = django_filters.ChoiceFilter(choices=WorkloadTask.choices)
    metric_name = django_filters.CharFilter()
    data_centre = django_filters.NumberFilter()

    class Meta:
        model = Workload
        fields = ["task", "metric_name", "data_centre"]


class WorkloadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """AI workloads: companies register theirs; the owner's members, operators and regulators
    read them; the owner recalculates them."""

    serializer_class = WorkloadSerializer
    filterset_class = WorkloadFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.workloads_visible_to(self.request.user)

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated(), IsProponent()]
        return [IsAuthenticated()]

    @extend_schema(
        request=WorkloadInputSerializer,
        responses={201: WorkloadSerializer},
        description=(
            "Register a run: avg_power_watts or energy_kwh (metered), data_centre (its PUE and "
            "factors of `year`) or pue and grid_factor; with metric_name and metric_value, its "
            "energy per unit and rating among the runs of its task and metric."
        ),
    )
    def create(self, request: Request) -> Response:
        workload = register_workload(actor=request.user, **parsed(WorkloadInputSerializer, request))
        return Response(WorkloadSerializer(workload).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses=WorkloadSerializer,
        description=(
            "Compute the run's energy, emissions and rating again, with its host's current "
            "figures of its year and the runs registered by now; dated anew (the owner)."
        ),
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def recalculate(self, request: Request, pk: str) -> Response:
        workload = recalculate_workload(actor=request.user, workload=self.get_object())
        return Response(WorkloadSerializer(workload).data)
