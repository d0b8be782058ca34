from django.urls import path

from . import views

app_name = "grants"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("staff/", views.portfolio, name="portfolio"),
    path("staff/grants/", views.staff_list, name="staff_list"),
    path("staff/award/", views.award_list, name="award_list"),
    path("staff/award/<int:item_pk>/", views.award, name="award"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("<int:pk>/budget/", views.budget_edit, name="budget"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/tranches/", views.tranches_edit, name="tranches"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("tranches/<int:pk>/pay/", views.pay, name="pay"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("transparency/", views.transparency, name="transparency"),
    path("transparency/<str:cup>/", views.project, name="project"),
    path("360giving.json", views.giving360, name="giving360"),
]
