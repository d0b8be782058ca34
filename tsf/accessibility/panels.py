"""Staff's "my area": the accessibility reports waiting for an answer, with how many are overdue."""
from django.utils import timezone

from tsf.accounts import my_area

from .selectors import open_counts


@my_area.panel("staff", order=95)
def accessibility_panel(request):
    counts = open_counts(timezone.now())
    if not counts["open"]:
        return None
    return {"template": "accessibility/panel.html", "counts": counts}
