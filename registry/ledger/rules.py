"""Who may move, issue, freeze and cancel credits: plain predicates on the user, shared by the
services and the API."""

from typing import Any

from core.roles import belongs_to, can_read_everything, is_operator


def holds(user: Any, account: Any) -> bool:
    """Transfers and retirements are the holder's: the company whose holding account it is."""
    return account.kind == "holding" and belongs_to(user, account.organization_id)


def can_see_holdings(user: Any, account: Any) -> bool:
    """An account's blocks are its holder's to see, and every account's are operators' and
    regulators' (as `selectors.blocks_visible_to`)."""
    return can_read_everything(user) or belongs_to(user, account.organization_id)


def can_operate_ledger(user: Any) -> bool:
    """Issue credits, cancel them, open accounts: the registry operator."""
    return is_operator(user)


def can_freeze(user: Any) -> bool:
    """Judicial and administrative freezes: operators and regulators."""
    return can_read_everything(user)
