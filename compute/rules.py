"""Who may register data centres, record their readings and read them, and register and
recalculate AI workloads: plain predicates shared by the services and the API."""

from typing import Any

from core.roles import belongs_to, can_read_everything, is_proponent


def can_register_data_centres(user: Any) -> bool:
    """Companies register their data centres; operators, regulators and verifiers do not."""
    return is_proponent(user)


def can_see(user: Any, data_centre: Any) -> bool:
    """A data centre is private to its owner's members, operators and regulators."""
    return belongs_to(user, data_centre.owner_id) or can_read_everything(user)


def can_record_readings(user: Any, data_centre: Any) -> bool:
    """Readings are the owner's to record: operators and regulators read them only."""
    return belongs_to(user, data_centre.owner_id)


def can_register_workloads(user: Any) -> bool:
    """Companies register their AI workloads; operators and regulators read them."""
    return is_proponent(user)


def can_recalculate_workload(user: Any, workload: Any) -> bool:
    """A workload's numbers and rating are its owner's to recalculate."""
    return belongs_to(user, workload.owner_id)
