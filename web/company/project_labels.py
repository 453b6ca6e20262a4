"""The words the company's pages show for the registry's codes (states, kinds of document,
acts), marked for translation: the models' own labels are English only."""

from django.utils.translation import gettext_lazy as _

PROJECT_STATES = {
    "draft": _("Draft"),
    "publicity": _("Publicity"),
    "validation": _("Validation"),
    "registration_review": _("Registration review"),
    "registered": _("Registered"),
    "rejected": _("Rejected"),
    "withdrawn": _("Withdrawn"),
    "suspended": _("Suspended"),
}

REPORT_STATES = {
    "draft": _("Draft"),
    "publicity": _("Publicity"),
    "verification": _("Verification"),
    "issuance_review": _("Issuance review"),
    "issued": _("Issued"),
    "rejected": _("Rejected"),
    "withdrawn": _("Withdrawn"),
}

DOCUMENT_KINDS = {
    "design_document": _("Project design document"),
    "monitoring_plan": _("Monitoring plan"),
    "validation_report": _("Validation report"),
    "monitoring_report": _("Monitoring report"),
    "verification_report": _("Verification report"),
    "evidence": _("Supporting evidence"),
}

ACTIONS = {
    "create": _("Created"),
    "submit": _("Submitted"),
    "close_publicity": _("Publicity closed"),
    "validate": _("Validated"),
    "register": _("Registered"),
    "verify": _("Verified"),
    "issue": _("Issued"),
    "reject": _("Rejected"),
    "withdraw": _("Withdrawn"),
    "suspend": _("Suspended"),
}
