"""Request tests per view and role: who sees what, staff-only notes, another team's page, the
calendar file, exports, the cohort's query count with 5 and 25 teams, the version diff."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incubation import services
from incubation.models import Attendance, ProgressEntry, Submission
from projects.models import ProposalStatus
from tests.incubation.factories import admitted_team, assign, make_lab, pdf_upload

pytestmark = pytest.mark.django_db

ENTRY = {"value_proposition": 3, "business_model": 2, "impact_design": 4, "team_readiness": 4,
         "market_validation": 2, "notes": "Riservato: la presidente lascia l'ente a giugno.",
         "notes_staff_only": True, "next_actions": "Preparare il canvas del modello di business."}


@pytest.fixture
def world(make_user, staff_user):
    lab = make_lab()
    tutor = make_user("tutor@example.org", roles=["tutor"], full_name="Tina Tutor")
    other_tutor = make_user(roles=["tutor"], full_name="Oscar Tutor")
    team, members = admitted_team(lab.call, title="Forno sociale di Mirafiori")
    other, other_members = admitted_team(lab.call, title="Emporio solidale di Barriera")
    assign(lab, team, tutor)
    assign(lab, other, other_tutor)
    ws = lab.workshops.get(number=1)
    services.save_progress(ws, team, ENTRY, by=tutor)
    services.save_progress(ws, other, {**ENTRY, "notes": "Note dell'altro gruppo", "notes_staff_only": False,
                                       "next_actions": "Azioni dell'altro gruppo"}, by=other_tutor)
    return {"lab": lab, "tutor": tutor, "other_tutor": other_tutor, "team": team, "members": members,
            "other": other, "other_members": other_members, "ws": ws, "staff": staff_user}


def test_team_reads_its_entry_but_never_staff_only_notes_nor_another_team(client, world):
    client.force_login(world["members"][0])
    page = client.get(reverse("incubation:team", kwargs={"pk": world["team"].pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Preparare il canvas del modello di business." in html
    assert "Riservato" not in html
    assert "Azioni dell'altro gruppo" not in html and "Note dell" not in html
    assert client.get(reverse("incubation:team", kwargs={"pk": world["other"].pk})).status_code == 404
    assert client.get(reverse("incubation:team_calendar", kwargs={"pk": world["other"].pk})).status_code == 404
    # a team cannot log, nor see the cohort
    assert client.get(reverse("incubation:progress", kwargs={"workshop_pk": world["ws"].pk,
                                                             "pk": world["team"].pk})).status_code == 403
    assert client.get(reverse("incubation:cohort", kwargs={"pk": world["lab"].pk})).status_code == 403


def test_staff_and_tutors_read_the_staff_only_notes(client, world):
    for user in (world["staff"], world["tutor"]):
        client.force_login(user)
        html = client.get(reverse("incubation:team", kwargs={"pk": world["team"].pk})).content.decode()
        assert "Riservato" in html


def test_tutor_cannot_log_on_a_team_not_assigned(client, world):
    client.force_login(world["tutor"])
    url = reverse("incubation:progress", kwargs={"workshop_pk": world["ws"].pk, "pk": world["other"].pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {**ENTRY, "notes": "intrusione"}).status_code == 404
    assert not ProgressEntry.objects.filter(notes="intrusione").exists()
    # the attendance form shows and saves only the assigned teams
    session = world["ws"].sessions.get()
    url = reverse("incubation:session_attendance", kwargs={"pk": session.pk})
    page = client.get(url)
    assert "Forno sociale di Mirafiori" in page.content.decode()
    assert "Emporio solidale di Barriera" not in page.content.decode()
    o = world["other_members"][0]
    client.post(url, {f"team-{world['other'].pk}": "1", "present": [f"{world['other'].pk}:{o.pk}"]})
    assert not Attendance.objects.filter(proposal=world["other"]).exists()


def test_tutor_records_attendance_progress_and_feedback(client, world):
    client.force_login(world["tutor"])
    team, members = world["team"], world["members"]
    session = world["ws"].sessions.get()
    r = client.post(reverse("incubation:session_attendance", kwargs={"pk": session.pk}),
                    {f"team-{team.pk}": "1", "present": [f"{team.pk}:{members[0].pk}"]})
    assert r.status_code == 302
    assert list(Attendance.objects.get(session=session, proposal=team).attendees.all()) == [members[0]]
    url = reverse("incubation:progress", kwargs={"workshop_pk": world["ws"].pk, "pk": team.pk})
    r = client.post(url, {**ENTRY, "value_proposition": "7"})
    assert r.status_code == 200 and "value_proposition" in r.context["form"].errors
    r = client.post(url, {**ENTRY, "value_proposition": "5", "notes_staff_only": ""})
    assert r.status_code == 302
    entry = ProgressEntry.objects.get(workshop=world["ws"], proposal=team)
    assert entry.value_proposition == 5 and not entry.notes_staff_only
    sub = services.upload_submission(world["ws"].deliverables.get(), team, file=pdf_upload(), by=members[0])
    url = reverse("incubation:submission_review", kwargs={"pk": sub.pk})
    r = client.post(url, {"review": "changes_requested", "comments": ""})
    assert r.status_code == 200 and r.context["form"].errors["comments"]
    r = client.post(url, {"review": "changes_requested", "comments": "Aggiungere i costi del personale."})
    assert r.status_code == 302
    sub.refresh_from_db()
    assert sub.review == Submission.Review.CHANGES
    client.force_login(world["other_tutor"])
    assert client.post(url, {"review": "accepted"}).status_code == 404


def test_team_uploads_a_deliverable_and_a_new_version(client, world):
    member = world["members"][1]
    client.force_login(member)
    d = world["ws"].deliverables.get()
    url = reverse("incubation:deliverable_upload", kwargs={"pk": world["team"].pk, "deliverable_pk": d.pk})
    assert client.get(url).status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(url, {"file": SimpleUploadedFile("canvas.pdf", b"not really a pdf"), "note": ""})
    assert r.status_code == 200 and r.context["form"].errors["file"]
    assert client.post(url, {"file": pdf_upload(), "note": "Prima bozza"}).status_code == 302
    assert client.post(url, {"file": pdf_upload("v2.pdf"), "note": ""}).status_code == 302
    subs = Submission.objects.filter(proposal=world["team"], deliverable=d).order_by("version")
    assert [s.version for s in subs] == [1, 2]
    # the file is private: the team and tutors read it, another team does not
    file_url = reverse("core:private_file", kwargs={"app_label": "incubation", "model_name": "submission",
                                                    "pk": subs[0].pk, "field": "file"})
    assert client.get(file_url).status_code == 200
    client.force_login(world["other_members"][0])
    assert client.get(file_url).status_code == 403
    assert client.post(url, {"file": pdf_upload()}).status_code == 404


def test_calendar_ics_parses(client, world):
    client.force_login(world["members"][0])
    r = client.get(reverse("incubation:team_calendar", kwargs={"pk": world["team"].pk}))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    text = r.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    lines = unfolded.split("\r\n")
    assert lines.count("BEGIN:VEVENT") == 8 and lines.count("END:VEVENT") == 8  # 4 sessions + 4 due dates
    session = world["ws"].sessions.get()
    start = session.starts_at.astimezone(datetime.UTC).strftime("DTSTART:%Y%m%dT%H%M%SZ")
    assert start in lines
    assert any(line.startswith("LOCATION:Toolbox Coworking\\, Via Agostino") for line in lines)
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    for line in lines:
        if line.startswith("UID:"):
            assert "@" in line


def _cohort_queries(client, lab):
    url = reverse("incubation:cohort", kwargs={"pk": lab.pk})
    client.get(url)  # warm the per-user caches
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries), r


def test_cohort_query_count_is_flat_for_5_and_25_teams(client, staff_user, make_user):
    tutor = make_user(roles=["tutor"])
    counts = []
    for n in (5, 25):
        lab = make_lab()
        for i in range(n):
            team, members = admitted_team(lab.call, members=1)
            assign(lab, team, tutor)
            ws = lab.workshops.get(number=1)
            services.record_attendance(ws.sessions.get(), team, members, by=staff_user)
            services.save_progress(ws, team, ENTRY, by=staff_user)
            services.upload_submission(ws.deliverables.get(), team, file=pdf_upload(), by=members[0])
        client.force_login(staff_user)
        count, r = _cohort_queries(client, lab)
        assert len(r.context["rows"]) == n
        counts.append(count)
    assert counts[0] == counts[1]


def test_cohort_grid_colour_has_text_and_exports(client, world):
    client.force_login(world["tutor"])
    r = client.get(reverse("incubation:cohort", kwargs={"pk": world["lab"].pk}))
    html = r.content.decode()
    assert "Forno sociale di Mirafiori" in html and "Emporio solidale di Barriera" in html
    assert 'data-testid="cohort-grid"' in html
    r = client.get(reverse("incubation:cohort", kwargs={"pk": world["lab"].pk}), {"mine": "on"})
    assert "Emporio solidale di Barriera" not in r.content.decode()
    r = client.get(reverse("incubation:cohort", kwargs={"pk": world["lab"].pk}), {"format": "csv"})
    body = b"".join(r.streaming_content).decode()
    assert "Forno sociale di Mirafiori" in body and "Tina Tutor" in body
    r = client.get(reverse("incubation:cohort", kwargs={"pk": world["lab"].pk}), {"format": "xlsx"})
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_team_page_has_the_readiness_chart_and_table(client, world):
    client.force_login(world["staff"])
    html = client.get(reverse("incubation:team", kwargs={"pk": world["team"].pk})).content.decode()
    assert "<svg" in html and "<circle" in html and "<caption>" in html
    assert "<script" not in html.split("<svg")[1].split("</svg>")[0]


def test_pages_per_role(client, world, make_user):
    lab, team = world["lab"], world["team"]
    pages = {
        "cohort": reverse("incubation:cohort", kwargs={"pk": lab.pk}),
        "tutors": reverse("incubation:tutors", kwargs={"pk": lab.pk}),
        "lab_edit": reverse("incubation:lab_edit", kwargs={"pk": lab.pk}),
        "workshop": reverse("incubation:workshop", kwargs={"pk": world["ws"].pk}),
        "team": reverse("incubation:team", kwargs={"pk": team.pk}),
        "revised": reverse("incubation:revised", kwargs={"pk": team.pk}),
        "diff": reverse("incubation:diff", kwargs={"pk": team.pk}),
    }
    expected = {
        "staff": {"cohort": 200, "tutors": 200, "lab_edit": 200, "workshop": 200, "team": 200, "revised": 200,
                  "diff": 200},
        "tutor": {"cohort": 200, "tutors": 403, "lab_edit": 403, "workshop": 200, "team": 200, "revised": 200,
                  "diff": 200},
        "member": {"cohort": 403, "tutors": 403, "lab_edit": 403, "workshop": 403, "team": 200, "revised": 200,
                   "diff": 200},
        "stranger": {"cohort": 403, "tutors": 403, "lab_edit": 403, "workshop": 403, "team": 404, "revised": 404,
                     "diff": 404},
    }
    people = {"staff": world["staff"], "tutor": world["tutor"], "member": world["members"][0],
              "stranger": make_user(roles=["promoter"])}
    for role, user in people.items():
        client.force_login(user)
        for name, url in pages.items():
            assert client.get(url).status_code == expected[role][name], (role, name)
    client.logout()
    assert client.get(pages["team"]).status_code == 302
    assert client.get(reverse("incubation:index")).status_code == 200


def test_index_sends_each_person_to_their_page(client, world):
    client.force_login(world["staff"])
    assert client.get(reverse("incubation:index"))["Location"].endswith(
        reverse("incubation:cohort", kwargs={"pk": world["lab"].pk}))
    client.force_login(world["members"][0])
    assert client.get(reverse("incubation:index"))["Location"].endswith(
        reverse("incubation:team", kwargs={"pk": world["team"].pk}))


def test_staff_set_up_workshop_sessions_and_tutors(client, world, make_user):
    client.force_login(world["staff"])
    url = reverse("incubation:workshop", kwargs={"pk": world["ws"].pk})
    r = client.post(url, {"kind": "session", "s-date": "2030-04-02", "s-start_time": "14:00",
                          "s-end_time": "13:00", "s-place": "Open Incet"})
    assert r.status_code == 200 and r.context["forms"]["session"].errors["end_time"]
    r = client.post(url, {"kind": "session", "s-date": "2030-04-02", "s-start_time": "14:00",
                          "s-end_time": "18:00", "s-place": "Open Incet", "s-tutors": [world["tutor"].pk]})
    assert r.status_code == 302 and world["ws"].sessions.count() == 2
    r = client.post(url, {"kind": "material", "m-title": "Slide", "m-url": ""})
    assert r.status_code == 200 and r.context["forms"]["material"].errors
    r = client.post(url, {"kind": "material", "m-title": "Canvas vuoto", "m-url": "https://example.org/c.pdf"})
    assert r.status_code == 302
    new_tutor = make_user(roles=["tutor"])
    team = world["team"]
    r = client.post(reverse("incubation:tutors", kwargs={"pk": world["lab"].pk}),
                    {"team": team.pk, f"t{team.pk}-tutors": [new_tutor.pk]})
    assert r.status_code == 302
    assert [a.tutor for a in team.tutor_assignments.all()] == [new_tutor]
    client.force_login(world["tutor"])
    assert client.post(url, {"kind": "session", "s-date": "2030-04-02"}).status_code == 403


def test_revised_proposal_pages_and_diff(client, world):
    call = world["lab"].call
    now = datetime.datetime.now(datetime.UTC)
    call.revised_opens_at, call.revised_closes_at = now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    call.save()
    team, member = world["team"], world["members"][0]
    client.force_login(member)
    url = reverse("incubation:revised", kwargs={"pk": team.pk})
    assert "Start version 2" in client.get(url).content.decode() or "Inizia" in client.get(url).content.decode()
    assert client.post(url, {"start": "1"}).status_code == 302
    step = reverse("incubation:revised_step", kwargs={"pk": team.pk, "step": "solution"})
    page = client.get(step)
    assert page.status_code == 200
    v1 = team.versions.get(number=1)
    r = client.post(step, {"solution_type": "artisan_bakery", "solution": "Un forno sociale con corsi serali.",
                           "experimental_rationale": v1.experimental_rationale,
                           "community_rationale": v1.community_rationale, "save": "1"})
    assert r.status_code == 302
    assert client.post(url, {"submit": "1"}).status_code == 302
    team.refresh_from_db()
    assert team.status == ProposalStatus.REVISED_SUBMITTED
    assert client.get(step).status_code == 302  # frozen now
    for user in (world["staff"], world["tutor"]):
        client.force_login(user)
        html = client.get(reverse("incubation:diff", kwargs={"pk": team.pk})).content.decode()
        assert "<ins>" in html and "forno sociale con corsi serali" in html
        assert "<del>" in html
    v1.refresh_from_db()
    assert v1.solution == "Un community hub."


def test_an_outsider_cannot_start_or_submit(client, world, make_user):
    call = world["lab"].call
    now = datetime.datetime.now(datetime.UTC)
    call.revised_opens_at, call.revised_closes_at = now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    call.save()
    client.force_login(world["tutor"])
    assert client.post(reverse("incubation:revised", kwargs={"pk": world["team"].pk}),
                       {"start": "1"}).status_code == 403
    assert not world["team"].versions.filter(number=2).exists()


def test_my_area_panels(client, world):
    client.force_login(world["tutor"])
    html = client.get(reverse("accounts:my_area")).content.decode()
    assert "Forno sociale di Mirafiori" in html
    client.force_login(world["members"][0])
    html = client.get(reverse("accounts:my_area")).content.decode()
    assert reverse("incubation:revised", kwargs={"pk": world["team"].pk}) in html


def test_my_area_reads_the_labs_as_the_orm_does(rf, world):
    """The panel's statement gives the lab instance the ORM gave, of the person's teams' calls only."""
    from incubation.models import Lab
    from incubation.panels import my_lab

    make_lab()  # another call's lab
    request = rf.get("/")
    request.user = world["members"][0]

    def seen(lab):
        return (lab.pk, [getattr(lab, f.attname) for f in Lab._meta.concrete_fields], lab.name, lab.description,
                lab.get_absolute_url(), lab.get_deferred_fields())

    assert [seen(row["lab"]) for row in my_lab(request)["rows"]] == [seen(Lab.objects.get(pk=world["lab"].pk))]


def test_my_area_lab_panel_query_count_is_flat_for_1_and_4_teams(client, make_user):
    """A promoter in several teams of a lab (a consortium's member) gets the panel in the same number
    of queries: its next session, what is due and the revised proposal for each team."""
    from projects.models import Membership

    promoter = make_user(roles=["promoter"])
    counts, titles = [], []
    for n in (1, 4):  # one team in a first lab, then four more in a second lab
        lab = make_lab()
        for i in range(n):
            titles.append(f"Squadra {n}-{i}")
            team, _members = admitted_team(lab.call, members=0, title=titles[-1])
            Membership.objects.create(user=promoter, organisation=team.organisation, role=Membership.Role.MEMBER)
        client.force_login(promoter)
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(reverse("accounts:my_area")).content.decode()
        panel = html.split('id="panel-lab-team"', 1)[1].split("</section>", 1)[0]
        assert all(title in panel for title in titles)
        # Each team's next session and its revised proposal.
        assert panel.count("/revised/") == len(titles) and panel.count("Toolbox Coworking") == len(titles)
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("page", ["tutors", "attendance"])
def test_staff_lists_have_flat_query_counts(client, staff_user, make_user, page):
    counts = []
    for n in (5, 25):
        lab = make_lab()
        tutor = make_user(roles=["tutor"])
        for _i in range(n):
            team, _members = admitted_team(lab.call, members=2)
            assign(lab, team, tutor)
        client.force_login(staff_user)
        url = (reverse("incubation:tutors", kwargs={"pk": lab.pk}) if page == "tutors" else
               reverse("incubation:session_attendance", kwargs={"pk": lab.workshops.first().sessions.get().pk}))
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url)
        assert r.status_code == 200 and r.content.decode().count("Associazione Esempio") >= n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_materials_are_private_to_the_cohort_staff_and_tutors(client, world, make_user):
    from django.core.files.base import ContentFile

    from incubation.models import Material
    from tests.incubation.factories import PDF

    m = Material(workshop=world["ws"], title="Canvas vuoto", uploaded_by=world["tutor"])
    m.file.save("canvas.pdf", ContentFile(PDF), save=False)
    m.save()
    url = reverse("core:private_file", kwargs={"app_label": "incubation", "model_name": "material", "pk": m.pk,
                                               "field": "file"})
    for user in (world["members"][0], world["other_members"][0], world["tutor"], world["staff"]):
        client.force_login(user)
        assert client.get(url).status_code == 200
    outside, _ = admitted_team(world["lab"].call, status=ProposalStatus.NOT_SELECTED)
    client.force_login(outside.organisation.memberships.first().user)
    assert client.get(url).status_code == 403
    client.force_login(world["members"][0])
    assert "Canvas vuoto" in client.get(reverse("incubation:team", kwargs={"pk": world["team"].pk})).content.decode()


def test_an_assessor_not_assigned_does_not_see_the_diff(client, world, make_user):
    assessor = make_user(roles=["assessor"])
    client.force_login(assessor)
    assert client.get(reverse("incubation:diff", kwargs={"pk": world["team"].pk})).status_code == 404


def test_version_2_attachments_change_without_touching_version_1(client, world):
    from django.core.files.base import ContentFile

    from projects.models import Attachment
    from tests.incubation.factories import PDF

    team, member = world["team"], world["members"][0]
    v1 = team.versions.get(number=1)
    a1 = Attachment(version=v1, kind="statute", title="Statuto", original_name="statuto.pdf", size=len(PDF))
    a1.file.save("statuto.pdf", ContentFile(PDF), save=False)
    a1.save()
    call = world["lab"].call
    now = datetime.datetime.now(datetime.UTC)
    call.revised_opens_at, call.revised_closes_at = now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    call.save()
    client.force_login(member)
    client.post(reverse("incubation:revised", kwargs={"pk": team.pk}), {"start": "1"})
    v2 = team.versions.get(number=2)
    copied = v2.attachments.get()
    url = reverse("incubation:revised_step", kwargs={"pk": team.pk, "step": "attachments"})
    assert "Statuto" in client.get(url).content.decode()
    assert client.post(url, {"remove": "abc"}).status_code == 404  # not an id: names nothing
    assert client.post(url, {"remove": copied.pk}).status_code == 302
    assert client.post(url, {"upload": "1", "kind": "budget", "title": "Budget rivisto",
                             "file": pdf_upload("budget.pdf")}).status_code == 302
    assert [a.title for a in v2.attachments.all()] == ["Budget rivisto"]
    assert [a.title for a in v1.attachments.all()] == ["Statuto"]
    a1.refresh_from_db()
    assert a1.file.storage.exists(a1.file.name)


def test_staff_edit_a_session_and_cannot_delete_one_with_attendance(client, world):
    session = world["ws"].sessions.get()
    client.force_login(world["tutor"])
    assert client.get(reverse("incubation:session_edit", kwargs={"pk": session.pk})).status_code == 403
    client.force_login(world["staff"])
    url = reverse("incubation:session_edit", kwargs={"pk": session.pk})
    r = client.post(url, {"date": session.date.isoformat(), "start_time": "10:00", "end_time": "12:30",
                          "place": "Open Incet", "address": "Via Cigna 96/17"})
    assert r.status_code == 302
    session.refresh_from_db()
    assert (session.place, session.start_time.hour) == ("Open Incet", 10)
    services.record_attendance(session, world["team"], world["members"], by=world["staff"])
    client.post(url, {"delete": "1"})
    assert world["ws"].sessions.filter(pk=session.pk).exists()
    d = world["ws"].deliverables.get()
    client.post(reverse("incubation:deliverable_edit", kwargs={"pk": d.pk}), {"delete": "1"})
    assert not world["ws"].deliverables.exists()


def test_a_tutor_who_is_also_in_the_team_does_not_read_its_staff_only_notes(client, world):
    from projects.models import Membership

    Membership.objects.create(user=world["other_tutor"], organisation=world["team"].organisation)
    client.force_login(world["other_tutor"])
    html = client.get(reverse("incubation:team", kwargs={"pk": world["team"].pk})).content.decode()
    assert "Preparare il canvas" in html and "Riservato" not in html


def test_staff_create_a_lab_for_a_call_without_one(client, staff_user):
    from incubation.models import Lab
    from tests.calls.factories import CallFactory

    call = CallFactory()
    client.force_login(staff_user)
    url = reverse("incubation:lab_create")
    assert client.get(url, {"call": "x'1"}).status_code == 200
    r = client.post(url, {"call": call.pk, "name": "Lab 2030", "incubator_name": "Make a Cube³",
                          "starts_on": "2030-03-05", "ends_on": "2030-03-01"})
    assert r.status_code == 200 and r.context["form"].errors["ends_on"]
    r = client.post(url, {"call": call.pk, "name": "Lab 2030", "incubator_name": "Make a Cube³",
                          "starts_on": "2030-03-05", "ends_on": "2030-05-31"})
    lab = Lab.objects.get(call=call)
    assert r["Location"].endswith(reverse("incubation:lab_edit", kwargs={"pk": lab.pk}))
    r = client.post(reverse("incubation:lab_edit", kwargs={"pk": lab.pk}),
                    {"add_workshop": "1", "ws-number": "1", "ws-title_it": "Identità e missione", "ws-topics_it": ""})
    assert r.status_code == 302 and lab.workshops.count() == 1


def test_staff_add_a_workshop_with_its_english_title_and_topics(client, staff_user):
    """The workshop's English title and topics (and the lab's description) show under /en/; where none
    was given, the Italian."""
    from django.utils import translation

    from incubation.models import Lab
    from tests.calls.factories import CallFactory

    lab = Lab.objects.create(call=CallFactory(), name="Lab 2030", incubator_name="Make a Cube³",
                             starts_on=datetime.date(2030, 3, 5), ends_on=datetime.date(2030, 5, 31))
    client.force_login(staff_user)
    with translation.override("it"):
        edit = reverse("incubation:lab_edit", kwargs={"pk": lab.pk})
        html = client.get(edit).content.decode()
    assert "Titolo (inglese)" in html and "Temi (inglese)" in html
    r = client.post(edit, {"add_workshop": "1", "ws-number": "1", "ws-title_it": "Competenze hard e soft",
                           "ws-title_en": "Hard and soft skills", "ws-topics_it": "Ruoli e governance interna.",
                           "ws-topics_en": "", "ws-description_it": "", "ws-description_en": ""})
    assert r.status_code == 302
    ws = lab.workshops.get()
    assert (ws.title_it, ws.title_en, ws.topics_it) == ("Competenze hard e soft", "Hard and soft skills",
                                                        "Ruoli e governance interna.")
    with translation.override("en"):
        html = client.get(reverse("incubation:workshop", kwargs={"pk": ws.pk})).content.decode()
    assert "Hard and soft skills" in html and "Competenze hard e soft" not in html
    assert "Ruoli e governance interna." in html  # no English topics given: the Italian
    with translation.override("it"):
        html = client.get(reverse("incubation:workshop", kwargs={"pk": ws.pk})).content.decode()
    assert "Competenze hard e soft" in html and "Hard and soft skills" not in html


    # The lab's description too: staff write the English beside the Italian; visitors read it under /en/.
    r = client.post(edit, {"lab-name": "Lab 2030", "lab-incubator_name": "Make a Cube³",
                           "lab-description_it": "Quattro workshop per le idee ammesse.",
                           "lab-description_en": "Four workshops for the ideas admitted.",
                           "lab-starts_on": "2030-03-05", "lab-ends_on": "2030-05-31"})
    assert r.status_code == 302
    lab.refresh_from_db()
    assert (lab.description_it, lab.description_en) == ("Quattro workshop per le idee ammesse.",
                                                        "Four workshops for the ideas admitted.")
    client.logout()
    with translation.override("en"):
        html = client.get(reverse("incubation:index")).content.decode()
    assert "Four workshops for the ideas admitted." in html and "Hard and soft skills" in html
    with translation.override("it"):
        html = client.get(reverse("incubation:index")).content.decode()
    assert "Quattro workshop per le idee ammesse." in html and "Competenze hard e soft" in html


def test_revised_steps_are_the_proposal_steps_drafts_included(client, world):
    """Version 2 runs on the proposal's step engine: an incomplete step saves, the stepper moves
    and saves, the review lists what is missing by step, and a step saved after submission shows
    why with the text typed."""
    from tests.forms_as_rendered import read_form

    call = world["lab"].call
    now = datetime.datetime.now(datetime.UTC)
    call.revised_opens_at, call.revised_closes_at = now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    call.save()
    team, member = world["team"], world["members"][0]
    client.force_login(member)
    client.post(reverse("incubation:revised", kwargs={"pk": team.pk}), {"start": "1"})
    v2 = team.versions.get(number=2)

    def step(key):
        return reverse("incubation:revised_step", kwargs={"pk": team.pk, "step": key})

    form = read_form(client, step("need"), button="Save")
    form["social_need"] = ""  # emptied: still saved, listed at review
    response = form.submit(button="goto=impact")
    assert response.status_code == 302 and response.url == step("impact")
    v2.refresh_from_db()
    assert v2.social_need == ""
    review = client.get(step("review")).content.decode()
    assert f'<a href="{step("need")}">Step 2: Need and target groups</a>' in review
    assert "Describe the social need." in review
    form = read_form(client, step("need"), button="Save")
    form["social_need"] = "Giovani senza lavoro a Mirafiori."
    assert form.submit(button="Save").status_code == 302
    assert "Describe the social need." not in client.get(step("review")).content.decode()

    form = read_form(client, step("solution"), button="Save")  # a tab left open
    services.submit_revised_proposal(team, by=member)
    form["solution"] = "Un forno aperto anche la domenica."
    response = form.submit(button="Save")
    assert response.status_code == 409
    body = response.content.decode()
    assert "The revised proposal has been submitted and can no longer be changed." in body
    assert "Un forno aperto anche la domenica." in body
    v2.refresh_from_db()
    assert v2.solution != "Un forno aperto anche la domenica." and v2.frozen


def test_attendance_saved_over_a_newer_version_changes_nothing(client, world):
    from html import escape

    from tests.forms_as_rendered import read_form

    client.force_login(world["tutor"])
    team, members = world["team"], world["members"]
    session = world["ws"].sessions.get()
    url = reverse("incubation:session_attendance", kwargs={"pk": session.pk})
    loaded = read_form(client, url, field="edit_revision")["edit_revision"]
    mine = {"edit_revision": loaded, f"team-{team.pk}": "1", "present": [f"{team.pk}:{members[0].pk}"]}
    theirs = {**mine, "present": [f"{team.pk}:{members[1].pk}"]}
    assert client.post(url, theirs).status_code == 302  # the other tab saves first
    response = client.post(url, mine)
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(world["tutor"].get_full_name()) in html
    assert list(Attendance.objects.get(session=session, proposal=team).attendees.all()) == [members[1]]
    assert f'value="{team.pk}:{members[0].pk}" id="present-{team.pk}-{members[0].pk}" checked' in html
    # Saved again from that page (merged): applied.
    merged = read_form(client, url, field="edit_revision")["edit_revision"]
    assert client.post(url, {**mine, "edit_revision": merged}).status_code == 302
    assert list(Attendance.objects.get(session=session, proposal=team).attendees.all()) == [members[0]]


def test_tutors_saved_over_a_newer_version_change_nothing(client, world, make_user):
    """Two staff tabs on the tutors page: the later save is not applied; the page says who saved
    when and keeps this person's ticks; saved again from that page, it is applied."""
    from html import escape

    from tests.forms_as_rendered import read_form

    client.force_login(world["staff"])
    team, lab = world["team"], world["lab"]
    first, second = make_user(roles=["tutor"]), make_user(roles=["tutor"])
    url = reverse("incubation:tutors", kwargs={"pk": lab.pk})
    loaded = read_form(client, url, field="edit_revision", index=0)["edit_revision"]
    theirs = {"team": team.pk, "edit_revision": loaded, f"t{team.pk}-tutors": [first.pk]}
    mine = {**theirs, f"t{team.pk}-tutors": [second.pk]}
    assert client.post(url, theirs).status_code == 302  # the other tab saves first
    response = client.post(url, mine)
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(world["staff"].get_full_name()) in html and 'role="alert"' in html
    assert [a.tutor for a in team.tutor_assignments.all()] == [first]
    assert f'name="t{team.pk}-tutors" value="{second.pk}"' in html and "checked" in html
    merged = read_form(client, url, field="edit_revision", index=0)["edit_revision"]
    assert merged != loaded
    assert client.post(url, {**mine, "edit_revision": merged}).status_code == 302
    assert [a.tutor for a in team.tutor_assignments.all()] == [second]
