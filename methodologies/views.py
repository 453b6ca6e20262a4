"""The methodology library API: read publicly, written by regulators, calculated by anyone."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import parsed
from core.permissions import IsRegulator
from methodologies import selectors, services
from methodologies.calculation import calculation_trace
from methodologies.filters import EmissionFactorFilter, MethodologyFilter
from methodologies.serializers import (
    CalculationInputSerializer,
    CalculationSerializer,
    EmissionFactorSerializer,
    GlobalWarmingPotentialSerializer,
    MethodologyInputSerializer,
    MethodologySerializer,
)


class MethodologyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Methodology versions. Everyone reads published ones; regulators write, publish and
    approve them."""

    serializer_class = MethodologySerializer
    filterset_class = MethodologyFilter

    def get_queryset(self):
        # A calculation reads the model through its own cache, not through this queryset.
        return selectors.methodologies_visible_to(
            self.request.user, with_model=self.action != "calculate"
        )

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        if self.action == "calculate":
            return [IsAuthenticated()]
        return [IsAuthenticated(), IsRegulator()]

    @extend_schema(request=MethodologyInputSerializer, responses={201: MethodologySerializer})
    def create(self, request: Request) -> Response:
        data = parsed(MethodologyInputSerializer, request)
        methodology = services.create_methodology(actor=request.user, **data)
        return Response(MethodologySerializer(methodology).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MethodologyInputSerializer, responses=MethodologySerializer)
    def update(self, request: Request, pk: str) -> Response:
        methodology = self.get_object()
        data = parsed(MethodologyInputSerializer, request)
        fields = dict(data)
        fields.pop("code"), fields.pop("version")
        methodology = services.update_methodology(
            actor=request.user, methodology=methodology, **fields
        )
        return Response(MethodologySerializer(methodology).data)

    @extend_schema(request=None, responses=MethodologySerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        methodology = services.publish_methodology(
            actor=request.user, methodology=self.get_object()
        )
        return Response(MethodologySerializer(methodology).data)

    @extend_schema(request=None, responses=MethodologySerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """The competent authority approves this published version: its projects may then be
        registered and issued credits."""
        methodology = services.approve_methodology(
            actor=request.user, methodology=self.get_object()
        )
        return Response(MethodologySerializer(methodology).data)

    @extend_schema(
        request=CalculationInputSerializer,
        responses=CalculationSerializer,
        examples=[
            OpenApiExample(
                "CCER-01-002-V01 offshore wind, one year",
                request_only=True,
                value={
                    "parameters": {
                        "EG_export": [{"value": "1000", "unit": "GWh"}],
                        "EG_import": ["5000"],
                        "EF_grid_OM": "0.7921",
                        "EF_grid_BM": "0.3870",
                        "w_OM": "0.75",
                        "w_BM": "0.25",
                    }
                },
            )
        ],
        description=(
            "Calculate this version from `parameters`, keyed by symbol. A value is a number or "
            'decimal string in the parameter\'s unit, or `{"value": "1000", "unit": "GWh"}` in '
            "any convertible unit; a monitored series is a list of such values. Changes nothing."
        ),
    )
    @action(detail=True, methods=["post"])
    def calculate(self, request: Request, pk: str) -> Response:
        methodology = self.get_object()
        data = parsed(CalculationInputSerializer, request)
        calculation = services.calculate_methodology(
            methodology=methodology, parameters=data["parameters"]
        )
        return Response(calculation_trace(calculation, methodology.result_symbol))


class EmissionFactorViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Grid emission factors by (series, region, data year); regulators add new ones."""

    serializer_class = EmissionFactorSerializer
    filterset_class = EmissionFactorFilter

    def get_queryset(self):
        return selectors.emission_factors()

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsAuthenticated(), IsRegulator()]

    @extend_schema(request=EmissionFactorSerializer, responses={201: EmissionFactorSerializer})
    def create(self, request: Request) -> Response:
        data = parsed(EmissionFactorSerializer, request)
        factor = services.add_emission_factor(actor=request.user, **data)
        return Response(EmissionFactorSerializer(factor).data, status=status.HTTP_201_CREATED)


class GlobalWarmingPotentialViewSet(viewsets.ReadOnlyModelViewSet):
    """100-year global warming potentials by IPCC assessment report."""

    serializer_class = GlobalWarmingPotentialSerializer
    permission_classes = [AllowAny]
    filterset_fields = ["set", "gas"]

    def get_queryset(self):
        return selectors.global_warming_potentials()
