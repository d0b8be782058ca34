from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("staff/audit/", views.audit_log, name="audit_log"),
    path("files/<str:app_label>/<str:model_name>/<int:pk>/<str:field>/", views.private_file, name="private_file"),
    path("kept/<str:token>/", views.kept_upload, name="kept_upload"),
    path("page/<slug:name>/", views.page, name="page"),
]
