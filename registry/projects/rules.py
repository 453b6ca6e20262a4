"""Who may act on projects and monitoring reports: plain predicates on the user, shared by the
services and the API."""

from datetime import date
from typing import Any

from accounts.models import Accreditation
from core.roles import belongs_to, is_operator, is_proponent, is_verifier


def can_create_project(user: Any) -> bool:
    return is_proponent(user)


def can_act_for_proponent(user: Any, project: Any) -> bool:
    """Submit, withdraw, and write monitoring reports: the project's own company."""
    return belongs_to(user, project.proponent_id)


def is_engaged_verifier(user: Any, engaged_organization_id: int) -> bool:
    return is_verifier(user) and belongs_to(user, engaged_organization_id)


def is_accredited(organization_id: int, sector: str, on: date) -> bool:
    """Accredited for the sector on that date (CCER 2023, art. 17: per-sector accreditation)."""
    return Accreditation.objects.filter(
        organization_id=organization_id, sector=sector, valid_from__lte=on, valid_to__gte=on
    ).exists()


def can_decide_registration(user: Any) -> bool:
    """Register or reject projects, reject claims: the registry operator."""
    return is_operator(user)


# Documents: who writes each kind (DESIGN.md, "Documents stand behind the steps"). The company
# writes its design and its reports; the engaged verifier the report behind its opinion; either
# may add supporting evidence to the object it works on.
PROPONENT_DOCUMENT_KINDS = frozenset(
    {"design_document", "monitoring_plan", "monitoring_report", "evidence"}
)
VERIFIER_DOCUMENT_KINDS = frozenset({"validation_report", "verification_report", "evidence"})


def is_document_proponent(user: Any, project: Any, kind: str) -> bool:
    """The project's company, for a kind it writes."""
    return kind in PROPONENT_DOCUMENT_KINDS and can_act_for_proponent(user, project)


def is_document_verifier(user: Any, engaged_organization_id: int, kind: str) -> bool:
    """The verifier engaged on the object (the project's validator, the report's verifier),
    for a kind it writes."""
    return kind in VERIFIER_DOCUMENT_KINDS and is_engaged_verifier(user, engaged_organization_id)
