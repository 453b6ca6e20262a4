"""The ledger API: holdings, blocks and their history, transfers, retirements, cancellations
and freezes. Mutating calls take an `Idempotency-Key` header."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from registry import selectors
from registry.filters import CreditBlockFilter
from registry.serializers import (
    AccountInputSerializer,
    BlockSerializer,
    CancellationInputSerializer,
    HoldingAccountDetailSerializer,
    MovementSerializer,
    NoteInputSerializer,
    RetirementInputSerializer,
    RetirementSerializer,
    TransferInputSerializer,
)
from registry.services import idempotency, ledger

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    description="A replay with the same key and body returns the first answer and moves nothing; "
    "the same key with another body is a 409.",
)


def _parsed(serializer_class, request: Request) -> dict:
    data = serializer_class(data=request.data, context={"request": request})
    data.is_valid(raise_exception=True)
    return data.validated_data


def _once(request: Request, endpoint: str, operation) -> Response:
    answer_status, data = idempotency.run_once(
        user=request.user,
        key=request.headers.get("Idempotency-Key"),
        endpoint=endpoint,
        body=request.data,
        operation=operation,
    )
    return Response(data, status=answer_status)


class TransferView(APIView):
    """Move credits of an active block to another holding account (the holder only)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=TransferInputSerializer,
        responses={201: MovementSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def post(self, request: Request) -> Response:
        def transfer():
            movement = ledger.transfer_credits(
                actor=request.user, **_parsed(TransferInputSerializer, request)
            )
            return status.HTTP_201_CREATED, MovementSerializer(movement).data

        return _once(request, "transfers", transfer)


class RetirementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Retirement certificates, public; holders retire credits with `POST`."""

    serializer_class = RetirementSerializer
    filterset_fields = ["purpose", "holder"]

    def get_queryset(self):
        return selectors.retirements()

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(
        request=RetirementInputSerializer,
        responses={201: RetirementSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request: Request) -> Response:
        def retire():
            certificate = ledger.retire_credits(
                actor=request.user, **_parsed(RetirementInputSerializer, request)
            )
            return status.HTTP_201_CREATED, RetirementSerializer(certificate).data

        return _once(request, "retirements", retire)


class HoldingAccountViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's holding accounts with balances by project and vintage (all accounts, for
    operators and regulators, who also freeze and unfreeze them)."""

    serializer_class = HoldingAccountDetailSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["organization", "kind", "frozen"]

    def get_queryset(self):
        return selectors.accounts_visible_to(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["balances"] = getattr(self, "_balances", {})
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._balances = selectors.balances([account.pk for account in page or []])
        return page

    def get_object(self):
        account = super().get_object()
        self._balances = selectors.balances([account.pk])
        return account

    @extend_schema(request=AccountInputSerializer, responses={201: HoldingAccountDetailSerializer})
    def create(self, request: Request) -> Response:
        account = ledger.open_account(
            actor=request.user, **_parsed(AccountInputSerializer, request)
        )
        self._balances = {}
        return Response(self.get_serializer(account).data, status=status.HTTP_201_CREATED)

    def _set_frozen(self, request: Request, frozen: bool) -> Response:
        account = ledger.set_account_frozen(
            actor=request.user,
            account=self.get_object(),
            frozen=frozen,
            **_parsed(NoteInputSerializer, request),
        )
        return Response(self.get_serializer(account).data)

    @extend_schema(request=NoteInputSerializer, responses=HoldingAccountDetailSerializer)
    @action(detail=True, methods=["post"])
    def freeze(self, request: Request, pk: str) -> Response:
        return self._set_frozen(request, True)

    @extend_schema(request=NoteInputSerializer, responses=HoldingAccountDetailSerializer)
    @action(detail=True, methods=["post"])
    def unfreeze(self, request: Request, pk: str) -> Response:
        return self._set_frozen(request, False)


class CreditBlockViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Credit blocks in the caller's accounts (all, for operators and regulators). `?serial=`
    finds the block holding a serial number; `history/` lists every movement of its serials."""

    serializer_class = BlockSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = CreditBlockFilter

    def get_queryset(self):
        return selectors.blocks_visible_to(self.request.user)

    @extend_schema(responses=MovementSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request: Request, pk: str) -> Response:
        movements = selectors.block_history(self.get_object())
        return Response(MovementSerializer(movements, many=True).data)

    @extend_schema(request=CancellationInputSerializer, responses={201: MovementSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        movement = ledger.cancel_credits(
            actor=request.user,
            block=self.get_object(),
            **_parsed(CancellationInputSerializer, request),
        )
        return Response(MovementSerializer(movement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteInputSerializer, responses=MovementSerializer)
    @action(detail=True, methods=["post"])
    def freeze(self, request: Request, pk: str) -> Response:
        movement = ledger.freeze_block(
            actor=request.user, block=self.get_object(), **_parsed(NoteInputSerializer, request)
        )
        return Response(MovementSerializer(movement).data)

    @extend_schema(request=NoteInputSerializer, responses=MovementSerializer)
    @action(detail=True, methods=["post"])
    def unfreeze(self, request: Request, pk: str) -> Response:
        movement = ledger.unfreeze_block(
            actor=request.user, block=self.get_object(), **_parsed(NoteInputSerializer, request)
        )
        return Response(MovementSerializer(movement).data)
