from django.urls import path

from web.operator import accounts, calendar, imports, queues, views

app_name = "operator"
urlpatterns = [
    path("", views.home, name="home"),
    path("registrations/", queues.registrations, name="registrations"),
    path("projects/<int:pk>/", queues.project, name="project"),
    path("projects/<int:pk>/register/", queues.register, name="register"),
    path("projects/<int:pk>/reject/", queues.reject_project, name="reject-project"),
    path("issuances/", queues.issuances, name="issuances"),
    path("reports/<int:pk>/", queues.report, name="report"),
    path("reports/<int:pk>/issue/", queues.issue, name="issue"),
    path("reports/<int:pk>/reject/", queues.reject_report, name="reject-report"),
    path("accounts/", accounts.accounts, name="accounts"),
    path("accounts/open/", accounts.open_holding_account, name="open-account"),
    path("accounts/<int:pk>/freeze/", accounts.freeze, name="freeze-account"),
    path("accounts/<int:pk>/unfreeze/", accounts.unfreeze, name="unfreeze-account"),
    path("certificates/imports/", imports.imports, name="imports"),
    path("jobs/<int:pk>/", imports.job, name="job"),
    path("calendar/", calendar.calendar, name="calendar"),
]
