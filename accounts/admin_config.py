from django.contrib.admin.apps import AdminConfig


class OperatorAdminConfig(AdminConfig):
    """The Django admin, open to the registry operator's users only."""

    default_site = "accounts.admin_site.OperatorAdminSite"
