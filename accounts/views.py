"""The accounts API: signing in and out, the public directory, users, accreditations and the
caller's identity."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.authentication import TokenAuthentication
from accounts.serializers import (
    AccreditationInputSerializer,
    AccreditationSerializer,
    MeSerializer,
    OrganizationInputSerializer,
    OrganizationSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserInputSerializer,
    UserSerializer,
)
from accounts.throttles import SignInPerAddressThrottle, SignInPerUsernameThrottle
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
        if self.action in ("create", "deactivate"):
            return [IsAuthenticated(), IsOperator()]
        return [IsAuthenticated()]

    @extend_schema(request=UserInputSerializer, responses={201: UserSerializer})
    def create(self, request: Request) -> Response:
        data = parsed(UserInputSerializer, request)
        user = services.create_user(actor=request.user, **data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=UserSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str) -> Response:
        """The user can no longer sign in, and every token of theirs stops working at once."""
        user = services.deactivate_user(actor=request.user, user=self.get_object())
        return Response(UserSerializer(user).data)


class ObtainTokenView(APIView):
    """Sign in: `{username, password}` answers a new token and when it expires.

    Tries are limited per username and per address (429 with Retry-After beyond the limit).
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [SignInPerUsernameThrottle, SignInPerAddressThrottle]

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer, auth=[])
    def post(self, request: Request) -> Response:
        data = parsed(TokenRequestSerializer, request)
        token, key = services.sign_in(request=request, **data)
        return Response(TokenSerializer({"token": key, "expiry": token.expiry}).data)


class LogoutView(APIView):
    """Sign out: the token that authenticates this request stops working."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        services.revoke_token(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The caller's username and organisation."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
