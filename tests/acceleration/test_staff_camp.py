"""Staff pages for the acceleration programme, the Social Innovation Camp and its agenda: staff
create and edit them (every change audited), bad input is answered next to the field and saves
nothing, the places never go below the approved registrations, only staff get in. Plus axe-core on
the camp form in Chromium after a staff TOTP login."""
import re
from datetime import date, time

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from acceleration import services
from acceleration.models import AccelerationProgramme, AgendaItem, Camp, CampRegistration
from tests.acceleration.factories import approved_expert
from tests.conftest import assert_accessible
from tests.grants.factories import past_call
from tsf.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def url(name, **kw):
    with translation.override("en"):
        return reverse(f"acceleration:{name}", kwargs=kw or None)


def make_programme(call=None, *, starts_on=date(2018, 9, 1), months=12, title="Accelerazione 2018-2019"):
    return AccelerationProgramme.objects.create(call=call or past_call(), title=title, starts_on=starts_on,
                                                months=months)


def make_camp(prog, **kw):
    defaults = {"title": "Social Innovation Camp 2018", "date": date(2018, 10, 26), "starts_at": time(9, 0),
                "ends_at": time(18, 0), "place": "Toolbox Coworking", "capacity": 40}
    return Camp.objects.create(programme=prog, **{**defaults, **kw})


def camp_post(agenda=(), existing=0, **camp):
    """The camp form's POST data, with agenda rows (dicts; "id" for existing items) and 3 extra rows."""
    data = {"camp-title": "Social Innovation Camp 2018", "camp-date": "2018-10-26", "camp-starts_at": "09:00",
            "camp-ends_at": "18:00", "camp-place": "Toolbox Coworking",
            "camp-address": "Via Agostino da Montefeltro 2, Torino", "camp-capacity": "40",
            "camp-registration_open": "on", "camp-description": "Una giornata di pitch e incontri."}
    data.update({f"camp-{k}": v for k, v in camp.items()})
    rows = list(agenda)
    total = max(len(rows), existing) + 3
    data.update({"agenda-TOTAL_FORMS": str(total), "agenda-INITIAL_FORMS": str(existing),
                 "agenda-MIN_NUM_FORMS": "0", "agenda-MAX_NUM_FORMS": "1000"})
    for i, row in enumerate(rows):
        data.update({f"agenda-{i}-{k}": v for k, v in row.items()})
    return data


def audit_actions():
    """The audit entries of this stage's programme and camp pages (not those of making users)."""
    return list(AuditEntry.objects.filter(Q(action__startswith="acceleration.") | Q(action__startswith="camp."))
                .order_by("pk").values_list("action", flat=True))


# Create and edit -----------------------------------------------------------------------------------------


def test_staff_create_the_programme_then_the_camp_with_its_agenda(staff_client, staff_user):
    call = past_call(title="Torino Social Factory 2018")
    page = staff_client.get(url("programme_new"))
    assert page.status_code == 200 and "Torino Social Factory 2018" in page.content.decode()

    resp = staff_client.post(url("programme_new"), {"call": call.pk, "title": "Accelerazione 2018-2019",
                                                    "starts_on": "2018-09-01", "months": "12",
                                                    "description": "Un anno di accompagnamento."})
    prog = AccelerationProgramme.objects.get(call=call)
    assert resp.status_code == 302 and resp["Location"] == url("camp_new", programme_pk=prog.pk)
    assert (prog.starts_on, prog.months, prog.ends_on) == (date(2018, 9, 1), 12, date(2019, 9, 1))

    resp = staff_client.post(url("camp_new", programme_pk=prog.pk), camp_post(agenda=[
        {"starts_at": "09:00", "ends_at": "09:30", "title": "Accoglienza", "description": "Caffè e registrazione."},
        {"starts_at": "09:30", "title": "Pitch dei 12 progetti finanziati"},
    ]))
    camp = Camp.objects.get(programme=prog)
    assert resp.status_code == 302 and resp["Location"] == url("camp_edit", pk=camp.pk)
    assert (camp.date, camp.starts_at, camp.ends_at, camp.place, camp.capacity) == (
        date(2018, 10, 26), time(9), time(18), "Toolbox Coworking", 40)
    assert [(a.starts_at, a.ends_at, a.title) for a in camp.agenda.all()] == [
        (time(9), time(9, 30), "Accoglienza"), (time(9, 30), None, "Pitch dei 12 progetti finanziati")]

    assert audit_actions() == ["acceleration.programme_create", "camp.create", "camp.agenda_add", "camp.agenda_add"]
    entry = AuditEntry.objects.get(action="camp.create")
    assert entry.actor == staff_user and entry.object_id == str(camp.pk)
    assert entry.changes["capacity"] == [None, 40]

    # the public camp page shows what staff entered
    public = staff_client.get(url("camp", pk=camp.pk)).content.decode()
    assert "Accoglienza" in public and "Toolbox Coworking" in public


def test_staff_edit_the_programme_the_camp_and_the_agenda(staff_client, staff_user):
    prog = make_programme()
    camp = make_camp(prog)
    welcome = AgendaItem.objects.create(camp=camp, starts_at=time(9), title="Accoglienza")

    resp = staff_client.post(url("programme_edit", pk=prog.pk), {"title": "Accelerazione TSF 2018",
                                                                 "starts_on": "2018-10-01", "months": "18"})
    assert resp.status_code == 302
    prog.refresh_from_db()
    assert (prog.title, prog.starts_on, prog.months) == ("Accelerazione TSF 2018", date(2018, 10, 1), 18)
    entry = AuditEntry.objects.get(action="acceleration.programme_change")
    assert entry.actor == staff_user
    assert entry.changes == {"title": ["Accelerazione 2018-2019", "Accelerazione TSF 2018"],
                             "starts_on": ["2018-09-01", "2018-10-01"], "months": [12, 18]}

    page = staff_client.get(url("camp_edit", pk=camp.pk))
    assert page.status_code == 200 and 'value="Accoglienza"' in page.content.decode()
    resp = staff_client.post(url("camp_edit", pk=camp.pk), camp_post(
        existing=1, place="Cascina Roccafranca", capacity="60", date="2018-11-09",
        agenda=[{"id": str(welcome.pk), "starts_at": "09:15", "title": "Accoglienza e caffè"},
                {"starts_at": "10:00", "ends_at": "12:30", "title": "Pitch"}]))
    assert resp.status_code == 302
    camp.refresh_from_db()
    assert (camp.place, camp.capacity, camp.date) == ("Cascina Roccafranca", 60, date(2018, 11, 9))
    assert [(a.starts_at, a.title) for a in camp.agenda.all()] == [(time(9, 15), "Accoglienza e caffè"),
                                                                   (time(10), "Pitch")]
    change = AuditEntry.objects.get(action="camp.change")
    assert change.changes["place"] == ["Toolbox Coworking", "Cascina Roccafranca"]
    assert change.changes["capacity"] == [40, 60]
    item_change = AuditEntry.objects.get(action="camp.agenda_change")
    assert item_change.object_id == str(welcome.pk)
    assert item_change.changes["title"] == ["Accoglienza", "Accoglienza e caffè"]
    assert AuditEntry.objects.filter(action="camp.agenda_add").count() == 1

    # saving again without changes writes no audit entry
    before = AuditEntry.objects.count()
    staff_client.post(url("camp_edit", pk=camp.pk), camp_post(
        existing=2, place="Cascina Roccafranca", capacity="60", date="2018-11-09",
        agenda=[{"id": str(welcome.pk), "starts_at": "09:15", "title": "Accoglienza e caffè"},
                {"id": str(camp.agenda.get(title="Pitch").pk), "starts_at": "10:00", "ends_at": "12:30",
                 "title": "Pitch"}]))
    assert AuditEntry.objects.count() == before


# Bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("camp_fields, agenda, field, message", [
    ({"ends_at": "08:00"}, [], "ends_at", "must end after it starts"),
    ({"date": "2020-03-01"}, [], "date", "must fall within the programme"),
    ({"date": "2018-08-31"}, [], "date", "between"),
    ({"capacity": "0"}, [], "capacity", ""),
    ({"date": ""}, [], "date", "required"),
    ({"place": ""}, [], "place", "required"),
    ({}, [{"starts_at": "08:00", "title": "Troppo presto"}], "agenda.starts_at", "runs from 09:00 to 18:00"),
    ({}, [{"starts_at": "17:00", "ends_at": "19:00", "title": "Aperitivo"}], "agenda.ends_at", "ends at 18:00"),
    ({}, [{"starts_at": "11:00", "ends_at": "10:00", "title": "Al contrario"}], "agenda.ends_at", "end after"),
    ({}, [{"starts_at": "11:00", "title": ""}], "agenda.title", "required"),
])
def test_bad_input_is_said_next_to_the_field_and_saves_nothing(staff_client, camp_fields, agenda, field,
                                                               message):
    prog = make_programme()
    camp = make_camp(prog)
    good_agenda = [{"starts_at": "12:00", "title": "Pranzo"}]
    for target in (url("camp_edit", pk=camp.pk), url("camp_new", programme_pk=prog.pk)):
        audit_before, camps_before = AuditEntry.objects.count(), Camp.objects.count()
        resp = staff_client.post(target, camp_post(agenda=agenda or good_agenda, **camp_fields))
        assert resp.status_code == 200
        if field.startswith("agenda."):
            errors = resp.context["formset"].forms[0].errors[field.split(".")[1]]
        else:
            errors = resp.context["form"].errors[field]
        assert message in " ".join(errors)
        assert "Nothing has been saved" in resp.content.decode()
        assert AuditEntry.objects.count() == audit_before and Camp.objects.count() == camps_before
        assert not AgendaItem.objects.exists()
    camp.refresh_from_db()
    assert (camp.date, camp.ends_at, camp.place, camp.capacity) == (date(2018, 10, 26), time(18),
                                                                    "Toolbox Coworking", 40)


def test_a_bad_agenda_row_keeps_the_camp_unchanged_too(staff_client):
    camp = make_camp(make_programme())
    resp = staff_client.post(url("camp_edit", pk=camp.pk), camp_post(
        place="Altrove", agenda=[{"starts_at": "10:00", "title": "Ok"}, {"starts_at": "20:00", "title": "Sera"}]))
    assert resp.status_code == 200
    assert "starts_at" in resp.context["formset"].forms[1].errors
    assert not resp.context["formset"].forms[0].errors
    camp.refresh_from_db()
    assert camp.place == "Toolbox Coworking" and not camp.agenda.exists()


def test_bad_programme_input(staff_client):
    prog = make_programme()
    make_camp(prog)
    # a new programme for a call that already has one, and a length out of range
    resp = staff_client.post(url("programme_new"), {"call": prog.call_id, "title": "Doppio", "starts_on": "2018-09-01",
                                                    "months": "12"})
    assert resp.status_code == 200 and "call" in resp.context["form"].errors
    resp = staff_client.post(url("programme_edit", pk=prog.pk), {"title": "X", "starts_on": "2018-09-01",
                                                                 "months": "0"})
    assert resp.status_code == 200 and "months" in resp.context["form"].errors
    # moving the programme so that its camp would fall outside it
    resp = staff_client.post(url("programme_edit", pk=prog.pk), {"title": "Accelerazione", "starts_on": "2019-01-01",
                                                                 "months": "12"})
    assert resp.status_code == 200
    assert "would fall outside the programme" in " ".join(resp.context["form"].errors["starts_on"])
    prog.refresh_from_db()
    assert prog.starts_on == date(2018, 9, 1) and prog.title == "Accelerazione 2018-2019"
    assert AccelerationProgramme.objects.count() == 1 and not audit_actions()


# Capacity and approved registrations ----------------------------------------------------------------------


def test_capacity_cannot_go_below_the_approved_registrations(staff_client, staff_user, make_user):
    camp = make_camp(make_programme(), capacity=5)
    for i in range(3):
        approved_expert(camp, make_user(f"esperto{i}@example.org", roles=["mentor"]))
    CampRegistration.objects.create(camp=camp, full_name="In attesa", email="attesa@example.org", kind="expert",
                                    consent=True)

    resp = staff_client.post(url("camp_edit", pk=camp.pk), camp_post(capacity="2"))
    assert resp.status_code == 200
    assert "3 registrations are already approved" in " ".join(resp.context["form"].errors["capacity"])
    camp.refresh_from_db()
    assert camp.capacity == 5

    with pytest.raises(services.InvalidInput) as exc:
        services.save_camp(camp.programme, by=staff_user, instance=camp, capacity=2)
    assert "capacity" in exc.value.errors

    # exactly the approved ones is fine (the pending registration does not count)
    resp = staff_client.post(url("camp_edit", pk=camp.pk), camp_post(capacity="3"))
    assert resp.status_code == 302
    camp.refresh_from_db()
    assert camp.capacity == 3
    # and now the camp is full: one more approval is refused
    with pytest.raises(services.AccelerationError):
        services.approve_registration(CampRegistration.objects.get(email="attesa@example.org"), by=staff_user)


def test_service_refuses_an_agenda_item_of_another_camp(staff_user):
    prog = make_programme()
    camp, other = make_camp(prog), make_camp(prog, title="Altro camp")
    foreign = AgendaItem.objects.create(camp=other, starts_at=time(10), title="Non mio")
    with pytest.raises(services.AccelerationError):
        services.save_camp(prog, by=staff_user, instance=camp, agenda=[(foreign, {"title": "Preso"})])
    foreign.refresh_from_db()
    assert foreign.title == "Non mio"


# Deleting an agenda item -----------------------------------------------------------------------------------


def test_removing_an_agenda_item_asks_for_confirmation_then_is_audited(staff_client, staff_user):
    camp = make_camp(make_programme())
    item = AgendaItem.objects.create(camp=camp, starts_at=time(13), title="Pranzo a buffet")
    edit = staff_client.get(url("camp_edit", pk=camp.pk)).content.decode()
    assert url("agenda_delete", pk=item.pk) in edit

    page = staff_client.get(url("agenda_delete", pk=item.pk))
    assert page.status_code == 200
    assert "Remove “Pranzo a buffet” (13:00)" in page.content.decode()
    assert AgendaItem.objects.filter(pk=item.pk).exists()  # asking deletes nothing

    resp = staff_client.post(url("agenda_delete", pk=item.pk))
    assert resp.status_code == 302 and resp["Location"] == url("camp_edit", pk=camp.pk)
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    entry = AuditEntry.objects.get(action="camp.agenda_delete")
    assert entry.actor == staff_user and entry.object_id == str(camp.pk) and "Pranzo a buffet" in entry.note


# Who gets in ----------------------------------------------------------------------------------------------


@pytest.fixture
def staff_urls():
    prog = make_programme()
    camp = make_camp(prog)
    item = AgendaItem.objects.create(camp=camp, starts_at=time(10), title="Pitch")
    return camp, item, [url("programmes_staff"), url("programme_new"), url("programme_edit", pk=prog.pk),
                        url("camp_new", programme_pk=prog.pk), url("camp_edit", pk=camp.pk),
                        url("agenda_delete", pk=item.pk)]


@pytest.mark.parametrize("roles", [("promoter",), ("tutor",), ("mentor",), ("assessor",), ()])
def test_non_staff_get_403_and_change_nothing(client, make_user, staff_urls, roles):
    camp, item, urls = staff_urls
    client.force_login(make_user("altro@example.org", roles=roles))
    for u in urls:
        assert client.get(u).status_code == 403, u
        assert client.post(u, camp_post(place="Altrove")).status_code == 403, u
    camp.refresh_from_db()
    assert camp.place == "Toolbox Coworking" and AgendaItem.objects.filter(pk=item.pk).exists()
    assert AccelerationProgramme.objects.count() == 1 and not audit_actions()


def test_anonymous_are_sent_to_the_login(client, staff_urls):
    _camp, item, urls = staff_urls
    for u in urls:
        resp = client.get(u)
        assert resp.status_code == 302 and "/accounts/login/" in resp["Location"], u
        resp = client.post(u)
        assert resp.status_code == 302 and "/accounts/login/" in resp["Location"], u
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_staff_reach_the_pages_from_the_index_and_the_camp_page(client, staff_client, make_user):
    camp = make_camp(make_programme())
    index = staff_client.get(url("index")).content.decode()
    assert url("programmes_staff") in index and url("camp_edit", pk=camp.pk) in index
    assert url("camp_edit", pk=camp.pk) in staff_client.get(url("camp", pk=camp.pk)).content.decode()
    assert url("camp_edit", pk=camp.pk) in staff_client.get(url("camp_staff", pk=camp.pk)).content.decode()
    listing = staff_client.get(url("programmes_staff")).content.decode()
    assert url("camp_new", programme_pk=camp.programme_id) in listing and url("programme_new") in listing

    other = client.__class__()
    other.force_login(make_user("team@example.org", roles=["promoter"]))
    for page in (other.get(url("index")), other.get(url("camp", pk=camp.pk))):
        assert url("camp_edit", pk=camp.pk) not in page.content.decode()
        assert url("programmes_staff") not in page.content.decode()


def test_programme_list_searches_and_its_query_count_stays_flat(staff_client):
    def count():
        staff_client.get(url("programmes_staff"))  # warm up session and user
        with CaptureQueriesContext(connection) as ctx:
            resp = staff_client.get(url("programmes_staff"))
        assert resp.status_code == 200
        return len(ctx.captured_queries), resp

    prog = make_programme(past_call(year=2018), title="Accelerazione 2018")
    make_camp(prog)
    few, _ = count()
    for year in range(2019, 2024):
        p = make_programme(past_call(year=year), starts_on=date(year, 9, 1), title=f"Accelerazione {year}")
        make_camp(p, date=date(year, 10, 20), title=f"Camp {year}")
        make_camp(p, date=date(year, 11, 20), title=f"Camp bis {year}")
    many, resp = count()
    assert few == many
    assert len(re.findall('data-testid="programme"', resp.content.decode())) == 6
    found = staff_client.get(url("programmes_staff"), {"q": "Camp bis 2021"}).content.decode()
    assert found.count('data-testid="programme"') == 1 and "Accelerazione 2021" in found


# Browser ----------------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_camp_form_in_the_browser_is_accessible_and_answers_bad_input(page, make_user):
    from tests.acceleration.test_browser import _login

    make_user("ufficio.camp@example.org", roles=["staff"], full_name="Sara Ufficio")
    camp = make_camp(make_programme(), capacity=40)
    AgendaItem.objects.create(camp=camp, starts_at=time(9), title="Accoglienza")
    page.on("dialog", lambda dialog: dialog.accept())

    _login(page, "ufficio.camp@example.org", totp=True)
    page.goto(f"/en/acceleration/camp/{camp.pk}/")
    page.get_by_role("link", name="Edit the camp and its agenda").click()
    page.get_by_role("heading", name="Edit the camp").wait_for()
    assert_accessible(page, "camp form")

    page.get_by_label("Ends at").fill("08:00")
    page.get_by_role("button", name="Save the camp and the agenda").click()
    page.get_by_text("The camp must end after it starts.").wait_for()
    assert_accessible(page, "camp form with errors")
    camp.refresh_from_db()
    assert camp.ends_at == time(18)

    page.get_by_label("Ends at").fill("17:30")
    page.locator("#id_camp-place").fill("Cascina Roccafranca")
    page.locator("#id_agenda-1-starts_at").fill("10:00")
    page.locator("#id_agenda-1-title").fill("Pitch dei progetti finanziati")
    page.get_by_role("button", name="Save the camp and the agenda").click()
    page.get_by_text("The camp and its agenda are saved.").wait_for()
    camp.refresh_from_db()
    assert (camp.ends_at, camp.place) == (time(17, 30), "Cascina Roccafranca")
    assert list(camp.agenda.values_list("title", flat=True)) == ["Accoglienza", "Pitch dei progetti finanziati"]

