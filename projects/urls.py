from django.urls import path

from . import views, views_public

app_name = "projects"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("join/<str:token>/", views.invitation, name="invitation"),
    path("apply/<slug:slug>/", views.start, name="start"),
    path("proposals/<int:pk>/", views.detail, name="proposal"),
    path("proposals/<int:pk>/step/<slug:step>/", views.step, name="step"),
    path("proposals/<int:pk>/attachments/<int:attachment_pk>/delete/", views.attachment_delete,
         name="attachment_delete"),
    path("proposals/<int:pk>/submit/", views.submit, name="submit"),
    path("proposals/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("proposals/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("proposals/<int:pk>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("portfolio/", views_public.portfolio, name="portfolio"),
    path("portfolio/<slug:slug>/", views_public.public_detail, name="public_detail"),
    path("staff/proposals/<int:pk>/public-page/", views_public.staff_public_page, name="staff_public_page"),
    path("staff/proposals/<int:pk>/public-page/publication/", views_public.staff_public_publication,
         name="staff_public_publication"),
    path("staff/calls/<slug:slug>/", views.staff_proposals, name="staff_proposals"),
    path("staff/calls/<slug:slug>/admissibility/", views.staff_admissibility_list, name="staff_admissibility_list"),
    path("staff/calls/<slug:slug>/admissibility/<int:number>.pdf", views.staff_admissibility_list_pdf,
         name="staff_admissibility_list_pdf"),
    path("staff/proposals/<int:pk>/", views.staff_proposal, name="staff_proposal"),
    path("staff/proposals/<int:pk>/admissibility/", views.staff_admissibility, name="staff_admissibility"),
]
