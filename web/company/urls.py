from django.urls import path

from web.company import holdings, projects, views

app_name = "company"
urlpatterns = [
    path("", views.home, name="home"),
    *projects.urlpatterns,
    *holdings.urlpatterns,
]
