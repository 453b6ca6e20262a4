"""Input and output shapes of the methodology API. Serializers parse; services decide."""

from rest_framework import serializers

from core.api import DecimalString
from core.sectors import Sector
from methodologies.engine.limits import MAX_EQUATIONS, MAX_PARAMETERS
from methodologies.models import (
    EmissionFactor,
    Equation,
    GlobalWarmingPotential,
    Methodology,
    Parameter,
    ReadingQuantity,
)

DECIMAL = {"max_digits": 40, "decimal_places": 15}


class ParameterSerializer(serializers.ModelSerializer):
    min = DecimalString(source="minimum", required=False, allow_null=True, **DECIMAL)
    max = DecimalString(source="maximum", required=False, allow_null=True, **DECIMAL)
    default = DecimalString(required=False, allow_null=True, **DECIMAL)
    kind = serializers.ChoiceField(choices=Parameter.Kind.choices)

    class Meta:
        model = Parameter
        fields = [
            "symbol",
            "name",
            "unit",
            "kind",
            "series",
            "default",
            "min",
            "max",
            "description",
            "source",
        ]
        extra_kwargs = {
            "series": {"required": False},
            "description": {"required": False},
            "source": {"required": False},
        }


class EquationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Equation
        fields = ["symbol", "expression", "unit", "description"]
        extra_kwargs = {"description": {"required": False}}


class MethodologySerializer(serializers.ModelSerializer):
    result = serializers.CharField(source="result_symbol")
    parameters = ParameterSerializer(many=True)
    equations = EquationSerializer(many=True)

    class Meta:
        model = Methodology
        fields = [
            "id",
            "identifier",
            "code",
            "version",
            "title",
            "sector",
            "kind",
            "status",
            "approved",
            "additionality_exempt",
            "crediting_years_min",
            "crediting_years_max",
            "applicability",
            "source_document",
            "result",
            "certificate_electricity",
            "data_centre_readings",
            "parameters",
            "equations",
            "published_at",
        ]
        read_only_fields = fields


class MethodologyInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    version = serializers.CharField(max_length=16)
    title = serializers.CharField(max_length=300)
    sector = serializers.ChoiceField(choices=Sector.choices)
    kind = serializers.ChoiceField(choices=Methodology.Kind.choices, default="reduction")
    approved = serializers.BooleanField(default=True)
    additionality_exempt = serializers.BooleanField(default=False)
    crediting_years_min = serializers.IntegerField(
        min_value=1, max_value=100, required=False, allow_null=True, default=None
    )
    crediting_years_max = serializers.IntegerField(
        min_value=1, max_value=100, required=False, allow_null=True, default=None
    )
    applicability = serializers.ListField(
        child=serializers.CharField(max_length=2000), max_length=50, default=list
    )
    source_document = serializers.CharField(max_length=500, default="", allow_blank=True)
    result = serializers.CharField(max_length=64)
    certificate_electricity = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="The equation whose value (an energy, such as MWh) is the net electricity that "
        "also earns green certificates, where the GEC-CCER link governs the methodology.",
    )
    data_centre_readings = serializers.DictField(
        child=serializers.ChoiceField(choices=ReadingQuantity.choices),
        required=False,
        default=dict,
        help_text="The monitored parameters a project's data centre's readings give rather than "
        'its reports: `{symbol: quantity}`, such as `{"E_IT": "it_energy", "PUE_PJ": "pue"}`; '
        "its projects name their data centre.",
    )
    parameters = ParameterSerializer(many=True, max_length=MAX_PARAMETERS)
    equations = EquationSerializer(many=True, allow_empty=False, max_length=MAX_EQUATIONS)


class CalculationInputSerializer(serializers.Serializer):
    parameters = serializers.DictField(child=serializers.JSONField(), allow_empty=True)


class CalculatedValueSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="a decimal, or a list of decimals for a series")
    unit = serializers.CharField()


class CalculationResultSerializer(CalculatedValueSerializer):
    symbol = serializers.CharField()


class CalculationSerializer(serializers.Serializer):
    """The calculate response: the result, every value with its unit, the reference data used."""

    result = CalculationResultSerializer()
    values = serializers.DictField(child=CalculatedValueSerializer())
    references = serializers.DictField(child=CalculatedValueSerializer())


class EmissionFactorSerializer(serializers.ModelSerializer):
    value = DecimalString(max_digits=20, decimal_places=6)

    class Meta:
        model = EmissionFactor
        # Uniqueness is the service's to answer (409: stored factors never change).
        validators = []
        fields = [
            "id",
            "series",
            "region",
            "data_year",
            "value",
            "unit",
            "published",
            "source",
            "confidence",
        ]


class GlobalWarmingPotentialSerializer(serializers.ModelSerializer):
    class Meta:
        model = GlobalWarmingPotential
        fields = ["id", "set", "gas", "value", "source"]
        read_only_fields = fields
