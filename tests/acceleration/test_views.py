"""Request tests per view and role: what each person sees, what they are refused (403/404, files
included), forms that answer bad input next to the field, exports, flat query counts."""
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acceleration import services
from acceleration.models import CampRegistration, FundingOpportunity, HelpRequest, SupportSlot
from calls.models import ImpactTheme
from tests.acceleration.factories import (
    approved_expert,
    final_round_with_outcomes,
    funded_team,
    make_camp,
    opportunity,
    pitch_for,
    url,
)
from tests.grants.factories import PDF, make_grant, past_call
from tsf.core.files import private_file_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, staff_user):
    call = past_call()
    team_a = make_user("a@example.org", roles=["promoter"], full_name="Anna Alfa")
    team_b = make_user("b@example.org", roles=["promoter"], full_name="Bruno Beta")
    pa, pb = funded_team(call, member=team_a), funded_team(call, member=team_b)
    camp = make_camp(call, days_from_today=0)
    pitch_a, pitch_b = pitch_for(camp, pa), pitch_for(camp, pb)
    expert, reg = approved_expert(camp, make_user("expert@example.org", roles=["mentor"], full_name="Elena Esperta"))
    services.give_feedback(pitch_a, by=expert, clarity=4, impact=5, sustainability=3, team=4,
                           comment="Per Alfa: rafforzate il modello di ricavi.")
    services.give_feedback(pitch_b, by=expert, clarity=2, impact=3, sustainability=2, team=3,
                           comment="Per Beta: chiarite il target.")
    return {"call": call, "a": team_a, "b": team_b, "pa": pa, "pb": pb, "camp": camp, "pitch_a": pitch_a,
            "pitch_b": pitch_b, "expert": expert, "staff": staff_user}


def as_user(client, user):
    client.force_login(user)
    return client


# Camp -----------------------------------------------------------------------------------------------


def test_public_pages(client, world):
    assert client.get(url("index")).status_code == 200
    page = client.get(url("camp", pk=world["camp"].pk))
    assert page.status_code == 200 and "Toolbox Coworking" in page.content.decode()
    ics = client.get(url("camp_ics", pk=world["camp"].pk))
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT\r\n" in ics.content


def test_public_registration_form_with_errors_next_to_the_fields(client, staff_user):
    camp = make_camp(days_from_today=10)
    resp = client.post(url("camp_register", pk=camp.pk), {"full_name": "Luca Investitore", "email": "non-valida",
                                                           "kind": "investor"})
    assert resp.status_code == 200
    form = resp.context["form"]
    assert "email" in form.errors and "consent" in form.errors
    resp = client.post(url("camp_register", pk=camp.pk), {
        "full_name": "Luca Investitore", "email": "luca@example.org", "organisation": "Oltre Venture",
        "kind": "investor", "consent": "on"})
    assert resp.status_code == 302
    reg = CampRegistration.objects.get(email="luca@example.org")
    assert reg.status == "pending"
    resp = client.post(url("camp_register", pk=camp.pk), {
        "full_name": "Luca", "email": "LUCA@example.org", "kind": "investor", "consent": "on"})
    assert resp.status_code == 200 and "already registered" in str(resp.context["form"].errors["email"])


def test_invitation_link_prefills_the_form(client, staff_user):
    camp = make_camp(days_from_today=10)
    inv = services.invite_to_camp(camp, email="giulia@example.org", full_name="Giulia Mentore", kind="mentor",
                                  by=staff_user)
    resp = client.get(inv.get_absolute_url())
    assert resp.context["form"].initial["email"] == "giulia@example.org"
    from tsf.notifications.models import OutboxEmail

    mail = OutboxEmail.objects.get(to="giulia@example.org")
    assert inv.token in mail.body_text


def test_camp_staff_page_by_role(client, world, make_user):
    camp_url = url("camp_staff", pk=world["camp"].pk)
    assert client.get(camp_url).status_code == 302  # login
    assert as_user(client, world["a"]).get(camp_url).status_code == 403
    assert as_user(client, world["expert"]).get(camp_url).status_code == 403
    resp = as_user(client, world["staff"]).get(camp_url)
    assert resp.status_code == 200 and "Elena Esperta" in resp.content.decode()
    csv = client.get(camp_url + "?format=csv")
    assert b"expert@example.org" in b"".join(csv.streaming_content)
    reg = CampRegistration.objects.create(camp=world["camp"], full_name="Nuovo", email="n@example.org",
                                          kind="mentor", consent=True)
    client.post(url("registration_decide", pk=reg.pk), {"decision": "approve"})
    reg.refresh_from_db()
    assert reg.status == "approved"
    assert as_user(client, world["a"]).post(url("registration_decide", pk=reg.pk),
                                            {"decision": "reject"}).status_code == 403


def test_feedback_form_only_for_approved_experts(client, world, make_user):
    feedback_url = url("pitch_feedback", pk=world["pitch_a"].pk)
    mentor = make_user("m@example.org", roles=["mentor"])
    assert as_user(client, mentor).get(feedback_url).status_code == 403
    assert as_user(client, world["a"]).get(feedback_url).status_code == 403
    assert as_user(client, world["staff"]).get(feedback_url).status_code == 403
    client.force_login(world["expert"])
    assert client.get(feedback_url).status_code == 200
    resp = client.post(feedback_url, {"clarity": "9", "impact": "5", "sustainability": "3", "team": "4"})
    assert resp.status_code == 200 and "clarity" in resp.context["form"].errors
    resp = client.post(feedback_url, {"clarity": "5", "impact": "5", "sustainability": "4", "team": "4",
                                      "comment": "Molto meglio."})
    assert resp.status_code == 302
    assert world["pitch_a"].feedback.get(author=world["expert"]).comment == "Molto meglio."


def test_a_team_reads_only_its_own_feedback_staff_all(client, world):
    resp = as_user(client, world["a"]).get(url("pitch", pk=world["pitch_a"].pk))
    body = resp.content.decode()
    assert resp.status_code == 200 and "Per Alfa" in body and "Per Beta" not in body
    assert client.get(url("pitch", pk=world["pitch_b"].pk)).status_code == 404
    assert as_user(client, world["expert"]).get(url("pitch", pk=world["pitch_a"].pk)).status_code == 404
    client.force_login(world["staff"])
    assert "Per Beta" in client.get(url("pitch", pk=world["pitch_b"].pk)).content.decode()
    assert "Per Alfa" in client.get(url("pitch", pk=world["pitch_a"].pk)).content.decode()


# Help desk -------------------------------------------------------------------------------------------


def open_a(world, subject="Spese di personale"):
    return services.open_request(world["pa"], by=world["a"], topic="reporting", subject=subject,
                                 text="Come rendicontiamo le ore?",
                                 attachment=SimpleUploadedFile("timesheet.pdf", PDF, "application/pdf"))


def test_team_opens_a_request_and_sees_only_its_own(client, world):
    client.force_login(world["a"])
    resp = client.post(url("help_new"), {"proposal": world["pa"].pk, "topic": "fundraising", "subject": "Crowdfunding",
                                         "text": "Quale piattaforma?",
                                         "attachment": SimpleUploadedFile("nota.pdf", PDF, "application/pdf")})
    req = HelpRequest.objects.get(subject="Crowdfunding")
    assert resp.status_code == 302 and resp["Location"] == req.get_absolute_url()
    # a bad file is refused next to the field
    resp = client.post(url("help_new"), {"proposal": world["pa"].pk, "topic": "other", "subject": "X", "text": "Y",
                                         "attachment": SimpleUploadedFile("x.exe", b"MZ\x90\x00", "application/pdf")})
    assert resp.status_code == 200 and "attachment" in resp.context["form"].errors
    # B cannot open a request for A's project
    client.force_login(world["b"])
    resp = client.post(url("help_new"), {"proposal": world["pa"].pk, "topic": "other", "subject": "Z", "text": "Z"})
    assert resp.status_code == 200 and "proposal" in resp.context["form"].errors
    assert client.get(req.get_absolute_url()).status_code == 404
    assert "Crowdfunding" not in client.get(url("help_list")).content.decode()
    file_url = private_file_url(req.messages.get(), "attachment")
    assert client.get(file_url).status_code == 403
    client.force_login(world["a"])
    assert "Crowdfunding" in client.get(url("help_list")).content.decode()
    assert client.get(file_url).status_code == 200
    client.force_login(world["staff"])
    assert client.get(file_url).status_code == 200
    client.logout()
    assert client.get(file_url).status_code == 302


def test_staff_answer_take_resolve_and_list(client, world):
    req = open_a(world)
    client.force_login(world["staff"])
    resp = client.post(req.get_absolute_url(), {"text": "Serve il foglio presenze firmato."})
    assert resp.status_code == 302
    req.refresh_from_db()
    assert req.status == "waiting" and req.assignee == world["staff"]
    listing = client.get(url("help_staff") + "?status=waiting&q=personale")
    assert listing.status_code == 200 and "Spese di personale" in listing.content.decode()
    assert "Spese di personale" not in client.get(url("help_staff") + "?status=resolved").content.decode()
    csv = b"".join(client.get(url("help_staff") + "?format=csv").streaming_content)
    assert b"Spese di personale" in csv
    xlsx = client.get(url("help_staff") + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    client.post(url("help_action", pk=req.pk), {"action": "resolve"})
    req.refresh_from_db()
    assert req.status == "resolved"
    # the team cannot reach the staff list; nobody else can act on the request
    assert as_user(client, world["a"]).get(url("help_staff")).status_code == 403
    assert as_user(client, world["b"]).post(url("help_action", pk=req.pk), {"action": "take"}).status_code == 404
    assert as_user(client, world["expert"]).post(req.get_absolute_url(), {"text": "x"}).status_code == 404


def test_help_from_a_grant_report_is_linked_to_it(client, world, make_user):
    team = make_user("g@example.org", roles=["promoter"])
    grant = make_grant(world["call"], by=world["staff"], member=team, signed=True)
    report = grant.reports.order_by("number").first()
    client.force_login(team)
    page = client.get(url("help_new") + f"?report={report.pk}")
    assert page.status_code == 200 and page.context["form"].initial["topic"] == "reporting"
    resp = client.post(url("help_new") + f"?report={report.pk}", {
        "proposal": grant.proposal_id, "topic": "reporting", "subject": "Relazione intermedia", "text": "Aiuto"})
    assert resp.status_code == 302
    assert HelpRequest.objects.get(subject="Relazione intermedia").report == report
    assert as_user(client, world["a"]).get(url("help_new") + f"?report={report.pk}").status_code == 403


def test_help_desk_closed_to_people_outside_the_programme(client, make_user):
    assert as_user(client, make_user("x@example.org", roles=["promoter"])).get(url("help_new")).status_code == 403


# Support slots ----------------------------------------------------------------------------------------


def test_staff_offer_slots_and_a_funded_team_books(client, world):
    client.force_login(world["staff"])
    when = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT10:00")
    past = (timezone.localtime() - timedelta(days=5)).strftime("%Y-%m-%dT10:00")
    resp = client.post(url("slots"), {"starts_at": past, "minutes": 45, "place": "Via Corte d'Appello 16"})
    assert resp.status_code == 200 and "starts_at" in resp.context["form"].errors
    assert client.post(url("slots"), {"starts_at": when, "minutes": 45, "place": "Via Corte d'Appello 16"}
                       ).status_code == 302
    slot = SupportSlot.objects.get()
    client.force_login(world["a"])
    assert "Via Corte" in client.get(url("slots")).content.decode()
    assert client.post(url("slot_book", pk=slot.pk), {"proposal": world["pa"].pk, "note": "Spese"}).status_code == 302
    slot.refresh_from_db()
    assert slot.proposal == world["pa"]
    client.force_login(world["b"])
    client.post(url("slot_book", pk=slot.pk), {"proposal": world["pb"].pk})
    slot.refresh_from_db()
    assert slot.proposal == world["pa"]
    # B cannot book in A's name
    slot2 = services.offer_slot(by=world["staff"], starts_at=timezone.now() + timedelta(days=6), minutes=30, place="x")
    client.post(url("slot_book", pk=slot2.pk), {"proposal": world["pa"].pk})
    slot2.refresh_from_db()
    assert slot2.proposal is None
    assert as_user(client, world["expert"]).get(url("slots")).status_code == 403


# Improvement page -------------------------------------------------------------------------------------


def test_improvement_page_for_the_team_not_funded(client, world, make_user):
    nf_user = make_user("nf@example.org", roles=["promoter"])
    _rnd, funded, (nf,) = final_round_with_outcomes(world["call"], funded=2, not_funded=1, member=nf_user)
    page_url = url("improvement", pk=nf.pk)
    resp = as_user(client, nf_user).get(page_url)
    body = resp.content.decode()
    assert resp.status_code == 200 and "Piano economico debole" in body and "Ricavi non dimostrati" in body
    resp = client.post(page_url, {"action": "Incontrare due fondazioni", "owner": "Giulia", "status": "todo",
                                  "due_on": "2030-01-31"})
    assert resp.status_code == 302
    action = nf.improvement_actions.get()
    resp = client.post(url("improvement_action", pk=nf.pk, action_pk=action.pk),
                       {"action": "Incontrare due fondazioni", "owner": "Giulia", "status": "done",
                        "due_on": "non una data"})
    assert resp.status_code == 200 and "due_on" in resp.context["form"].errors
    assert as_user(client, world["a"]).get(page_url).status_code == 404
    assert client.get(url("improvement", pk=world["pa"].pk)).status_code == 404  # funded: no improvement page
    assert client.post(url("improvement_action", pk=nf.pk, action_pk=action.pk), {"delete": "1"}).status_code == 404
    resp = as_user(client, world["staff"]).get(page_url)
    assert resp.status_code == 200 and resp.context["may_edit"] is False
    assert client.post(page_url, {"action": "x"}).status_code == 403


# Funding opportunities -------------------------------------------------------------------------------


def test_opportunity_catalogue_public_and_staff(client, world):
    theme = ImpactTheme.objects.order_by("order").first()
    pub = opportunity(themes=[theme], title="Bando Welfare di comunità")
    draft = opportunity(title="Bozza", published=False)
    resp = client.get(url("opportunities"))
    assert "Bando Welfare di comunità" in resp.content.decode() and "Bozza" not in resp.content.decode()
    assert client.get(url("opportunity", pk=draft.pk)).status_code == 404
    assert client.get(url("opportunity", pk=pub.pk)).status_code == 200
    other_theme = ImpactTheme.objects.exclude(pk=theme.pk).first()
    assert "Bando Welfare" not in client.get(url("opportunities") + f"?theme={other_theme.pk}").content.decode()
    assert "Bando Welfare" in client.get(url("opportunities") + f"?theme={theme.pk}&q=welfare").content.decode()
    assert client.get(url("opportunities") + "?theme=abc").status_code == 200
    assert client.get(url("opportunities_staff")).status_code == 302
    assert as_user(client, world["a"]).get(url("opportunities_staff")).status_code == 403
    client.force_login(world["staff"])
    resp = client.post(url("opportunity_new"), {
        "funder": "Compagnia di San Paolo", "title_it": "Bando Ricerca", "kind": "foundation", "description_it": "x",
        "deadline": "2031-03-31", "amount_min": "50000", "amount_max": "10000", "url": "https://www.compagniadisanpaolo.it/"})
    assert resp.status_code == 200 and "amount_max" in resp.context["form"].errors
    resp = client.post(url("opportunity_new"), {
        "funder": "Compagnia di San Paolo", "title_it": "Bando Ricerca", "kind": "foundation", "description_it": "x",
        "deadline": "2031-03-31", "amount_min": "10000", "amount_max": "50000.50",
        "url": "https://www.compagniadisanpaolo.it/", "legal_forms": ["aps"]})
    assert resp.status_code == 302
    opp = FundingOpportunity.objects.get(title_it="Bando Ricerca")
    assert not opp.is_published and opp.legal_forms == ["aps"] and str(opp.amount_max) == "50000.50"
    client.post(url("opportunity_publish", pk=opp.pk))
    opp.refresh_from_db()
    assert opp.is_published
    csv = b"".join(client.get(url("opportunities_staff") + "?format=csv").streaming_content)
    assert b"Bando Ricerca" in csv


def test_team_sees_its_matching_opportunities(client, world):
    theme = world["pa"].current_version.themes.first()
    opportunity(themes=[theme], title="Per il tema di Alfa")
    other = ImpactTheme.objects.exclude(pk=theme.pk).first()
    opportunity(themes=[other], title="Per altri temi")
    resp = as_user(client, world["a"]).get(url("opportunities"))
    matches = resp.context["matches"]
    assert [o.title for o in matches[0][1]] == ["Per il tema di Alfa"]


# My area -------------------------------------------------------------------------------------------


def test_my_area_panels(client, world, make_user):
    nf_user = make_user("nf@example.org", roles=["promoter"])
    _rnd, _f, (nf,) = final_round_with_outcomes(world["call"], funded=1, not_funded=1, member=nf_user)
    my_area = reverse("accounts:my_area")
    body = as_user(client, world["a"]).get(my_area).content.decode()
    assert url("pitch", pk=world["pitch_a"].pk) in body and url("slots") in body
    body = as_user(client, nf_user).get(my_area).content.decode()
    assert url("improvement", pk=nf.pk) in body
    CampRegistration.objects.create(camp=world["camp"], full_name="P", email="p@example.org", kind="expert",
                                    consent=True)
    open_a(world)
    body = as_user(client, world["staff"]).get(my_area).content.decode()
    assert url("help_staff") in body and url("camp_staff", pk=world["camp"].pk) in body
    world["pitch_a"].feedback.all().delete()
    body = as_user(client, world["expert"]).get(my_area).content.decode()
    assert url("pitch_feedback", pk=world["pitch_a"].pk) in body


def test_my_area_reads_the_teams_pitches_as_the_orm_does(rf, world):
    """The panel's statement gives the pitches (with their camps) the ORM gave, latest camp first,
    of the person's funded teams only."""
    from acceleration.models import Pitch
    from acceleration.panels import team_acceleration

    earlier = make_camp(world["call"], days_from_today=-20)
    pitch_for(earlier, world["pa"])
    request = rf.get("/")
    request.user = world["a"]
    panel = team_acceleration(request)

    def seen(pitches):
        return [(p.pk, p.order, p.proposal_id, p.get_deferred_fields(), p.camp.pk, p.camp.title, p.camp.date,
                 p.camp.get_absolute_url(), p.camp.get_deferred_fields()) for p in pitches]

    expected = seen(Pitch.objects.filter(proposal_id__in=[world["pa"].pk]).select_related("camp")
                    .order_by("-camp__date"))
    assert seen(panel["pitches"]) == expected and len(expected) == 2
    assert expected[0][4] == world["camp"].pk and world["pitch_b"].pk not in [row[0] for row in expected]


def test_my_area_shows_the_team_not_funded_the_opportunities_of_its_themes(client, world, make_user):
    nf_user = make_user("nf@example.org", roles=["promoter"])
    _rnd, _f, (nf,) = final_round_with_outcomes(world["call"], funded=1, not_funded=1, member=nf_user)
    theme = ImpactTheme.objects.order_by("order").first()
    nf.current_version.themes.set([theme])
    opportunity(themes=[theme], title="Per il tema della squadra")
    opportunity(themes=[ImpactTheme.objects.exclude(pk=theme.pk).first()], title="Per altri temi")
    with CaptureQueriesContext(connection) as ctx:
        body = as_user(client, nf_user).get(reverse("accounts:my_area")).content.decode()
    assert "Per il tema della squadra" in body and "Per altri temi" not in body
    # the team's themes are read once, for the teams not funded only
    assert len([q for q in ctx.captured_queries if '"projects_proposalversion_themes"' in q["sql"]]) == 1


# Query counts ------------------------------------------------------------------------------------------


def count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(path)
    assert resp.status_code == 200
    return len(ctx.captured_queries)


def test_help_desk_lists_query_count_is_flat(client, world):
    for i in range(3):
        open_a(world, subject=f"Richiesta {i}")
    client.force_login(world["staff"])
    few_staff = count_queries(client, url("help_staff"))
    client.force_login(world["a"])
    few_team = count_queries(client, url("help_list"))
    for i in range(3, 30):
        req = open_a(world, subject=f"Richiesta {i}")
        services.post_message(req, by=world["staff"], text="Risposta")
    client.force_login(world["staff"])
    assert count_queries(client, url("help_staff")) == few_staff
    client.force_login(world["a"])
    assert count_queries(client, url("help_list")) == few_team


def test_opportunity_list_query_count_is_flat(client, world):
    themes = list(ImpactTheme.objects.all()[:2])
    for i in range(3):
        opportunity(themes=themes, districts=[6], title=f"Opportunità {i}")
    few = count_queries(client, url("opportunities"))
    client.force_login(world["staff"])
    few_staff = count_queries(client, url("opportunities_staff"))
    for i in range(3, 40):
        opportunity(themes=themes, districts=[3, 6], legal_forms=["aps"], title=f"Opportunità {i}")
    assert count_queries(client, url("opportunities_staff")) == few_staff
    client.logout()
    assert count_queries(client, url("opportunities")) == few


def test_a_tutor_follows_only_the_requests_of_their_teams(client, world, make_user):
    from incubation.models import Lab, TutorAssignment

    tutor = make_user("tutor@example.org", roles=["tutor"])
    lab = Lab.objects.create(call=world["call"], name="Incubation Lab", starts_on=timezone.localdate(),
                             ends_on=timezone.localdate())
    TutorAssignment.objects.create(lab=lab, proposal=world["pa"], tutor=tutor)
    req_a = open_a(world, subject="Richiesta di Alfa")
    req_b = services.open_request(world["pb"], by=world["b"], topic="other", subject="Richiesta di Beta", text="?")
    client.force_login(tutor)
    body = client.get(url("help_staff")).content.decode()
    assert "Richiesta di Alfa" in body and "Richiesta di Beta" not in body
    assert client.get(req_a.get_absolute_url()).status_code == 200
    assert client.get(req_b.get_absolute_url()).status_code == 404
    assert client.get(private_file_url(req_a.messages.get(), "attachment")).status_code == 200
    client.post(url("help_action", pk=req_a.pk), {"action": "take"})
    req_a.refresh_from_db()
    assert req_a.assignee == tutor


def test_staff_add_a_pitch_for_each_funded_team(client, world):
    third = funded_team(world["call"])
    client.force_login(world["a"])
    assert client.post(url("camp_pitches", pk=world["camp"].pk)).status_code == 403
    client.force_login(world["staff"])
    client.post(url("camp_pitches", pk=world["camp"].pk))
    client.post(url("camp_pitches", pk=world["camp"].pk))  # twice: nothing more
    pitches = list(world["camp"].pitches.order_by("order").values_list("proposal_id", "order"))
    assert pitches == [(world["pa"].pk, 1), (world["pb"].pk, 2), (third.pk, 3)]


def test_the_approved_expert_sets_a_password_from_the_link_and_logs_in(client, staff_user):
    import re

    from tsf.accounts.models import User
    from tsf.notifications.models import OutboxEmail

    camp = make_camp(days_from_today=10)
    reg = services.register_for_camp(camp, full_name="Nuova Esperta", email="nuova@example.org", organisation="",
                                     kind="expert", consent=True)
    services.approve_registration(reg, by=staff_user)
    body = OutboxEmail.objects.get(to="nuova@example.org", event="camp_registration_approved").body_text
    link = re.search(r"https?://[^\s]+/password/reset/key/[^\s]+", body).group(0)
    path = "/" + link.split("/", 3)[3]
    resp = client.get(path, follow=True)
    assert resp.status_code == 200
    form_url = resp.redirect_chain[-1][0] if resp.redirect_chain else path
    resp = client.post(form_url, {"password1": "Nuova-Password-2018", "password2": "Nuova-Password-2018"})
    assert resp.status_code == 302
    assert User.objects.get(email="nuova@example.org").check_password("Nuova-Password-2018")


def test_a_rolled_back_request_notifies_nobody(world):
    from django.db import transaction

    from tsf.notifications.models import Notification, OutboxEmail

    before = (Notification.objects.count(), OutboxEmail.objects.count())
    with pytest.raises(RuntimeError), transaction.atomic():
        open_a(world, subject="Annullata")
        raise RuntimeError
    assert (Notification.objects.count(), OutboxEmail.objects.count()) == before
    assert not HelpRequest.objects.filter(subject="Annullata").exists()


def test_own_feedback_saved_over_a_newer_version_changes_nothing(client, world):
    from django.test import Client

    from tests.conflicts import assert_conflict_keeps_text

    expert, pitch = world["expert"], world["pitch_a"]
    client.force_login(expert)
    other = Client()
    other.force_login(expert)
    assert_conflict_keeps_text(
        mine=client, theirs=other, url=url("pitch_feedback", pk=pitch.pk), field="comment",
        state=lambda: pitch.feedback.values("clarity", "impact", "comment").get(author=expert),
        who="Elena Esperta", their_value="Ottimo ritmo (altra scheda).", my_value="Chiarite i costi.")
    assert pitch.feedback.get(author=expert).comment == "Chiarite i costi."


def test_my_area_counts_the_open_help_requests_and_names_the_next_support_meeting(client, world):
    """Both read in one query: the same number of queries with none of either and with several."""
    from django.utils import dateformat, translation

    from acceleration.models import HelpStatus

    page = "/en/my-area/"
    client.force_login(world["a"])
    few = count_queries(client, page)
    body = client.get(page).content.decode()
    assert "No support meeting booked." in body and "request open" not in body and "requests open" not in body

    open_a(world, "Uno")
    open_a(world, "Due")
    HelpRequest.objects.filter(pk=open_a(world, "Risolta").pk).update(status=HelpStatus.RESOLVED)
    HelpRequest.objects.filter(pk=open_a(world, "In attesa").pk).update(status=HelpStatus.WAITING)
    open_request_of_b = services.open_request(world["pb"], by=world["b"], topic="reporting", subject="Di Beta",
                                              text="?")
    now = timezone.now().replace(second=0, microsecond=0)
    soon, later = now + timedelta(days=2, hours=1), now + timedelta(days=9)
    for when, team in ((later, world["pa"]), (now - timedelta(days=1), world["pa"]), (soon, world["pa"]),
                       (now + timedelta(days=1), world["pb"]), (now + timedelta(hours=5), None)):
        SupportSlot.objects.create(starts_at=when, place="Sala 1", offered_by=world["staff"], proposal=team)
    assert count_queries(client, page) == few
    body = client.get(page).content.decode()
    assert "3 requests open" in body and open_request_of_b.subject not in body
    with translation.override("en"):
        expected = dateformat.format(timezone.localtime(soon), "j F Y, H:i")
    assert f"Next support meeting: {expected}" in body
