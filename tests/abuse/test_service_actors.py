"""Every privileged service refuses a wrong actor by itself, whatever page or task calls it: the same rule
the pages ask (tsf.accounts.permissions.require_perm / require_role), so a promoter, and a staff member
or assessor whose session did not use two factors (`session_mfa` False, as the middleware marks the
request's person), get a clear refusal and the database does not change."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from projects.services import ProposalError
from tests.abuse.conftest import changed_tables, db_writes
from tests.factories import SERVICE_ACT

pytestmark = pytest.mark.django_db


def _calls(o):
    from acceleration import services as acceleration
    from assessment import services as assessment
    from assessment.models import Decision
    from blog import services as blog
    from calls import services as calls
    from grants import services as grants
    from incubation import services as incubation
    from projects import services as projects
    from projects.models import PublicProject
    from tsf.accounts import services as accounts
    from tsf.privacy import services as privacy

    decision = Decision.objects.filter(round=o.round).first()
    page = PublicProject.objects.order_by("pk").first()
    programme = o.camp.programme
    soon = timezone.now() + timedelta(days=3)
    return {
        "assessment.save_round": lambda by: assessment.save_round(SimpleNamespace(instance=o.round), by=by),
        "assessment.create_round": lambda by: assessment.create_round(o.open_call, by=by, title="Intrusa"),
        "assessment.save_criteria": lambda by: assessment.save_criteria(o.round, None, by=by),
        "assessment.set_committee": lambda by: assessment.set_committee(o.round, [], by=by),
        "assessment.assign": lambda by: assessment.assign(o.round, o.victim, o.assignment.assessor, by=by),
        "assessment.unassign": lambda by: assessment.unassign(o.assignment, by=by),
        "assessment.auto_assign": lambda by: assessment.auto_assign(o.round, by=by),
        "assessment.declare_conflict": lambda by: assessment.declare_conflict(o.assignment, has_conflict=False, by=by),
        "assessment.save_draft": lambda by: assessment.save_draft(o.assignment, by=by, scores={}),
        "assessment.submit_assessment": lambda by: assessment.submit_assessment(o.assignment, by=by),
        "assessment.reopen_assessment": lambda by: assessment.reopen_assessment(o.assignment, by=by, reason="x"),
        "assessment.apply_decision": lambda by: assessment.apply_decision(o.round, by=by, outcomes={}, **SERVICE_ACT),
        "assessment.publish_ranking": lambda by: assessment.publish_ranking(decision, by=by),
        "projects.record_admissibility": lambda by: projects.record_admissibility(
            o.own_draft, by=by, eligible_applicant=True, documents_complete=True, budget_within_limits=True,
            submitted_on_time=True, outcome="admissible"),
        "projects.save_public_page": lambda by: projects.save_public_page(SimpleNamespace(instance=page), by=by),
        "projects.publish_public_page": lambda by: projects.publish_public_page(page, by=by),
        "projects.unpublish_public_page": lambda by: projects.unpublish_public_page(page, by=by),
        "incubation.create_lab": lambda by: incubation.create_lab(o.open_call, None, by=by),
        "incubation.update_lab": lambda by: incubation.update_lab(SimpleNamespace(instance=o.lab), by=by),
        "incubation.add_workshop": lambda by: incubation.add_workshop(o.lab, None, by=by),
        "incubation.save_workshop_item": lambda by: incubation.save_workshop_item(o.workshop, None, kind="session", by=by),
        "incubation.delete_workshop_item": lambda by: incubation.delete_workshop_item(o.session, kind="session", by=by),
        "incubation.assign_tutors": lambda by: incubation.assign_tutors(o.lab, o.victim, [], by=by),
        "acceleration.save_programme": lambda by: acceleration.save_programme(by=by, instance=programme),
        "acceleration.save_camp": lambda by: acceleration.save_camp(programme, by=by, instance=o.camp),
        "acceleration.delete_agenda_item": lambda by: acceleration.delete_agenda_item(o.camp.agenda.first(), by=by),
        "acceleration.invite_to_camp": lambda by: acceleration.invite_to_camp(
            o.camp, email="intruso@example.org", kind="mentor", by=by),
        "acceleration.schedule_pitches": lambda by: acceleration.schedule_pitches(o.camp, by=by),
        "acceleration.save_pitches": lambda by: acceleration.save_pitches(o.camp, by=by, rows=[]),
        "acceleration.approve_registration": lambda by: acceleration.approve_registration(o.registration, by=by),
        "acceleration.reject_registration": lambda by: acceleration.reject_registration(o.registration, by=by),
        "acceleration.offer_slot": lambda by: acceleration.offer_slot(by=by, starts_at=soon, minutes=30, place="Via Roma"),
        "acceleration.save_opportunity": lambda by: acceleration.save_opportunity(
            SimpleNamespace(instance=o.opportunity), by=by),
        "assessment.close_round": lambda by: assessment.close_round(o.round, by=by),
        "acceleration.publish_opportunity": lambda by: acceleration.publish_opportunity(o.opportunity, by=by),
        "acceleration.unpublish_opportunity": lambda by: acceleration.unpublish_opportunity(o.opportunity, by=by),
        "calls.save_call": lambda by: calls.save_call(SimpleNamespace(instance=o.open_call), by=by),
        "calls.save_call_extras": lambda by: calls.save_call_extras(None, by=by, what="faq"),
        "blog.save_post": lambda by: blog.save_post(SimpleNamespace(instance=o.draft_post), None, by=by),
        "blog.publish_now": lambda by: blog.publish_now(o.draft_post, by=by),
        "blog.schedule": lambda by: blog.schedule(o.draft_post, soon, by=by),
        "blog.unpublish": lambda by: blog.unpublish(o.published_post, by=by),
        "blog.delete_post": lambda by: blog.delete_post(o.draft_post, by=by),
        "grants.approve_report": lambda by: grants.approve_report(o.report, by=by),
        "grants.mark_tranche_paid": lambda by: grants.mark_tranche_paid(o.tranche, paid_on=soon.date(), by=by, **SERVICE_ACT),
        "accounts.set_roles": lambda by: accounts.set_roles(o.victim_member, ["promoter", "staff"], by=by),
        "privacy.confirm_erasure": lambda by: privacy.confirm_erasure(o.data_request, by=by),
        "privacy.refuse_erasure": lambda by: privacy.refuse_erasure(o.data_request, by=by, reason="No"),
    }


@pytest.fixture
def wrong_actors(world):
    """The request's person as the middleware marks it: a promoter; a staff member and an assessor with
    TOTP enrolled whose session used the password only; a staff member who never enrolled TOTP."""
    from tests.factories import UserFactory
    from tsf.accounts.models import User

    def marked(user, session_mfa):
        person = User.objects.get(pk=user.pk)
        person.session_mfa = session_mfa
        return person

    return {
        "promoter": marked(world.users["promoter"], True),
        "staff, password only": marked(world.users["staff"], False),
        "assessor, password only": marked(world.users["assessor"], False),
        "staff without TOTP": marked(UserFactory(email="actor.staff@example.org", roles=["staff"]), False),
    }


def test_every_privileged_service_refuses_a_wrong_actor_and_changes_nothing(world, wrong_actors):
    problems = []
    for name, call in _calls(world.objects).items():
        for label, actor in wrong_actors.items():
            before = db_writes()
            try:
                call(actor)
            except (PermissionDenied, ProposalError) as exc:  # the app's own refusal, shown as a message
                if not str(exc):
                    problems.append(f"{name} as {label}: refused without a message")
            except Exception as exc:  # noqa: BLE001 - any other outcome means the actor was not checked first
                problems.append(f"{name} as {label}: {type(exc).__name__}: {exc}")
            else:
                problems.append(f"{name} as {label}: carried out")
            changed = changed_tables(before, db_writes())
            if changed:
                problems.append(f"{name} as {label}: changed {changed}")
    assert not problems, "\n".join(problems)


def test_the_refusal_names_the_missing_step(world, wrong_actors):
    from assessment import services

    with pytest.raises(PermissionDenied, match="Questa operazione richiede l'autenticazione a due fattori"):
        services.publish_ranking(None, by=wrong_actors["staff, password only"])
    with pytest.raises(PermissionDenied, match="Non Le è consentito"):
        services.publish_ranking(None, by=wrong_actors["promoter"])
    with pytest.raises(PermissionDenied, match="Non Le è consentito"):  # no staff role, with or without TOTP
        services.publish_ranking(None, by=wrong_actors["assessor, password only"])


def test_the_right_actor_gets_past_the_check(world):
    """The control: the same calls with the staff member of a two-factor session reach the service's own
    rules (here: a round without a decision cannot be published twice, a post is published)."""
    from blog import services as blog
    from blog.models import Post
    from tsf.accounts.models import User

    officer = User.objects.get(pk=world.users["staff"].pk)
    officer.session_mfa = True
    editor = User.objects.get(pk=world.users["editor"].pk)
    blog.publish_now(world.objects.draft_post, by=editor)
    assert Post.objects.get(pk=world.objects.draft_post.pk).status == Post.Status.PUBLISHED
    before = db_writes()
    from acceleration import services as acceleration

    acceleration.unpublish_opportunity(world.objects.opportunity, by=officer)
    assert changed_tables(before, db_writes())
