from django.urls import include, path

from core.roles import OrganizationKind
from web.access import WORKSPACES, guarded
from web.company import urls as company
from web.operator import urls as operator
from web.regulator import urls as regulator
from web.verifier import urls as verifier
from web.views import account, public

WORKSPACE_URLS = {
    OrganizationKind.PROPONENT: company,
    OrganizationKind.VERIFIER: verifier,
    OrganizationKind.OPERATOR: operator,
    OrganizationKind.REGULATOR: regulator,
}

urlpatterns = [
    path("", public.home, name="home"),
    path("projects/", public.project_list, name="project-list"),
    path("projects/<int:pk>/", public.project_detail, name="project-page"),
    path("issuances/", public.issuance_list, name="issuance-list"),
    path("retirements/", public.retirement_list, name="retirement-list"),
    path("retirements/<int:pk>/", public.retirement_certificate, name="retirement-certificate"),
    path("green-certificates/", public.green_certificates, name="green-certificates"),
    path("green-certificates/claims/<int:pk>/", public.certificate_claim, name="certificate-claim"),
    path("data-centres/", public.data_centres, name="data-centres"),
    path("search/", public.search, name="search"),
    path("login/", account.LoginView.as_view(), name="login"),
    path("logout/", account.LogoutView.as_view(), name="logout"),
    path("password/", account.PasswordChangeView.as_view(), name="password-change"),
    path("password/done/", account.PasswordChangeDoneView.as_view(), name="password-change-done"),
    path("dashboard/", account.dashboard, name="dashboard"),
    *(
        path(
            f"workspace/{WORKSPACES[kind]}/",
            include((guarded(module.urlpatterns, kind), module.app_name)),
        )
        for kind, module in WORKSPACE_URLS.items()
    ),
]
