from django.conf import settings
from django.urls import path

from . import testidp, views

app_name = "spid"

# Machine endpoints (not translated): the identity providers know them by these addresses.
urlpatterns = [
    path("spid/login/", views.login, name="login"),
    path("spid/acs/", views.acs, name="acs"),
    path("spid/metadata/", views.metadata, name="metadata"),
    path("spid/cie/metadata/", views.cie_metadata, name="cie_metadata"),
    path("spid/logout/", views.logout, name="logout"),
    path("spid/ls/", views.slo, name="slo"),
    # pages of the sign-in, in the browser's language
    path("spid/choose/", views.choose, name="choose"),
    path("spid/complete/", views.complete, name="complete"),
    path("spid/reauthenticate/", views.reauthenticate, name="reauthenticate"),
    path("spid/reauthenticated/", views.reauthenticated, name="reauthenticated"),
    path("spid/policy/", views.policy, name="policy"),
]
if settings.SPID_TEST_IDP:
    urlpatterns += [
        path("test-idp/<str:provider>/metadata/", testidp.metadata, name="test_idp_metadata"),
        path("test-idp/<str:provider>/sso/", testidp.sso, name="test_idp_sso"),
        path("test-idp/<str:provider>/confirm/", testidp.confirm, name="test_idp_confirm"),
        path("test-idp/<str:provider>/slo/", testidp.slo, name="test_idp_slo"),
    ]

