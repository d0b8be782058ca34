from django.urls import path

from . import views

app_name = "acceleration"

urlpatterns = [
    path("", views.index, name="index"),
]
