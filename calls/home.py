"""The calls' part of the home page: the open call (with its closing time and an apply button)
and "where it stands now", the timeline of the latest call's stages with their dates."""
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from tsf.core import home

from .models import Call
from .selectors import current_call


@dataclass
class Stage:
    label: str
    start: date | datetime | None
    end: date | datetime | None = None
    note: str = ""
    state: str = "upcoming"  # "done", "current" or "upcoming"

    @property
    def has_time(self):
        return isinstance(self.start, datetime)


def _state(start, end, next_start, now, today):
    """done / current / upcoming for a stage: datetimes compare with now, dates with today."""

    def before(value):  # has `value` come?
        return (now >= value) if isinstance(value, datetime) else (today >= value)

    def after_end(value):
        return (now >= value) if isinstance(value, datetime) else (today > value)

    if not before(start):
        return "upcoming"
    if end is not None:
        return "done" if after_end(end) else "current"
    if next_start is not None and before(next_start):
        return "done"
    return "current"


def timeline(call: Call, now=None) -> list[Stage]:
    """The call's stages in order, each marked done, current or upcoming against `now`; a stage
    without a date is left out. A stage without an end lasts until the next one starts."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    stages = [
        Stage(_("Call open for proposals"), call.opens_at, call.closes_at),
        Stage(_("Results of the first selection"), call.first_selection_results_on,
              note=_("The best %(n)s proposals are admitted to the Incubation Lab.") % {"n": call.incubation_quota}),
        Stage(_("Incubation Lab"), call.incubation_starts_on, call.incubation_ends_on,
              note=_("Four workshops with the incubator.")),
        Stage(_("Revised proposals"), call.revised_opens_at, call.revised_closes_at),
        Stage(_("Final assessment"), call.final_assessment_on,
              note=_("Up to %(n)s projects are funded.") % {"n": call.funding_quota}),
        Stage(_("Grants and implementation"), call.results_published_on,
              note=_("%(n)s months to implement each funded project.") % {"n": call.implementation_months}),
        Stage(_("Acceleration"), call.acceleration_starts_on,
              note=_("A year of support, with the Social Innovation Camp.")),
    ]
    stages = [s for s in stages if s.start is not None]
    for i, stage in enumerate(stages):
        nxt = stages[i + 1].start if i + 1 < len(stages) else None
        stage.state = _state(stage.start, stage.end, nxt, now, today)
    return stages


@home.section(order=5)
def open_call(request):
    call = Call.objects.published().open_at().order_by("closes_at").first()
    if call is None:
        return None
    return {"template": "calls/home/open_call.html", "call": call, "now": timezone.now()}


@home.section(order=20)
def where_it_stands(request):
    call = current_call()
    if call is None:
        return None
    return {"template": "calls/home/timeline.html", "call": call, "stages": timeline(call)}
