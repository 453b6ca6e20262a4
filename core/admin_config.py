from django.contrib.admin.apps import AdminConfig


class OperatorAdminConfig(AdminConfig):
    """The Django admin, open to the registry operator's users only."""

    default_site = "core.admin_site.OperatorAdminSite"
