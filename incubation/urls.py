from django.urls import path

from . import views

app_name = "incubation"

urlpatterns = [
    path("", views.index, name="index"),
]
