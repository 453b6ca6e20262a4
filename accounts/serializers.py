"""Input and output shapes of the accounts API. Serializers parse; services decide."""

from rest_framework import serializers

from accounts.models import Accreditation, Organization, User
from core.provinces import Province
from core.sectors import Sector


class AccreditationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Accreditation
        fields = ["id", "organization", "sector", "valid_from", "valid_to"]
        read_only_fields = fields


class OrganizationSerializer(serializers.ModelSerializer):
    accreditations = AccreditationSerializer(many=True, read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "kind", "province", "unified_social_credit_code", "accreditations"]
        read_only_fields = fields


class OrganizationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class OrganizationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Organization.Kind.choices)
    province = serializers.ChoiceField(choices=Province.choices)
    unified_social_credit_code = serializers.CharField(
        max_length=32, required=False, allow_blank=True, allow_null=True
    )


class AccreditationInputSerializer(serializers.Serializer):
    sector = serializers.ChoiceField(choices=Sector.choices)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()


class UserSerializer(serializers.ModelSerializer):
    organization = OrganizationSummarySerializer(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "email", "organization", "is_active"]
        read_only_fields = fields


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(
        allow_null=True, help_text="When the token stops working; sign in again after it."
    )


class UserInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())


class MeSerializer(serializers.ModelSerializer):
    organization = OrganizationSummarySerializer(read_only=True)

    class Meta:
        model = User
        fields = ["username", "organization"]
        read_only_fields = fields
