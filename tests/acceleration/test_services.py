"""Services and selectors of the acceleration stage: camp registration and approval, feedback only
from approved experts, help-desk notifications once each way, matching of funding opportunities,
improvement data computed by the database, the .ics file and the reminders."""
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from acceleration import selectors, services
from acceleration.models import CampRegistration, HelpStatus, RegistrationStatus
from assessment.models import DecisionItem, Score
from calls.models import ImpactTheme, LegalForm
from projects.models import ProposalStatus
from tests.acceleration.factories import (
    approved_expert,
    final_round_with_outcomes,
    funded_team,
    make_camp,
    member_of,
    opportunity,
    pitch_for,
    set_profile,
)
from tests.grants.factories import PDF, past_call
from tsf.accounts.models import User
from tsf.notifications import deadlines
from tsf.notifications.models import DeadlineReminder, Notification, OutboxEmail

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def register(camp, email="esperta@example.org", name="Elena Esperta", kind="expert"):
    return services.register_for_camp(camp, full_name=name, email=email, organisation="Fondazione Esempio",
                                      kind=kind, consent=True)


# Camp ----------------------------------------------------------------------------------------------


def test_registration_waits_for_approval_and_approval_creates_a_mentor_with_a_password_link(staff_user):
    camp = make_camp(days_from_today=10)
    reg = register(camp, email="Elena.Esperta@Example.org")
    assert reg.status == RegistrationStatus.PENDING and reg.email == "elena.esperta@example.org"
    assert Notification.objects.filter(recipient=staff_user, event="camp_registration_new").count() == 1
    with pytest.raises(services.AccelerationError, match="already registered"):
        register(camp, email="elena.esperta@example.org")

    services.approve_registration(reg, by=staff_user)
    reg.refresh_from_db()
    user = User.objects.get(email="elena.esperta@example.org")
    assert reg.status == RegistrationStatus.APPROVED and reg.user == user
    assert user.has_role("mentor") and not user.has_usable_password()
    mail = OutboxEmail.objects.get(recipient=user, event="camp_registration_approved")
    assert "/password/reset/key/" in mail.body_text
    # approving twice changes nothing and sends nothing more
    services.approve_registration(reg, by=staff_user)
    assert OutboxEmail.objects.filter(recipient=user, event="camp_registration_approved").count() == 1


def test_approval_of_an_existing_user_sends_no_password_link(staff_user, make_user):
    camp = make_camp(days_from_today=10)
    someone = make_user("mario@example.org", roles=["promoter"])
    reg = register(camp, email="mario@example.org")
    services.approve_registration(reg, by=staff_user)
    mail = OutboxEmail.objects.get(recipient=someone, event="camp_registration_approved")
    assert "/password/reset/key/" not in mail.body_text
    assert User.objects.get(pk=someone.pk).has_role("mentor")


def test_capacity_is_enforced(staff_user):
    camp = make_camp(days_from_today=10, capacity=2)
    regs = [register(camp, email=f"e{i}@example.org") for i in range(3)]
    services.approve_registration(regs[0], by=staff_user)
    services.approve_registration(regs[1], by=staff_user)
    with pytest.raises(services.AccelerationError, match="full"):
        services.approve_registration(regs[2], by=staff_user)
    assert CampRegistration.objects.filter(camp=camp, status="approved").count() == 2


def test_registration_closed_once_the_camp_started():
    camp = make_camp(days_from_today=-1)
    with pytest.raises(services.AccelerationError, match="closed"):
        register(camp)


def test_only_approved_experts_can_leave_feedback(staff_user, make_user):
    call = past_call()
    camp = make_camp(call, days_from_today=0)
    team = make_user("team@example.org", roles=["promoter"])
    pitch = pitch_for(camp, funded_team(call, member=team))
    stranger = make_user("stranger@example.org", roles=["mentor"])  # mentor role but not registered
    pending_user = make_user("pending@example.org", roles=["mentor"])
    CampRegistration.objects.create(camp=camp, full_name="P", email=pending_user.email, kind="expert", consent=True,
                                    user=pending_user)
    rejected_user = make_user("rejected@example.org", roles=["mentor"])
    CampRegistration.objects.create(camp=camp, full_name="R", email=rejected_user.email, kind="expert",
                                    consent=True, user=rejected_user, status=RegistrationStatus.REJECTED)
    scores = {"clarity": 4, "impact": 5, "sustainability": 3, "team": 4, "comment": "Ottimo."}
    for user in (stranger, pending_user, rejected_user, team):
        assert not user.has_perm("acceleration.give_feedback", pitch)
        with pytest.raises(services.AccelerationError):
            services.give_feedback(pitch, by=user, **scores)
    expert, _reg = approved_expert(camp)
    assert expert.has_perm("acceleration.give_feedback", pitch)
    fb = services.give_feedback(pitch, by=expert, **scores)
    assert fb.pk and Notification.objects.filter(recipient=team, event="pitch_feedback_new").count() == 1
    # an approved expert of ANOTHER camp cannot
    other_camp = make_camp(call, days_from_today=0, title="Altro camp")
    other, _ = approved_expert(other_camp)
    with pytest.raises(services.AccelerationError):
        services.give_feedback(pitch, by=other, **scores)


def test_feedback_waits_for_the_camp_to_start():
    call = past_call()
    camp = make_camp(call, days_from_today=5)
    pitch = pitch_for(camp, funded_team(call))
    expert, _ = approved_expert(camp)
    assert not expert.has_perm("acceleration.give_feedback", pitch)


def test_camp_reminder_the_day_before_once_to_experts_and_teams(make_user):
    call = past_call()
    camp = make_camp(call, days_from_today=0, starts_at=time(9, 30), ends_at=time(18, 0))
    camp.date = datetime(2030, 10, 26).date()
    camp.save()
    team = make_user("team@example.org", roles=["promoter"])
    pitch_for(camp, funded_team(call, member=team))
    expert, _ = approved_expert(camp)
    pending = make_user("pending@example.org", roles=["mentor"])
    CampRegistration.objects.create(camp=camp, full_name="P", email=pending.email, kind="expert", consent=True,
                                    user=pending)
    with freeze_time(datetime(2030, 10, 24, 9, tzinfo=ROME)):
        deadlines.run()
    assert not Notification.objects.filter(event="camp_reminder").exists()
    with freeze_time(datetime(2030, 10, 25, 9, tzinfo=ROME)):
        deadlines.run()
        deadlines.run()
    with freeze_time(datetime(2030, 10, 26, 8, tzinfo=ROME)):
        deadlines.run()
    got = set(Notification.objects.filter(event="camp_reminder").values_list("recipient__email", flat=True))
    assert got == {team.email, expert.email}
    assert Notification.objects.filter(event="camp_reminder").count() == 2


# Help desk ----------------------------------------------------------------------------------------


@pytest.fixture
def desk(make_user, staff_user):
    call = past_call()
    team = make_user("team@example.org", roles=["promoter"], full_name="Teresa Team")
    mate = make_user("mate@example.org", roles=["promoter"], full_name="Marco Mate")
    proposal = funded_team(call, member=team)
    member_of(proposal, mate)
    other_staff = make_user("staff2@example.org", roles=["staff"])
    return {"call": call, "team": team, "mate": mate, "proposal": proposal, "staff": staff_user,
            "staff2": other_staff}


def events(event):
    return sorted(Notification.objects.filter(event=event).values_list("recipient__email", flat=True))


def test_help_desk_notifies_each_way_exactly_once(desk):
    team, staff = desk["team"], desk["staff"]
    req = services.open_request(desk["proposal"], by=team, topic="reporting", subject="Spese ammissibili?",
                                text="Possiamo rendicontare il catering?",
                                attachment=SimpleUploadedFile("preventivo.pdf", PDF, "application/pdf"))
    all_staff = sorted(User.objects.with_role("staff").values_list("email", flat=True))
    assert {"officer@example.org", "staff2@example.org"} <= set(all_staff)
    assert events("helpdesk_request_new") == all_staff  # every staff member, once each, nobody else
    assert req.messages.get().attachment.name.endswith(".pdf")

    services.post_message(req, by=staff, text="Sì, se previsto nel budget.")
    req.refresh_from_db()
    assert req.status == HelpStatus.WAITING and req.assignee == staff
    assert events("helpdesk_answer") == ["mate@example.org", "team@example.org"]
    assert OutboxEmail.objects.filter(event="helpdesk_answer").count() == 2

    services.post_message(req, by=team, text="Grazie, e le fatture?")
    req.refresh_from_db()
    assert req.status == HelpStatus.OPEN
    # the team's reply reaches only the person who took it, once
    assert events("helpdesk_team_message") == ["officer@example.org"]
    assert events("helpdesk_request_new") == all_staff
    assert events("helpdesk_answer") == ["mate@example.org", "team@example.org"]

    services.resolve_request(req, by=staff)
    req.refresh_from_db()
    assert req.status == HelpStatus.RESOLVED and req.resolved_at


def test_tutor_of_the_team_answers_and_hears(desk, make_user):
    from incubation.models import Lab, TutorAssignment

    tutor = make_user("tutor@example.org", roles=["tutor"])
    other_tutor = make_user("tutor2@example.org", roles=["tutor"])
    lab = Lab.objects.create(call=desk["call"], name="Lab", starts_on=datetime(2018, 3, 1).date(),
                             ends_on=datetime(2018, 5, 31).date())
    TutorAssignment.objects.create(lab=lab, proposal=desk["proposal"], tutor=tutor)
    req = services.open_request(desk["proposal"], by=desk["team"], topic="communication", subject="Social",
                                text="Come raccontare il progetto?")
    assert "tutor@example.org" in events("helpdesk_request_new")
    assert "tutor2@example.org" not in events("helpdesk_request_new")
    with pytest.raises(services.AccelerationError):
        services.post_message(req, by=other_tutor, text="Ciao")
    services.post_message(req, by=tutor, text="Ne parliamo giovedì.")
    assert events("helpdesk_answer") == ["mate@example.org", "team@example.org"]


def test_only_programme_teams_open_requests(make_user):
    call = past_call()
    from tests.assessment.factories import make_proposal

    user = make_user("draft@example.org", roles=["promoter"])
    p = make_proposal(call, status=ProposalStatus.SUBMITTED, member=user)
    with pytest.raises(services.AccelerationError):
        services.open_request(p, by=user, topic="other", subject="x", text="y")


def test_help_stats_compute_response_times_in_the_database(desk):
    req = services.open_request(desk["proposal"], by=desk["team"], topic="other", subject="A", text="?")
    req.created_at = req.created_at - timedelta(hours=5)
    req.save()
    services.post_message(req, by=desk["staff"], text="!")
    services.post_message(req, by=desk["team"], text="?")
    services.post_message(req, by=desk["staff"], text="!!")
    row = selectors.help_requests().get(pk=req.pk)
    assert timedelta(hours=4, minutes=59) < row.response_time < timedelta(hours=5, minutes=1)
    assert row.n_messages == 4
    stats = selectors.help_stats()
    assert stats["waiting"] == 1 and stats["unanswered"] == 0


# Support slots ------------------------------------------------------------------------------------


def test_slot_booking_one_team_at_a_time(desk, make_user):
    from django.utils import timezone

    slot = services.offer_slot(by=desk["staff"], starts_at=timezone.now() + timedelta(days=3), minutes=45,
                               place="Via Corte d'Appello 16")
    services.book_slot(slot, desk["proposal"], by=desk["team"])
    other_team = make_user("other@example.org", roles=["promoter"])
    other = funded_team(desk["call"], member=other_team)
    with pytest.raises(services.AccelerationError, match="just been booked"):
        services.book_slot(slot, other, by=other_team)
    assert Notification.objects.filter(event="support_slot_booked", recipient=desk["staff"]).count() == 1
    with pytest.raises(services.AccelerationError):
        services.cancel_booking(slot, by=other_team)
    services.cancel_booking(slot, by=desk["team"])
    services.book_slot(slot, other, by=other_team)
    slot.refresh_from_db()
    assert slot.proposal == other


def test_not_funded_team_cannot_book(make_user, staff_user):
    from django.utils import timezone

    call = past_call()
    user = make_user("nf@example.org", roles=["promoter"])
    _rnd, _f, (nf,) = final_round_with_outcomes(call, funded=1, not_funded=1, member=user)
    slot = services.offer_slot(by=staff_user, starts_at=timezone.now() + timedelta(days=3), minutes=45, place="x")
    with pytest.raises(services.AccelerationError):
        services.book_slot(slot, nf, by=user)


# Improvement --------------------------------------------------------------------------------------


def test_improvement_data_compares_with_the_funded_average(make_user):
    call = past_call()
    user = make_user("nf@example.org", roles=["promoter"])
    _rnd, funded, (nf, other) = final_round_with_outcomes(call, funded=2, not_funded=2, member=user)
    data = selectors.improvement_data(nf)
    rows = {r["criterion__name"]: r for r in data["criteria"]}
    assert rows["Impatto sociale"]["team"] == Decimal("5") and rows["Impatto sociale"]["passed"] == Decimal("9")
    assert rows["Team"]["passed"] == Decimal("8.5")  # (8 + 9) / 2: the not-funded scores do not count
    assert rows["Sostenibilità"]["comments"] == ["Ricavi non dimostrati."]
    assert data["reviews"][0]["weaknesses"].startswith("Piano economico debole")
    assert data["passed_avg"] == Decimal("50")


def test_improvement_means_are_rounded_to_the_cent_alike_on_every_database(make_user):
    """7.25 and 7.26 average 7.255, shown as 7.26 (half up), on SQLite as on PostgreSQL."""
    call = past_call()
    user = make_user("nf@example.org", roles=["promoter"])
    rnd, funded, (nf,) = final_round_with_outcomes(call, funded=2, not_funded=1, member=user)
    Score.objects.filter(assignment__proposal=funded[0], criterion__name="Impatto sociale").update(value=Decimal("7.25"))
    Score.objects.filter(assignment__proposal=funded[1], criterion__name="Impatto sociale").update(value=Decimal("7.26"))
    DecisionItem.objects.filter(proposal=funded[1]).update(combined_score=Decimal("50.01"))
    data = selectors.improvement_data(nf)
    row = next(r for r in data["criteria"] if r["criterion__name"] == "Impatto sociale")
    assert (row["passed"], row["team"], row["gap"]) == (Decimal("7.26"), Decimal("5.00"), Decimal("2.26"))
    assert data["passed_avg"] == Decimal("50.01")  # 50.005, half up


def test_improvement_plan_only_by_its_team(make_user):
    call = past_call()
    user = make_user("nf@example.org", roles=["promoter"])
    stranger = make_user("x@example.org", roles=["promoter"])
    _rnd, (funded,), (nf,) = final_round_with_outcomes(call, funded=1, not_funded=1, member=user)
    action = services.save_action(nf, by=user, action="Trovare due partner profit", owner="Giulia", status="todo",
                                  due_on=None)
    with pytest.raises(services.AccelerationError):
        services.save_action(nf, by=stranger, action="x")
    with pytest.raises(services.AccelerationError):
        services.save_action(funded, by=user, action="x")
    services.save_action(nf, by=user, instance=action, status="done")
    action.refresh_from_db()
    assert action.status == "done"


# Funding opportunities ----------------------------------------------------------------------------


@pytest.fixture
def teams(make_user):
    """Five teams with different profiles (theme, district, legal form)."""
    call = past_call()
    t = list(ImpactTheme.objects.order_by("order", "pk")[:3])
    spec = {
        "a": (6, [t[0]], LegalForm.APS),
        "b": (6, [t[1]], LegalForm.APS),
        "c": (3, [t[0], t[2]], LegalForm.APS),
        "d": (6, [t[0]], LegalForm.COOP_B),
        "e": (6, [t[0]], LegalForm.APS),
    }
    out = {}
    for key, (district, themes, form) in spec.items():
        user = make_user(f"{key}@example.org", roles=["promoter"])
        p = funded_team(call, member=user)
        set_profile(p, district=district, themes=themes, legal_form=form)
        out[key] = (p, user)
    # "e" is not in the programme (a draft): never matched
    out["e"][0].status = ProposalStatus.DRAFT
    out["e"][0].save()
    return out, t


def test_matching_reaches_exactly_the_teams_whose_theme_district_and_legal_form_fit(teams, staff_user):
    teams, t = teams
    opp = opportunity(themes=[t[0]], districts=[6], legal_forms=[LegalForm.APS], published=False)
    assert {p.pk for p in selectors.matching_teams(opp)} == {teams["a"][0].pk}
    told = services.publish_opportunity(opp, by=staff_user)
    assert [p.pk for p in told] == [teams["a"][0].pk]
    got = set(Notification.objects.filter(event="opportunity_published").values_list("recipient__email", flat=True))
    assert got == {"a@example.org"}
    # publishing again (after unpublishing) does not notify twice
    services.unpublish_opportunity(opp, by=staff_user)
    services.publish_opportunity(opp, by=staff_user)
    assert Notification.objects.filter(event="opportunity_published").count() == 1


def test_empty_eligibility_means_any(teams, staff_user):
    teams, t = teams
    any_opp = opportunity(published=False)
    services.publish_opportunity(any_opp, by=staff_user)
    got = set(Notification.objects.filter(event="opportunity_published").values_list("recipient__email", flat=True))
    assert got == {"a@example.org", "b@example.org", "c@example.org", "d@example.org"}
    themes_only = opportunity(themes=[t[2], t[1]], title="Solo temi")
    assert {p.pk for p in selectors.matching_teams(themes_only)} == {teams["b"][0].pk, teams["c"][0].pk}
    coop = opportunity(legal_forms=[LegalForm.COOP_A, LegalForm.COOP_B], title="Cooperative")
    assert {p.pk for p in selectors.matching_teams(coop)} == {teams["d"][0].pk}


def test_opportunities_for_a_team_use_the_same_rule_in_the_database(teams):
    teams, t = teams
    opps = [
        opportunity(title="1"),
        opportunity(themes=[t[0]], districts=[6], legal_forms=[LegalForm.APS], title="2"),
        opportunity(themes=[t[1]], title="3"),
        opportunity(districts=[3], title="4"),
        opportunity(legal_forms=[LegalForm.COOP_B], title="5"),
        opportunity(themes=[t[0], t[2]], districts=[3, 6], title="6"),
        opportunity(title="closed", deadline=datetime(2020, 1, 1).date()),
        opportunity(title="draft", published=False),
    ]
    for key in "abcd":
        proposal = teams[key][0]
        expected = {o.title for o in opps if o.is_published and o.title != "closed"
                    and selectors.fits(o, *selectors.profile(proposal))}
        assert {o.title for o in selectors.opportunities_for(proposal)} == expected, key
    assert {o.title for o in selectors.opportunities_for(teams["a"][0])} == {"1", "2", "6"}
    assert {o.title for o in selectors.opportunities_for(teams["c"][0])} == {"1", "4", "6"}


def test_opportunity_reminders_at_14_and_3_days_once_to_matching_teams(teams):
    teams, t = teams
    opp = opportunity(themes=[t[1]], deadline=datetime(2030, 6, 30).date())
    with freeze_time(datetime(2030, 6, 10, 9, tzinfo=ROME)):
        deadlines.run()
    assert not Notification.objects.filter(event="opportunity_deadline").exists()
    with freeze_time(datetime(2030, 6, 16, 9, tzinfo=ROME)):
        deadlines.run()
        deadlines.run()
    with freeze_time(datetime(2030, 6, 27, 9, tzinfo=ROME)):
        deadlines.run()
    got = list(Notification.objects.filter(event="opportunity_deadline").values_list("recipient__email", flat=True))
    assert sorted(got) == ["b@example.org", "b@example.org"]
    assert DeadlineReminder.objects.filter(key__startswith=f"acceleration:opp:{opp.pk}:").count() == 2
