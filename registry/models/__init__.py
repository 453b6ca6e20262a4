"""The registry's records: projects, their claims, issuances and the credits they hold."""

from registry.models.calendar import CalendarDay, CalendarYear
from registry.models.ledger import (
    CreditBlock,
    HoldingAccount,
    IdempotencyRecord,
    Issuance,
    Movement,
    ReconciliationRun,
    Retirement,
    SerialCounter,
)
from registry.models.projects import (
    MonitoringReport,
    MonitoringReportTransition,
    Project,
    ProjectComment,
    ProjectTransition,
)

__all__ = [
    "CalendarDay",
    "CalendarYear",
    "CreditBlock",
    "HoldingAccount",
    "IdempotencyRecord",
    "Issuance",
    "MonitoringReport",
    "MonitoringReportTransition",
    "Movement",
    "Project",
    "ProjectComment",
    "ProjectTransition",
    "ReconciliationRun",
    "Retirement",
    "SerialCounter",
]
