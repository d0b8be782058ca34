"""Staff change the order, length and title of the camp's pitches: the public camp page follows,
every change is audited, bad input is answered next to the field and saves nothing, and only staff
get in."""
from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from acceleration import services
from acceleration.models import Pitch
from tests.acceleration.factories import approved_expert, funded_team, make_camp, pitch_for, url
from tests.grants.factories import past_call
from tsf.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def camp_world(make_user, staff_user):
    call = past_call()
    member = make_user("a@example.org", roles=["promoter"], full_name="Anna Alfa")
    pa, pb, pc = funded_team(call, member=member), funded_team(call), funded_team(call)
    camp = make_camp(call, days_from_today=10, starts_at=time(9, 0), ends_at=time(13, 0))
    pitches = [pitch_for(camp, p) for p in (pa, pb, pc)]  # orders 1, 2, 3; 7 minutes each
    return {"call": call, "camp": camp, "pitches": pitches, "member": member, "staff": staff_user}


def formset_post(pitches, changes=None):
    """The pitch formset's POST data for `pitches` (in this row order), with `changes` {index: {field: value}}."""
    data = {"pitch-TOTAL_FORMS": str(len(pitches)), "pitch-INITIAL_FORMS": str(len(pitches)),
            "pitch-MIN_NUM_FORMS": "0", "pitch-MAX_NUM_FORMS": "1000"}
    for i, p in enumerate(pitches):
        row = {"id": p.pk, "order": p.order, "minutes": p.minutes, "title": p.title}
        row.update((changes or {}).get(i, {}))
        data.update({f"pitch-{i}-{k}": v for k, v in row.items()})
    return data


def state(camp):
    return list(Pitch.objects.filter(camp=camp).order_by("pk").values_list("order", "minutes", "title"))


def public_rows(client, camp):
    """The pitches table of the public camp page: (order, title, organisation, minutes) per row, top to bottom."""
    import html as html_lib
    import re

    page = client.get(url("camp", pk=camp.pk)).content.decode()
    table = page.split('id="pitches-h"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td><td>(\d+)</td>", table)
    return [(int(o), html_lib.unescape(t), html_lib.unescape(org), int(m)) for o, t, org, m in rows]


def test_staff_reorder_and_change_the_minutes_and_the_camp_page_follows(client, camp_world):
    camp, (a, b, c) = camp_world["camp"], camp_world["pitches"]
    client.force_login(camp_world["staff"])
    staff_page = client.get(url("camp_staff", pk=camp.pk)).content.decode()
    assert url("camp_pitches_edit", pk=camp.pk) in staff_page

    page = client.get(url("camp_pitches_edit", pk=camp.pk))
    assert page.status_code == 200 and len(page.context["formset"].forms) == 3
    assert "21 minutes" in page.content.decode()  # 3 pitches of 7 minutes, in a 240-minute camp

    # c goes first, a last; a gets 10 minutes and a shorter title
    resp = client.post(url("camp_pitches_edit", pk=camp.pk), formset_post([a, b, c], {
        0: {"order": "3", "minutes": "10", "title": "Alfa in breve"}, 2: {"order": "1"}}))
    assert resp.status_code == 302 and resp["Location"] == url("camp_staff", pk=camp.pk)
    assert state(camp) == [(3, 10, "Alfa in breve"), (2, 7, b.title), (1, 7, c.title)]

    entries = AuditEntry.objects.filter(action="camp.pitch_change").order_by("pk")
    assert [(e.object_id, e.actor) for e in entries] == [(str(a.pk), camp_world["staff"]),
                                                         (str(c.pk), camp_world["staff"])]
    assert entries[0].changes == {"order": [1, 3], "minutes": [7, 10], "title": [a.title, "Alfa in breve"]}
    assert entries[1].changes == {"order": [3, 1]}

    client.logout()
    name = {p.pk: p.proposal.organisation.legal_name for p in (a, b, c)}
    assert public_rows(client, camp) == [(1, c.proposal.title, name[c.pk], 7), (2, b.proposal.title, name[b.pk], 7),
                                         (3, "Alfa in breve", name[a.pk], 10)]


def test_a_swap_of_two_places_is_saved(client, camp_world):
    camp, (a, b, c) = camp_world["camp"], camp_world["pitches"]
    client.force_login(camp_world["staff"])
    resp = client.post(url("camp_pitches_edit", pk=camp.pk),
                       formset_post([a, b, c], {0: {"order": "2"}, 1: {"order": "1"}}))
    assert resp.status_code == 302
    assert [o for o, _m, _t in state(camp)] == [2, 1, 3]


@pytest.mark.parametrize("changes, field, message", [
    ({0: {"minutes": "0"}}, "minutes", "greater than or equal to 1"),
    ({0: {"minutes": "61"}}, "minutes", "less than or equal to 60"),
    ({0: {"minutes": "dieci"}}, "minutes", "Enter a whole number"),
    ({0: {"order": "0"}}, "order", "greater than or equal to 1"),
    ({0: {"order": ""}}, "order", "This field is required"),
    ({2: {"order": "1"}}, "order", "cannot share place 1"),
    ({0: {"minutes": "60"}, 1: {"minutes": "60"}, 2: {"minutes": "60"}}, "minutes",
     "last 180 minutes"),
])
def test_bad_input_is_answered_next_to_the_field_and_saves_nothing(client, camp_world, changes, field, message):
    camp, pitches = camp_world["camp"], camp_world["pitches"]
    if field == "minutes" and "180" in message:  # a camp of two hours: three pitches of an hour do not fit
        camp.ends_at = time(11, 0)
        camp.save()
    before = state(camp)
    client.force_login(camp_world["staff"])
    resp = client.post(url("camp_pitches_edit", pk=camp.pk), formset_post(pitches, changes))
    assert resp.status_code == 200
    bad_row = max(changes) if field == "order" and "share" in message else min(changes)
    errors = resp.context["formset"].forms[bad_row].errors
    assert message in " ".join(errors[field]), errors
    body = resp.content.decode()
    assert "Nothing has been saved" in body and 'class="invalid-feedback' in body
    assert state(camp) == before
    assert not AuditEntry.objects.filter(action="camp.pitch_change").exists()


def test_an_order_taken_by_a_pitch_not_in_the_form_is_refused(client, camp_world):
    """A pitch added since the page was opened keeps its place: the form may not take it."""
    camp, (a, b, _c) = camp_world["camp"], camp_world["pitches"]
    client.force_login(camp_world["staff"])
    resp = client.post(url("camp_pitches_edit", pk=camp.pk),
                       formset_post([a, b], {0: {"order": "3"}}) | {"pitch-TOTAL_FORMS": "2", "pitch-INITIAL_FORMS": "2"})
    assert resp.status_code == 200
    assert "cannot share place 3" in " ".join(resp.context["formset"].forms[0].errors["order"])
    assert [o for o, _m, _t in state(camp)] == [1, 2, 3]


def test_a_pitch_of_another_camp_cannot_be_changed_from_this_one(client, camp_world):
    camp, (a, b, _c) = camp_world["camp"], camp_world["pitches"]
    other_camp = make_camp(camp_world["call"], days_from_today=20, title="Altro camp")
    other = pitch_for(other_camp, funded_team(camp_world["call"]))
    client.force_login(camp_world["staff"])
    resp = client.post(url("camp_pitches_edit", pk=camp.pk),
                       formset_post([a, b, other], {2: {"minutes": "30", "order": "9"}}))
    assert resp.status_code == 200
    assert "id" in resp.context["formset"].forms[2].errors
    other.refresh_from_db()
    assert (other.order, other.minutes) == (1, 7)
    assert [o for o, _m, _t in state(camp)][:2] == [1, 2]


def test_only_staff_reach_the_pitch_form(client, camp_world, make_user):
    camp, pitches = camp_world["camp"], camp_world["pitches"]
    edit = url("camp_pitches_edit", pk=camp.pk)
    before = state(camp)
    resp = client.get(edit)
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
    assert client.post(edit, formset_post(pitches, {0: {"minutes": "30"}})).status_code == 302
    expert, _reg = approved_expert(camp, make_user("expert@example.org", roles=["mentor"]))
    for person in (camp_world["member"], expert, make_user("tutor@example.org", roles=["tutor"])):
        client.force_login(person)
        assert client.get(edit).status_code == 403
        assert client.post(edit, formset_post(pitches, {0: {"minutes": "30"}})).status_code == 403
    assert state(camp) == before
    assert not AuditEntry.objects.filter(action="camp.pitch_change").exists()
    client.force_login(camp_world["staff"])
    assert client.get(url("camp_pitches_edit", pk=camp.pk + 1000)).status_code == 404


def test_the_service_refuses_a_pitch_of_another_camp(camp_world):
    other_camp = make_camp(camp_world["call"], days_from_today=20, title="Altro camp")
    other = pitch_for(other_camp, funded_team(camp_world["call"]))
    with pytest.raises(services.AccelerationError):
        services.save_pitches(camp_world["camp"], by=camp_world["staff"], rows=[(other, {"minutes": 9})])
    other.refresh_from_db()
    assert other.minutes == 7


def test_pitch_form_query_count_is_flat(client, camp_world):
    camp = camp_world["camp"]
    client.force_login(camp_world["staff"])
    edit = url("camp_pitches_edit", pk=camp.pk)
    client.get(edit)  # warm the session and the caches

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(edit).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(5):
        pitch_for(camp, funded_team(camp_world["call"]))
    assert count() == few
