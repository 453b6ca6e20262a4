from django.urls import path

from web.regulator import views

app_name = "regulator"
urlpatterns = [
    path("", views.home, name="home"),
    path("retirements.csv", views.retirements_csv, name="retirements-csv"),
]
