"""The lab's forms sent back exactly as an Italian browser renders them (tests/forms_as_rendered.py):
dates, times and date-times come back as the page wrote them, and nothing changes."""
from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from incubation.models import Deliverable, Lab, Session
from tests.forms_as_rendered import read_form
from tests.incubation.factories import make_lab

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _read_english():
    """Overrides the English of tests/incubation: these pages are read in Italian, the default."""
    with translation.override("it"):
        yield


def test_session_deliverable_and_lab_sent_back_untouched(staff_client):
    lab = make_lab()
    ws = lab.workshops.get(number=1)
    session, deliverable = ws.sessions.get(), ws.deliverables.get()
    deliverable.due_at = deliverable.due_at.replace(second=0, microsecond=0)  # a date-and-time field holds minutes
    deliverable.save()

    def state():
        s, d, x = Session.objects.get(pk=session.pk), Deliverable.objects.get(pk=deliverable.pk), Lab.objects.get(pk=lab.pk)
        return (s.date, s.start_time, s.end_time, s.place, d.title, d.due_at, x.starts_on, x.ends_on)

    before = state()
    for url in (reverse("incubation:session_edit", kwargs={"pk": session.pk}),
                reverse("incubation:deliverable_edit", kwargs={"pk": deliverable.pk}),
                reverse("incubation:lab_edit", kwargs={"pk": lab.pk})):
        response = read_form(staff_client, url, button="Salva").submit(button="Salva")
        assert response.status_code == 302, (url, response.content.decode())
    assert state() == before

    url = reverse("incubation:session_edit", kwargs={"pk": session.pk})
    form = read_form(staff_client, url, button="Salva")
    form["start_time"] = "10:00"
    form["date"] = session.date.strftime("%d/%m/%Y")  # picked in the date field
    assert form.submit(button="Salva").status_code == 302
    assert Session.objects.get(pk=session.pk).start_time == time(10, 0)
    url = reverse("incubation:deliverable_edit", kwargs={"pk": deliverable.pk})
    form = read_form(staff_client, url, button="Salva")
    form["due_at"] = "20/03/2031 18:00"
    assert form.submit(button="Salva").status_code == 302
    due = timezone.localtime(Deliverable.objects.get(pk=deliverable.pk).due_at)
    assert due.strftime("%Y-%m-%d %H:%M") == "2031-03-20 18:00"


def test_the_version_comparison_reads_amounts_the_italian_way():
    from decimal import Decimal

    from incubation.diff import version_diff
    from tests.incubation.factories import admitted_team

    proposal, _users = admitted_team(make_lab().call)
    v1 = proposal.versions.get(number=1)
    v2 = v1.copy_as_next()
    v2.requested_grant = Decimal("80800.00")
    v2.save()
    fields = {d.name: d for d in version_diff(v1, v2)}
    assert "".join(text for _op, text in fields["requested_grant"].right) == "80.800,00 €"
