"""Input and output shapes of the ledger API. Serializers parse; services decide."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organization
from certificates.api.serializers import CertificateCancellationSerializer
from core.serializers import FieldsBuiltOnce, NoteInputSerializer
from registry.ledger import selectors
from registry.ledger.models import (
    CreditBlock,
    HoldingAccount,
    Issuance,
    Movement,
    ReconciliationRun,
    Retirement,
)
from registry.ledger.reconciliation import PROBLEM_KINDS, RETIREMENT_FIGURES


class BlockSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditBlock
        fields = ["id", "serial", "first", "last", "quantity", "vintage", "project", "account",
                  "status"]  # fmt: skip
        read_only_fields = fields


class VintageSerializer(serializers.Serializer):
    vintage = serializers.IntegerField()
    first = serializers.IntegerField()
    last = serializers.IntegerField()
    quantity = serializers.IntegerField()


class IssuanceSerializer(serializers.ModelSerializer):
    project_reference = serializers.CharField(source="project.reference")
    vintages = VintageSerializer(
        many=True, read_only=True, help_text="Issued credits per vintage, as stored at issuance."
    )
    cancelled_certificates = serializers.SerializerMethodField(
        help_text="The green certificates cancelled because the electricity they stand for was "
        "credited by this issuance (the GEC-CCER link), in serial order; empty elsewhere."
    )

    class Meta:
        model = Issuance
        fields = ["id", "project", "project_reference", "report", "quantity", "first_serial",
                  "last_serial", "vintages", "cancelled_certificates", "created_at"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(CertificateCancellationSerializer(many=True))
    def get_cancelled_certificates(self, issuance: Issuance) -> list[dict]:
        """From the context where the view read them for a whole page, else read now."""
        by_issuance = self.context.get("cancellations")
        if by_issuance is None:
            by_issuance = selectors.certificate_cancellations([issuance.pk])
        records = by_issuance.get(issuance.pk, [])
        return CertificateCancellationSerializer(records, many=True).data


class HoldingAccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = HoldingAccount
        fields = ["id", "name", "kind", "organization", "is_default", "frozen"]
        read_only_fields = fields


# The largest value of a bigint primary key: a larger id names no row.
LARGEST_ID = 2**63 - 1


class IdField(serializers.PrimaryKeyRelatedField):
    """The id of a row of the queryset's model, checked for its shape alone: an integer (not a
    boolean) a primary key can hold, with `PrimaryKeyRelatedField`'s messages. The service
    reads the row under its lock and refuses an id that names no row the caller may see, with
    the same message as before (`movements.NO_SUCH_ROW`): so the request reads the row once,
    not once here and again under the lock. The queryset serves the schema and the browsable
    API's form only."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            # The model's key alone: no queryset is built for a value that is not read here.
            pk = self.queryset.model._meta.pk.to_python(data)
        except DjangoValidationError:
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not -LARGEST_ID <= pk <= LARGEST_ID:
            self.fail("does_not_exist", pk_value=data)
        return pk


@extend_schema_field(int)
class VisibleBlockField(IdField):
    """The id of a block the caller may see: the service answers for another holder's block
    as for a missing one."""

    queryset = CreditBlock.objects.all()

    def get_queryset(self):
        return selectors.blocks_visible_to(self.context["request"].user).select_related(None)


class IssueInputSerializer(NoteInputSerializer):
    """`POST /api/v1/monitoring-reports/{id}/issue/`: a claim above its project's estimate
    (`above_estimate` on the report) is issued only with `override` and its `reason`."""

    override = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TransferInputSerializer(serializers.Serializer):
    block = VisibleBlockField()
    quantity = serializers.IntegerField(min_value=1)
    to_account = IdField(queryset=HoldingAccount.objects.all())
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")


class RetirementInputSerializer(serializers.Serializer):
    block = VisibleBlockField()
    quantity = serializers.IntegerField(min_value=1)
    beneficiary = serializers.CharField(max_length=300)
    purpose = serializers.ChoiceField(choices=Retirement.Purpose.choices)
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")


class CancellationInputSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, required=False, default=None)
    note = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")


class MovementSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """One movement: `serial` is the range it moved (its own first..last), not the block's
    range now."""

    serial = serializers.CharField(read_only=True)
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Movement
        fields = ["id", "kind", "block", "serial", "first", "last", "quantity", "from_account",
                  "to_account", "actor", "occurred_at", "note"]  # fmt: skip
        read_only_fields = fields


class BlockHistorySerializer(MovementSerializer):
    """A movement in a block's history (`selectors.block_history`): `block` is null where the
    block it moved is another holder's, which the caller may not reach."""

    block = serializers.SerializerMethodField()

    def get_block(self, movement: Movement) -> int | None:
        return movement.block_id if movement.block_visible else None


class RetirementSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A retirement certificate: public."""

    serial = serializers.CharField(source="block.serial")
    first = serializers.IntegerField(source="block.first")
    last = serializers.IntegerField(source="block.last")
    quantity = serializers.IntegerField(source="block.quantity")
    vintage = serializers.IntegerField(source="block.vintage")
    project = serializers.IntegerField(source="block.project_id")
    project_reference = serializers.CharField(source="block.project.reference")
    project_title = serializers.CharField(source="block.project.title")
    holder_name = serializers.CharField(source="holder.name")
    retired_at = serializers.DateTimeField(source="created_at")
    log_index = serializers.SerializerMethodField()

    class Meta:
        model = Retirement
        fields = ["id", "serial", "first", "last", "quantity", "vintage", "project",
                  "project_reference", "project_title", "holder", "holder_name", "beneficiary",
                  "purpose", "note", "retired_at", "log_index"]  # fmt: skip
        read_only_fields = fields

    def get_log_index(self, retirement: Retirement) -> int | None:
        """The index in the transparency log of the entry recording the retirement, once
        sealed (`selectors.retirements`)."""
        return getattr(retirement, "log_index", None)


class BalanceSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    vintage = serializers.IntegerField()
    active = serializers.IntegerField()
    frozen = serializers.IntegerField()


class HoldingAccountDetailSerializer(HoldingAccountSerializer):
    balances = serializers.SerializerMethodField()

    class Meta(HoldingAccountSerializer.Meta):
        fields = [*HoldingAccountSerializer.Meta.fields, "balances"]
        read_only_fields = fields

    @extend_schema_field(BalanceSerializer(many=True))
    def get_balances(self, account: HoldingAccount) -> list[dict[str, int]]:
        return self.context["balances"].get(account.pk, [])


class AccountInputSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    name = serializers.CharField(max_length=200)
    is_default = serializers.BooleanField(default=False)


class ReconciliationProblemSerializer(serializers.Serializer):
    """One problem: of an issuance, `first`/`last` for a gap, overlap, outside block or
    blockless issuance, `issued`/`in_blocks` for a sum that doesn't match; of the kept totals
    (`totals`), the `project`, `vintage` and `state` whose total `in_totals` is not the
    blocks' sum `in_blocks`; of the kept retirement totals (`retirement totals`), the `month`,
    `purpose` and `figure` (credits retired, `quantity`, or certificates, `retirements`) whose
    total `in_totals` is not the retirements' own `in_retirements`."""

    issuance = serializers.IntegerField(required=False)
    problem = serializers.ChoiceField(choices=PROBLEM_KINDS)
    first = serializers.IntegerField(required=False)
    last = serializers.IntegerField(required=False)
    issued = serializers.IntegerField(required=False)
    in_blocks = serializers.IntegerField(required=False)
    project = serializers.IntegerField(required=False)
    vintage = serializers.IntegerField(required=False)
    state = serializers.ChoiceField(choices=CreditBlock.Status.choices, required=False)
    in_totals = serializers.IntegerField(required=False)
    month = serializers.DateField(required=False)
    purpose = serializers.ChoiceField(choices=Retirement.Purpose.choices, required=False)
    figure = serializers.ChoiceField(choices=RETIREMENT_FIGURES, required=False)
    in_retirements = serializers.IntegerField(required=False)


class ReconciliationRunSerializer(serializers.ModelSerializer):
    problems = ReconciliationProblemSerializer(many=True, read_only=True)

    class Meta:
        model = ReconciliationRun
        fields = [
            "id",
            "created_at",
            "ok",
            "issuances_checked",
            "blocks_checked",
            "totals_checked",
            "retirement_totals_checked",
            "problem_count",
            "problems",
        ]
        read_only_fields = fields


class NoReconciliationSerializer(serializers.Serializer):
    detail = serializers.CharField()
