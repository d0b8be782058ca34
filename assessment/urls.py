from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    # Staff
    path("staff/calls/<int:call_pk>/", views.call_rounds, name="call_rounds"),
    path("staff/calls/<int:call_pk>/new/", views.round_create, name="round_create"),
    path("staff/rounds/<int:pk>/", views.round_detail, name="round"),
    path("staff/rounds/<int:pk>/setup/", views.round_setup, name="round_setup"),
    path("staff/rounds/<int:pk>/assignments/", views.assignments, name="assignments"),
    path("staff/assignments/<int:pk>/remove/", views.unassign, name="unassign"),
    path("staff/assignments/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("staff/rounds/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("staff/rounds/<int:pk>/close/", views.close_round, name="close"),
    path("staff/rounds/<int:pk>/decide/", views.decide, name="decide"),
    path("staff/rounds/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("staff/rounds/<int:pk>/publish/", views.publish, name="publish"),
    # Assessors
    path("mine/", views.mine, name="mine"),
    path("assignments/<int:pk>/declare/", views.declare, name="declare"),
    path("assignments/<int:pk>/", views.score, name="score"),
    # Teams
    path("outcome/<int:proposal_pk>/", views.outcome, name="outcome"),
    # Public
    path("calls/<int:call_pk>/ranking/", views.public_ranking, name="public_ranking"),
]
