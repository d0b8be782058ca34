from django.urls import path

from . import views

app_name = "accessibility"

urlpatterns = [
    path("accessibilita/segnalazione/", views.feedback, name="feedback"),
    path("accessibilita/segnalazione/<str:token>/", views.thread, name="thread"),
    path("staff/accessibilita/", views.staff_list, name="staff_list"),
    path("staff/accessibilita/<int:pk>/", views.staff_detail, name="staff_detail"),
]
