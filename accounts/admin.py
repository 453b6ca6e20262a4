from typing import Any

from django import forms
from django.contrib import admin
from knox.models import AuthToken

from accounts import services
from accounts.models import Accreditation, Organization, User
from core.admin_site import ReadOnlyAdmin, ServiceAddAdmin, ServiceAddForm


class OrganizationAddForm(ServiceAddForm):
    class Meta:
        model = Organization
        fields = ["name", "kind", "province", "unified_social_credit_code"]

    def run_service(self, data: dict[str, Any]) -> Organization:
        return services.create_organization(actor=self.actor, **data)


class UserAddForm(ServiceAddForm):
    password = forms.CharField(widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = ["username", "password", "email", "organization"]

    def run_service(self, data: dict[str, Any]) -> User:
        return services.create_user(actor=self.actor, **data)


class AccreditationAddForm(ServiceAddForm):
    class Meta:
        model = Accreditation
        fields = ["organization", "sector", "valid_from", "valid_to"]

    def run_service(self, data: dict[str, Any]) -> Accreditation:
        return services.add_accreditation(actor=self.actor, **data)


class AccreditationInline(admin.TabularInline):
    model = Accreditation
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organization)
class OrganizationAdmin(ServiceAddAdmin):
    add_form = OrganizationAddForm
    list_display = ["name", "kind", "province", "unified_social_credit_code", "created_at"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "unified_social_credit_code"]
    inlines = [AccreditationInline]


@admin.register(User)
class UserAdmin(ServiceAddAdmin):
    add_form = UserAddForm
    list_display = ["username", "organization", "email", "is_active", "last_login"]
    list_filter = ["organization__kind"]
    search_fields = ["username", "email", "organization__name"]
    exclude = ["password", "user_permissions", "groups"]


@admin.register(Accreditation)
class AccreditationAdmin(ServiceAddAdmin):
    add_form = AccreditationAddForm
    list_display = ["organization", "sector", "valid_from", "valid_to"]
    list_filter = ["sector"]


# knox's own admin makes tokens by hand and shows their digests; operators only see who holds a
# token until when (a user is deactivated through the API, which revokes their tokens).
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(ReadOnlyAdmin):
    list_display = ["user", "created", "expiry"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["user", "created", "expiry"]
