"""The Django admin, for the operator: records are read-only unless a service writes them."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from core.errors import InvalidInput
from core.roles import is_operator


class OperatorAdminSite(admin.AdminSite):
    site_header = "Carbon registry administration"
    site_title = "Carbon registry"
    index_title = "Registry records"

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and is_operator(request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Operators may look; nothing is added, changed or deleted around the services."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_operator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ServiceAddForm(forms.ModelForm):
    """An admin add form whose validation runs the service, so its rules and audit apply.

    The admin wraps the whole request in a transaction, so a later failure undoes the service's
    writes too. Model validation is left to the service.
    """

    actor: Any = None

    def run_service(self, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            try:
                self.created = self.run_service(data)
            except InvalidInput as error:
                for field, messages in error.errors.items():
                    self.add_error(field if field in self.fields else None, messages)
        return data

    def _post_clean(self) -> None:
        """The service validated and saved the record; nothing is left to check on the model."""

    def save(self, commit: bool = True) -> models.Model:
        self.save_m2m = lambda: None
        return self.created


class ServiceAddAdmin(ReadOnlyAdmin):
    """Read-only admin whose add form calls a service (see `ServiceAddForm`)."""

    add_form: type[ServiceAddForm]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):
        if obj is None:
            form = type(self.add_form.__name__, (self.add_form,), {"actor": request.user})
            kwargs["form"] = form
            kwargs["fields"] = list(self.add_form.Meta.fields)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None):
        if obj is None:
            return [(None, {"fields": list(self.add_form.Meta.fields)})]
        return super().get_fieldsets(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved by the service during validation."""
