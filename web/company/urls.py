from django.urls import path

from web.company import views

app_name = "company"
urlpatterns = [
    path("", views.home, name="home"),
]
