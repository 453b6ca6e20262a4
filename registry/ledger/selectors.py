"""Read queries for issuances, holdings, blocks and retirements, scoped to the caller."""

from typing import Any

from django.db.models import (
    BigIntegerField,
    CharField,
    Exists,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast

from certificates import selectors as certificate_selectors
from certificates.models import CertificateCancellation
from core.models import BigIntegerRange
from core.roles import can_read_everything
from core.transparency import log_index_of
from registry.ledger.models import CreditBlock, HoldingAccount, Issuance, Movement, Retirement


def issuances() -> QuerySet[Issuance]:
    return Issuance.objects.select_related("project", "report")


def certificate_cancellations(issuance_ids: list[int]) -> dict[int, list[CertificateCancellation]]:
    """The green certificates cancelled at each of these issuances (the GEC-CCER link), in
    serial order: public, as the issuances are."""
    by_issuance: dict[int, list[CertificateCancellation]] = {}
    for record in certificate_selectors.cancellations_of_issuances(issuance_ids):
        by_issuance.setdefault(record.issuance, []).append(record)
    return by_issuance


def accounts_visible_to(user: Any) -> QuerySet[HoldingAccount]:
    """Holdings are private to the holder, operators and regulators."""
    accounts = HoldingAccount.objects.select_related("organization")
    if can_read_everything(user):
        return accounts
    if not getattr(user, "is_authenticated", False):
        return accounts.none()
    return accounts.filter(organization_id=user.organization_id)


def blocks_visible_to(user: Any) -> QuerySet[CreditBlock]:
    blocks = CreditBlock.objects.select_related("project", "account")
    if can_read_everything(user):
        return blocks
    if not getattr(user, "is_authenticated", False):
        return blocks.none()
    return blocks.filter(account__organization_id=user.organization_id)


def blocks_holding_serial(blocks: QuerySet[CreditBlock], serial: int) -> QuerySet[CreditBlock]:
    """The block (of `blocks`) whose range holds `serial`: `int8range(first, last) @> serial`,
    the expression of the index `block_serial_range_idx`, so one index probe finds it. A
    serial beyond bigint holds no block."""
    if not -(2**63) <= serial < 2**63:
        return blocks.none()
    return blocks.alias(serials=BigIntegerRange("first", "last")).filter(
        serials__contains=Cast(Value(serial), BigIntegerField())
    )


def balances(account_ids: list[int]) -> dict[int, list[dict[str, int]]]:
    """Credits held per account, by project and vintage: active and frozen, in one query."""
    rows = (
        CreditBlock.objects.filter(
            account_id__in=account_ids,
            status__in=[CreditBlock.Status.ACTIVE, CreditBlock.Status.FROZEN],
        )
        .values("account_id", "project_id", "vintage", "status")
        .annotate(total=Sum("quantity"))
        .order_by("account_id", "project_id", "vintage")
    )
    result: dict[int, dict[tuple[int, int], dict[str, int]]] = {}
    for row in rows:
        key = (row["project_id"], row["vintage"])
        entry = result.setdefault(row["account_id"], {}).setdefault(
            key, {"project": key[0], "vintage": key[1], "active": 0, "frozen": 0}
        )
        entry[row["status"]] += row["total"]
    return {account: list(entries.values()) for account, entries in result.items()}


def block_history(block: CreditBlock, user: Any) -> QuerySet[Movement]:
    """Every movement of any serial of the block, from issuance on: the ranges that overlap
    its own within its issuance. Each says in `block_visible` whether `user` may see the block
    it moved: an earlier holder's block, and what it holds now, stay that holder's."""
    visible = blocks_visible_to(user).filter(pk=OuterRef("block_id"))
    return (
        Movement.objects.filter(
            issuance_id=block.issuance_id, first__lte=block.last, last__gte=block.first
        )
        .annotate(block_visible=Exists(visible))
        .select_related("block", "actor")
    )


def transfers_from(user: Any) -> QuerySet[Movement]:
    """Transfers out of the accounts the user may see."""
    return Movement.objects.filter(
        kind=Movement.Kind.TRANSFER, from_account__in=accounts_visible_to(user)
    ).select_related("block", "from_account", "to_account__organization", "actor")


def retirements() -> QuerySet[Retirement]:
    """Retirement certificates are public; each with its `log_index`, the leaf index in the
    transparency log of the entry recording its movement, once sealed (None before)."""
    movement = Movement.objects.filter(
        block_id=OuterRef(OuterRef("block_id")), kind=Movement.Kind.RETIREMENT
    ).values("pk")[:1]
    entry = Cast(Subquery(movement), CharField())
    return Retirement.objects.select_related("block__project", "holder").annotate(
        log_index=log_index_of("ledger.movement", "ledger.retirement", entry)
    )


def movement_is_public(object_id: str) -> bool:
    """A retirement's movement is public, as its certificate is; no other movement is (for the
    transparency log's entries: holdings are private)."""
    return (
        object_id.isdigit()
        and Movement.objects.filter(pk=int(object_id), kind=Movement.Kind.RETIREMENT).exists()
    )
