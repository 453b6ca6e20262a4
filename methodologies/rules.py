"""Who may do what with methodologies and reference data."""

from typing import Any

from core.roles import can_read_everything, is_regulator


def can_author_methodologies(user: Any) -> bool:
    """Regulators write, edit and publish methodologies and add reference data."""
    return is_regulator(user)


def can_see_drafts(user: Any) -> bool:
    return can_read_everything(user)
