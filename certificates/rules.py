"""Who may import, claim and read green certificates: plain predicates shared by the services
and the API."""

from typing import Any

from core.roles import belongs_to, can_read_everything, is_operator


def can_import(user: Any) -> bool:
    """Rows of the national GEC system are imported by the registry operator."""
    return is_operator(user)


def holds(user: Any, block: Any) -> bool:
    """A block is claimed by its holder: a member of the organisation that holds it."""
    return belongs_to(user, block.holder_id)


def can_read_all(user: Any) -> bool:
    """Operators and regulators read every holder's certificates."""
    return can_read_everything(user)
