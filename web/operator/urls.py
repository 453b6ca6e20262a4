from django.urls import path

from web.operator import views

app_name = "operator"
urlpatterns = [
    path("", views.home, name="home"),
]
