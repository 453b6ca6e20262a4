"""A Hypothesis state machine over the ledger's services on PostgreSQL: issue, transfer, retire,
cancel, freeze and unfreeze in any order, with quantities that fit, don't fit or are not
quantities at all, by the holder and by others.

After every step: the blocks of each issuance partition its range (the reconciliation), the
kept totals per project, vintage and state are the blocks' sums, the regulators' totals by
state are the model's, and the ledger is exactly what the machine's own
model of it says, so nothing retired or cancelled ever moved. Each example runs in a savepoint
rolled back at its end: it starts from a ledger without issuances, on reports in issuance
review and accounts made once for the whole test.
"""

from dataclasses import dataclass, replace
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from core.errors import AccessDenied, Conflict, InvalidInput, InvalidTransition
from registry.ledger.models import CreditBlock, HoldingAccount, Movement
from registry.ledger.reconciliation import check_totals, reconcile
from registry.ledger.services import movements
from registry.ledger.services.issuance import default_account, issue_credits
from registry.reporting.selectors import credit_totals
from tests.conftest import make_organization, make_user

pytestmark = pytest.mark.django_db

REPORTS = 2
HOLDERS = ("company", "trader")
STATES = ("active", "frozen", "retired", "cancelled")
TERMINAL = ("retired", "cancelled")
MACHINE_SETTINGS = settings(
    max_examples=20,
    stateful_step_count=12,
    deadline=None,
    database=None,  # no example database written into the working tree
    suppress_health_check=[HealthCheck.too_slow],
)


@dataclass(frozen=True)
class Block:
    """The model of one credit block: its serials, who holds it (a holder's name, or the system
    account's kind) and its state."""

    issuance: int
    first: int
    last: int
    holder: str
    status: str

    @property
    def quantity(self) -> int:
        return self.last - self.first + 1


# An expected refusal: the error's type, and its field errors or its message.
Refusal = tuple[type[Exception], Any]


class LedgerMachine(RuleBasedStateMachine):
    """Set `world` on a subclass: users, the holders' accounts and the reports to issue."""

    world: dict[str, Any]

    def __init__(self) -> None:
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.blocks: dict[int, Block] = {}
        self.issued: dict[int, int] = {}  # report index -> issuance id
        self.projects: dict[int, int] = {}  # issuance id -> project id
        # Retired and cancelled blocks, as they were made, and the movement that made them.
        self.terminal: dict[int, tuple[Block, int]] = {}

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.savepoint)
        transaction.savepoint_commit(self.savepoint)

    # --- Steps ------------------------------------------------------------------------------

    @initialize()
    def first_issuance(self) -> None:
        self.issue(0)

    @rule(index=st.integers(0, REPORTS - 1))
    def issue(self, index: int) -> None:
        report = self.world["reports"][index]
        if index in self.issued:
            with pytest.raises(InvalidTransition):
                issue_credits(actor=self.world["users"]["operator"], report=report)
            return
        issuance = issue_credits(actor=self.world["users"]["operator"], report=report)
        self.issued[index] = issuance.pk
        self.projects[issuance.pk] = issuance.project_id
        for block in issuance.blocks.all():
            self.blocks[block.pk] = Block(issuance.pk, block.first, block.last, "company", "active")

    @rule(data=st.data())
    def transfer(self, data: st.DataObject) -> None:
        pk, read, block = self._draw_block(data)
        actor = data.draw(st.sampled_from(HOLDERS), label="actor")
        target = data.draw(st.sampled_from(HOLDERS), label="to_account")
        quantity = data.draw(self._quantities(block), label="quantity")
        expected = self._movable(actor, block, read, quantity)
        if expected is None and target == block.holder:
            expected = (InvalidInput, {"to_account": [movements.SAME_ACCOUNT]})
        movement = self._outcome(
            lambda: movements.transfer_credits(
                actor=self.world["users"][actor],
                block=read,
                quantity=quantity,
                to_account=self.world["accounts"][target],
            ),
            expected,
        )
        if movement is not None:
            self._move(pk, quantity, target, block.status, movement)

    @rule(data=st.data())
    def retire(self, data: st.DataObject) -> None:
        pk, read, block = self._draw_block(data)
        actor = data.draw(st.sampled_from(HOLDERS), label="actor")
        quantity = data.draw(self._quantities(block), label="quantity")
        certificate = self._outcome(
            lambda: movements.retire_credits(
                actor=self.world["users"][actor],
                block=read,
                quantity=quantity,
                beneficiary="A beneficiary",
                purpose="public_good",
            ),
            self._movable(actor, block, read, quantity),
        )
        if certificate is not None:
            movement = Movement.objects.get(kind="retirement", block_id=certificate.block_id)
            self._move(pk, quantity, "retirement", "retired", movement)

    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        pk, read, block = self._draw_block(data)
        quantity = data.draw(st.none() | self._quantities(block), label="quantity")
        asked = block.quantity if quantity is None else quantity
        expected: Refusal | None = None
        if asked < 1:
            expected = (InvalidInput, {"quantity": [movements.QUANTITY_NOT_POSITIVE]})
        elif block.status not in ("active", "frozen"):
            message = movements.NOT_ACTIVE.format(serial=read.serial, status=block.status)
            expected = (Conflict, message)
        elif asked > block.quantity:
            held = block.quantity
            expected = (
                Conflict,
                movements.NOT_ENOUGH.format(serial=read.serial, held=held, asked=asked),
            )
        movement = self._outcome(
            lambda: movements.cancel_credits(
                actor=self.world["users"]["operator"], block=read, quantity=quantity
            ),
            expected,
        )
        if movement is not None:
            self._move(pk, asked, "cancellation", "cancelled", movement)

    @rule(data=st.data())
    def freeze(self, data: st.DataObject) -> None:
        self._set_state(data, movements.freeze_block, "active", "frozen", movements.NOT_ACTIVE)

    @rule(data=st.data())
    def unfreeze(self, data: st.DataObject) -> None:
        self._set_state(data, movements.unfreeze_block, "frozen", "active", movements.NOT_FROZEN)

    # --- Checks after every step -------------------------------------------------------------

    @invariant()
    def blocks_partition_each_issuance(self) -> None:
        result = reconcile()
        assert result.ok, result.problems
        assert result.issuances_checked == len(self.issued)

    @invariant()
    def kept_totals_are_the_blocks_sums(self) -> None:
        checked, differing, problems = check_totals()
        assert differing == 0, problems
        assert checked == len({(self.projects[b.issuance], v) for b, v in self._vintages()})

    @invariant()
    def the_ledger_is_the_model(self) -> None:
        actual = {
            block.pk: Block(
                block.issuance_id,
                block.first,
                block.last,
                self._holder(block.account),
                block.status,
            )
            for block in CreditBlock.objects.select_related("account")
        }
        assert actual == self.blocks

    @invariant()
    def totals_by_state_are_the_blocks(self) -> None:
        expected: dict[str, dict[str, int]] = {}
        for block in self.blocks.values():
            row = expected.setdefault(
                str(self.projects[block.issuance]), {state: 0 for state in ("issued", *STATES)}
            )
            row[block.status] += block.quantity
            row["issued"] += block.quantity
        totals = {
            row["key"]: {state: row[state] for state in ("issued", *STATES)}
            for row in credit_totals(group_by="project")
        }
        assert totals == expected
        by_state = dict(
            CreditBlock.objects.values_list("status").annotate(total=Sum("quantity")).order_by()
        )
        assert sum(by_state.values()) == sum(row["issued"] for row in expected.values())

    @invariant()
    def nothing_retired_or_cancelled_moved(self) -> None:
        for pk, (made, movement_id) in self.terminal.items():
            assert self.blocks[pk] == made
            later = Movement.objects.filter(
                issuance_id=made.issuance, first__lte=made.last, last__gte=made.first
            ).filter(id__gt=movement_id)
            assert not later.exists(), list(later)

    # --- The model --------------------------------------------------------------------------

    def _vintages(self) -> list[tuple[Block, int]]:
        """Each block of the model with its vintage (a block's vintage never changes)."""
        vintages = dict(CreditBlock.objects.values_list("pk", "vintage"))
        return [(block, vintages[pk]) for pk, block in self.blocks.items()]

    def _draw_block(self, data: st.DataObject) -> tuple[int, CreditBlock, Block]:
        pk = data.draw(st.sampled_from(sorted(self.blocks)), label="block")
        return pk, CreditBlock.objects.get(pk=pk), self.blocks[pk]

    @staticmethod
    def _quantities(block: Block) -> st.SearchStrategy[int]:
        """Mostly quantities that fit, small ones first so that blocks split often; also the
        whole block, one too many, and none or less."""
        return st.one_of(
            st.integers(1, min(block.quantity, 5)),
            st.integers(1, block.quantity),
            st.just(block.quantity),
            st.just(block.quantity + 1),
            st.integers(-1, 0),
        )

    def _movable(
        self, actor: str, block: Block, read: CreditBlock, quantity: int
    ) -> Refusal | None:
        """What a holder's transfer or retirement is refused with, in the services' order."""
        if quantity < 1:
            return InvalidInput, {"quantity": [movements.QUANTITY_NOT_POSITIVE]}
        if block.holder != actor:
            return AccessDenied, None
        if block.status != "active":
            return Conflict, movements.NOT_ACTIVE.format(serial=read.serial, status=block.status)
        if quantity > block.quantity:
            held = block.quantity
            return Conflict, movements.NOT_ENOUGH.format(
                serial=read.serial, held=held, asked=quantity
            )
        return None

    def _set_state(self, data: st.DataObject, service, expected_status, new_status, message):
        pk, read, block = self._draw_block(data)
        expected = None
        if block.status != expected_status:
            expected = (Conflict, message.format(serial=read.serial, status=block.status))
        movement = self._outcome(
            lambda: service(actor=self.world["users"]["regulator"], block=read), expected
        )
        if movement is not None:
            self.blocks[pk] = replace(block, status=new_status)

    @staticmethod
    def _outcome(call, expected: Refusal | None) -> Any:
        """The call's result if it is expected to succeed; else the refusal, checked exactly."""
        if expected is None:
            return call()
        kind, detail = expected
        with pytest.raises(kind) as refused:
            call()
        if kind is InvalidInput:
            assert refused.value.errors == detail
        elif kind is Conflict:
            assert refused.value.message == detail
        return None

    def _move(self, pk: int, quantity: int, holder: str, status: str, movement: Movement) -> None:
        """The model of `_split`: the upper `quantity` credits move, the holder keeps the rest."""
        block = self.blocks[pk]
        moved_pk = movement.block_id
        if quantity == block.quantity:
            assert moved_pk == pk
            self.blocks[pk] = replace(block, holder=holder, status=status)
        else:
            split = block.last - quantity + 1
            self.blocks[pk] = replace(block, last=split - 1)
            self.blocks[moved_pk] = replace(block, first=split, holder=holder, status=status)
        if status in TERMINAL:
            self.terminal[moved_pk] = (self.blocks[moved_pk], movement.pk)

    def _holder(self, account: HoldingAccount) -> str:
        if account.kind != HoldingAccount.Kind.HOLDING:
            return account.kind
        return next(name for name, held in self.world["accounts"].items() if held == account)


def test_any_sequence_of_ledger_calls_keeps_the_ledger_whole(lifecycle, parties):
    trader = make_user(make_organization("proponent", name="Trader Co."), username="trader")
    world = {
        "users": {
            "company": parties["proponent"],
            "trader": trader,
            "operator": parties["operator"],
            "regulator": parties["regulator"],
        },
        "accounts": {
            "company": default_account(parties["proponent"].organization),
            "trader": movements.open_account(
                actor=parties["operator"], organization=trader.organization, name="Trader main"
            ),
        },
        "reports": [lifecycle.report("issuance_review") for _ in range(REPORTS)],
    }
    machine = type("LedgerMachineWithWorld", (LedgerMachine,), {"world": world})

    run_state_machine_as_test(machine, settings=MACHINE_SETTINGS)
