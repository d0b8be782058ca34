from django.urls import path

from . import views

app_name = "incubation"

urlpatterns = [
    path("", views.index, name="index"),
    path("labs/new/", views.lab_create, name="lab_create"),
    path("labs/<int:pk>/", views.cohort, name="cohort"),
    path("labs/<int:pk>/edit/", views.lab_edit, name="lab_edit"),
    path("labs/<int:pk>/tutors/", views.tutors, name="tutors"),
    path("workshops/<int:pk>/", views.workshop, name="workshop"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("deliverables/<int:pk>/edit/", views.deliverable_edit, name="deliverable_edit"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("workshops/<int:workshop_pk>/teams/<int:pk>/progress/", views.progress, name="progress"),
    path("submissions/<int:pk>/feedback/", views.submission_review, name="submission_review"),
    path("teams/<int:pk>/", views.team, name="team"),
    path("teams/<int:pk>/calendar.ics", views.team_calendar, name="team_calendar"),
    path("teams/<int:pk>/deliverables/<int:deliverable_pk>/upload/", views.deliverable_upload,
         name="deliverable_upload"),
    path("teams/<int:pk>/revised/", views.revised, name="revised"),
    path("teams/<int:pk>/revised/<slug:step>/", views.revised_step, name="revised_step"),
    path("proposals/<int:pk>/changes/", views.version_compare, name="diff"),
]
