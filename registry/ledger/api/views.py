"""The ledger API: holdings, blocks and their history, transfers, retirements, cancellations
and freezes. Mutating calls take an `Idempotency-Key` header."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import IDEMPOTENCY_KEY, answer_once, parsed
from core.permissions import CanReadEverything
from core.serializers import NoteInputSerializer
from registry.ledger import selectors
from registry.ledger.api.filters import CreditBlockFilter, IssuanceFilter
from registry.ledger.api.pagination import IdCursorPagination
from registry.ledger.api.serializers import (
    AccountInputSerializer,
    BlockHistorySerializer,
    BlockSerializer,
    CancellationInputSerializer,
    HoldingAccountDetailSerializer,
    IssuanceSerializer,
    IssueInputSerializer,
    MovementSerializer,
    NoReconciliationSerializer,
    ReconciliationRunSerializer,
    RetirementInputSerializer,
    RetirementSerializer,
    TransferInputSerializer,
)
from registry.ledger.reconciliation import last_reconciliation, start_reconciliation
from registry.ledger.services import issuance, movements
from registry.projects.selectors import reports_visible_to


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
            movement = movements.transfer_credits(
                actor=request.user, **parsed(TransferInputSerializer, request)
            )
            return status.HTTP_201_CREATED, MovementSerializer(movement).data

        return answer_once(request, "transfers", transfer)


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
            certificate = movements.retire_credits(
                actor=request.user, **parsed(RetirementInputSerializer, request)
            )
            return status.HTTP_201_CREATED, RetirementSerializer(certificate).data

        return answer_once(request, "retirements", retire)


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
        account = movements.open_account(
            actor=request.user, **parsed(AccountInputSerializer, request)
        )
        self._balances = {}
        return Response(self.get_serializer(account).data, status=status.HTTP_201_CREATED)

    def _set_frozen(self, request: Request, frozen: bool) -> Response:
        account = movements.set_account_frozen(
            actor=request.user,
            account=self.get_object(),
            frozen=frozen,
            **parsed(NoteInputSerializer, request),
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
    """Credit blocks in the caller's accounts (all, for operators and regulators), by a
    cursor. `?serial=` finds the block holding a serial number; `history/` lists every
    movement of its serials, by a cursor too."""

    serializer_class = BlockSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = CreditBlockFilter
    pagination_class = IdCursorPagination

    def get_queryset(self):
        return selectors.blocks_visible_to(self.request.user)

    @extend_schema(responses=BlockHistorySerializer(many=True))
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request: Request, pk: str) -> Response:
        movements = selectors.block_history(self.get_object(), request.user)
        page = self.paginate_queryset(movements)
        return self.get_paginated_response(BlockHistorySerializer(page, many=True).data)

    @extend_schema(request=CancellationInputSerializer, responses={201: MovementSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        movement = movements.cancel_credits(
            actor=request.user,
            block=self.get_object(),
            **parsed(CancellationInputSerializer, request),
        )
        return Response(MovementSerializer(movement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteInputSerializer, responses=MovementSerializer)
    @action(detail=True, methods=["post"])
    def freeze(self, request: Request, pk: str) -> Response:
        movement = movements.freeze_block(
            actor=request.user, block=self.get_object(), **parsed(NoteInputSerializer, request)
        )
        return Response(MovementSerializer(movement).data)

    @extend_schema(request=NoteInputSerializer, responses=MovementSerializer)
    @action(detail=True, methods=["post"])
    def unfreeze(self, request: Request, pk: str) -> Response:
        movement = movements.unfreeze_block(
            actor=request.user, block=self.get_object(), **parsed(NoteInputSerializer, request)
        )
        return Response(MovementSerializer(movement).data)


class IssueView(APIView):
    """The operator issues the credits of a monitoring report in issuance review:
    `POST /api/v1/monitoring-reports/{id}/issue/`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=IssueInputSerializer, responses={201: IssuanceSerializer})
    def post(self, request: Request, pk: int) -> Response:
        report = get_object_or_404(reports_visible_to(request.user), pk=pk)
        created = issuance.issue_credits(
            actor=request.user, report=report, **parsed(IssueInputSerializer, request)
        )
        return Response(IssuanceSerializer(created).data, status=status.HTTP_201_CREATED)


class IssuanceViewSet(viewsets.ReadOnlyModelViewSet):
    """Issuances are public: what was issued, for which claim, in which serial ranges."""

    serializer_class = IssuanceSerializer
    permission_classes = [AllowAny]
    filterset_class = IssuanceFilter

    def get_queryset(self):
        return selectors.issuances()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["cancellations"] = getattr(self, "_cancellations", None)
        return context

    def paginate_queryset(self, queryset):
        # The certificates cancelled by a whole page of issuances, in one query.
        page = super().paginate_queryset(queryset)
        if page is not None:
            self._cancellations = selectors.certificate_cancellations([i.pk for i in page])
        return page


NO_RECONCILIATION_YET = "No reconciliation has run yet."
RECONCILIATION_STARTED = "No reconciliation has run yet; one has started."


class ReconciliationView(APIView):
    """The last ledger reconciliation (GET); POST answers it too (202) and starts a new run as
    a task, read back with GET once recorded: no request scans the ledger. Operators and
    regulators. Runs are also recorded periodically by `registry.ledger.tasks.reconcile_ledger`."""

    permission_classes = [IsAuthenticated, CanReadEverything]

    @extend_schema(responses={200: ReconciliationRunSerializer, 404: NoReconciliationSerializer})
    def get(self, request: Request) -> Response:
        run = last_reconciliation()
        if run is None:
            raise NotFound(NO_RECONCILIATION_YET)
        return Response(ReconciliationRunSerializer(run).data)

    @extend_schema(
        request=None,
        responses={
            202: OpenApiResponse(
                ReconciliationRunSerializer,
                description="The last run (before any, `{detail}`); a new run has started.",
            )
        },
    )
    def post(self, request: Request) -> Response:
        run = last_reconciliation()
        start_reconciliation()
        if run is None:
            return Response({"detail": RECONCILIATION_STARTED}, status=status.HTTP_202_ACCEPTED)
        return Response(ReconciliationRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
