"""The grants' figures on the home page: euros awarded and people reached (projects counts the
projects funded)."""
from django.db.models import Count, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tsf.core import home

from .models import Grant, GrantStatus, ReportReach, ReportStatus


@home.figure(order=40)
def grant_figures(request):
    totals = Grant.objects.exclude(status=GrantStatus.REVOKED).aggregate(n=Count("pk"), amount=Sum("amount"))
    if not totals["n"]:
        return []
    people = ReportReach.objects.filter(report__status=ReportStatus.APPROVED).exclude(
        report__grant__status=GrantStatus.REVOKED).aggregate(t=Sum("people"))["t"] or 0
    figures = [
        {"label": _("euros awarded"), "value": number_format(totals["amount"], 0, force_grouping=True)},
    ]
    if people:
        figures.append({"label": _("people reached"), "value": number_format(people, 0, force_grouping=True)})
    return figures
