from django.urls import path

from . import views

app_name = "acceleration"

urlpatterns = [
    path("", views.index, name="index"),
    path("camp/<int:pk>/", views.camp, name="camp"),
    path("camp/<int:pk>/calendario.ics", views.camp_ics, name="camp_ics"),
    path("camp/<int:pk>/iscrizione/", views.camp_register, name="camp_register"),
    path("camp/<int:pk>/gestione/", views.camp_staff, name="camp_staff"),
    path("camp/<int:pk>/modifica/", views.camp_edit, name="camp_edit"),
    path("camp/agenda/<int:pk>/elimina/", views.agenda_delete, name="agenda_delete"),
    path("programmi/", views.programmes_staff, name="programmes_staff"),
    path("programmi/nuovo/", views.programme_edit, name="programme_new"),
    path("programmi/<int:pk>/", views.programme_edit, name="programme_edit"),
    path("programmi/<int:programme_pk>/nuovo-camp/", views.camp_edit, name="camp_new"),
    path("camp/<int:pk>/pitch/", views.camp_pitches, name="camp_pitches"),
    path("camp/<int:pk>/pitch/ordine/", views.camp_pitches_edit, name="camp_pitches_edit"),
    path("camp/iscrizioni/<int:pk>/decisione/", views.registration_decide, name="registration_decide"),
    path("pitch/<int:pk>/", views.pitch, name="pitch"),
    path("pitch/<int:pk>/feedback/", views.pitch_feedback, name="pitch_feedback"),
    path("help/", views.help_list, name="help_list"),
    path("help/staff/", views.help_staff, name="help_staff"),
    path("help/new/", views.help_new, name="help_new"),
    path("help/<int:pk>/", views.help_detail, name="help_detail"),
    path("help/<int:pk>/azione/", views.help_action, name="help_action"),
    path("supporto/", views.slots, name="slots"),
    path("supporto/<int:pk>/prenota/", views.slot_book, name="slot_book"),
    path("supporto/<int:pk>/annulla/", views.slot_cancel, name="slot_cancel"),
    path("miglioramento/<int:pk>/", views.improvement, name="improvement"),
    path("miglioramento/<int:pk>/azioni/<int:action_pk>/", views.improvement_action, name="improvement_action"),
    path("opportunita/", views.opportunities, name="opportunities"),
    path("opportunita/<int:pk>/", views.opportunity, name="opportunity"),
    path("opportunita/gestione/", views.opportunities_staff, name="opportunities_staff"),
    path("opportunita/gestione/nuova/", views.opportunity_edit, name="opportunity_new"),
    path("opportunita/gestione/<int:pk>/", views.opportunity_edit, name="opportunity_edit"),
    path("opportunita/gestione/<int:pk>/pubblica/", views.opportunity_publish, name="opportunity_publish"),
]
