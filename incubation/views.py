from django.shortcuts import render
from django.utils.translation import gettext as _


def index(request):
    """Landing page of this stage, filled in by the stage's issue."""
    return render(request, "core/stage_placeholder.html", {"stage": "incubation", "title": _("incubation".capitalize())})
