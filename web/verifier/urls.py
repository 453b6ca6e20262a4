from django.urls import path

from web.verifier import views

app_name = "verifier"
urlpatterns = [
    path("", views.home, name="home"),
]
