"""The projects' part of the home page: figures computed from the data and featured projects."""
from django.utils.translation import gettext as _

from tsf.core import home

from . import selectors


@home.figure(order=10)
def proposal_figures(request):
    row = selectors.home_figures()
    if not row["received"]:
        return []
    return [
        {"label": _("proposals received"), "value": row["received"]},
        {"label": _("teams incubated"), "value": row["incubated"]},
        {"label": _("projects funded"), "value": row["funded"]},
    ]


@home.section(order=30)
def featured(request):
    projects = selectors.featured_projects(3)
    if not projects:
        return None
    return {"template": "projects/home/featured.html", "projects": projects}
