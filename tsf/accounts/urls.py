from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("my-area/", views.my_area, name="my_area"),
    path("profile/", views.profile, name="profile"),
    path("staff/people/", views.people, name="people"),
    path("staff/people/<int:pk>/roles/", views.person_roles, name="person_roles"),
    # allauth's password change (same address, reversed as "account_change_password"), with TOTP
    # users confirming who they are first
    path("accounts/password/change/", views.password_change, name="password_change"),
]
