from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("my-area/my-data/", views.my_data, name="my_data"),
    path("my-area/my-data/copy/", views.copy_request, name="copy_request"),
    path("my-area/my-data/copy/<int:pk>/", views.copy_download, name="copy_download"),
    path("my-area/my-data/consents/", views.consents, name="consents"),
    path("my-area/close-account/", views.close_account, name="close_account"),
    path("my-area/close-account/withdraw/", views.close_withdraw, name="close_withdraw"),
    path("staff/data-requests/", views.requests, name="requests"),
    path("staff/data-requests/new/", views.record_request, name="record_request"),
    path("staff/data-requests/<int:pk>/", views.request_detail, name="request"),
    path("staff/data-requests/<int:pk>/copy/", views.staff_copy_download, name="staff_copy_download"),
    path("staff/processing-register/", views.register, name="register"),
]
