"""The accounts API: the public directory, users, accreditations and the caller's identity."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.serializers import (
    AccreditationInputSerializer,
    AccreditationSerializer,
    MeSerializer,
    OrganizationInputSerializer,
    OrganizationSerializer,
    UserInputSerializer,
    UserSerializer,
)
from core.api import parsed
from core.permissions import IsOperator


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
        return [IsAuthenticated(), IsOperator()]

    @extend_schema(request=OrganizationInputSerializer, responses={201: OrganizationSerializer})
    def create(self, request: Request) -> Response:
        data = parsed(OrganizationInputSerializer, request)
        organization = services.create_organization(actor=request.user, **data)
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
        data = parsed(AccreditationInputSerializer, request)
        accreditation = services.add_accreditation(
            actor=request.user, organization=organization, **data
        )
        return Response(AccreditationSerializer(accreditation).data, status=status.HTTP_201_CREATED)


class UserViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Users: operators create them; each caller lists the users it may see."""

    serializer_class = UserSerializer

    def get_queryset(self):
        return selectors.users_visible_to(self.request.user)

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated(), IsOperator()]
        return [IsAuthenticated()]

    @extend_schema(request=UserInputSerializer, responses={201: UserSerializer})
    def create(self, request: Request) -> Response:
        data = parsed(UserInputSerializer, request)
        user = services.create_user(actor=request.user, **data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class MeView(APIView):
    """The caller's username and organisation."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
