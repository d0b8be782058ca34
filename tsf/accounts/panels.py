"""The staff's desk: one panel with the way into every stage's staff pages."""
from . import my_area


@my_area.panel("staff", order=0)
def staff_desk(request):
    return {"template": "accounts/panels/staff_desk.html"}
