from django.urls import path

from . import views

app_name = "newsletter"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("conferma/<str:token>/", views.confirm, name="confirm"),
    path("disiscrizione/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("numeri/", views.issues, name="issues"),
    path("numeri/nuovo/", views.issue_edit, name="issue_new"),
    path("numeri/<int:pk>/", views.issue_edit, name="issue"),
    path("numeri/<int:pk>/anteprima/", views.issue_preview, name="issue_preview"),
    path("numeri/<int:pk>/prova/", views.issue_test, name="issue_test"),
    path("numeri/<int:pk>/invio/", views.issue_send, name="issue_send"),
    path("iscritti/", views.subscribers, name="subscribers"),
]
