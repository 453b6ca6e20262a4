"""The accounts API: the public directory, users, accreditations and the caller's identity."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.rules import can_manage_organizations
from accounts.serializers import (
    AccreditationInputSerializer,
    AccreditationSerializer,
    MeSerializer,
    OrganizationInputSerializer,
    OrganizationSerializer,
    UserInputSerializer,
    UserSerializer,
)
from core.api import allowed_if

CanManageOrganizations = allowed_if(can_manage_organizations, "CanManageOrganizations")


class OrganizationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The public directory of organisations; operators register new ones."""

    serializer_class = OrganizationSerializer
    filterset_fields = ["kind", "province"]

    def get_queryset(self):
        return selectors.organization_directory()

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [AllowAny()]
        return [IsAuthenticated(), CanManageOrganizations()]

    @extend_schema(request=OrganizationInputSerializer, responses={201: OrganizationSerializer})
    def create(self, request: Request) -> Response:
        data = OrganizationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = services.create_organization(actor=request.user, **data.validated_data)
        return Response(OrganizationSerializer(organization).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=AccreditationSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=AccreditationInputSerializer,
        responses={201: AccreditationSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_fields=[])
    def accreditations(self, request: Request, pk: str) -> Response:
        organization = self.get_object()
        if request.method == "GET":
            accreditations = selectors.accreditations_of(organization)
            return Response(AccreditationSerializer(accreditations, many=True).data)
        data = AccreditationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accreditation = services.add_accreditation(
            actor=request.user, organization=organization, **data.validated_data
        )
        return Response(AccreditationSerializer(accreditation).data, status=status.HTTP_201_CREATED)


class UserViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Users: operators create them; each caller lists the users it may see."""

    serializer_class = UserSerializer

    def get_queryset(self):
        return selectors.users_visible_to(self.request.user)

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated(), CanManageOrganizations()]
        return [IsAuthenticated()]

    @extend_schema(request=UserInputSerializer, responses={201: UserSerializer})
    def create(self, request: Request) -> Response:
        data = UserInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.create_user(actor=request.user, **data.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class MeView(APIView):
    """The caller's username and organisation."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
