from django.urls import path

from . import views

app_name = "calls"

urlpatterns = [
    path("", views.index, name="index"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<slug:slug>/edit/", views.staff_edit, name="staff_edit"),
    path("<slug:slug>/", views.detail, name="detail"),
]
