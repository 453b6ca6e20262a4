from django.urls import path

from web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="project-list"),
    path("projects/<int:pk>/", views.project_detail, name="project-page"),
    path("issuances/", views.issuance_list, name="issuance-list"),
    path("retirements/", views.retirement_list, name="retirement-list"),
    path("retirements/<int:pk>/", views.retirement_certificate, name="retirement-certificate"),
    path("green-certificates/", views.green_certificates, name="green-certificates"),
    path("green-certificates/claims/<int:pk>/", views.certificate_claim, name="certificate-claim"),
    path("data-centres/", views.data_centres, name="data-centres"),
]
