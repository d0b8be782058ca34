"""The revised proposal (version 2, the same step engine): a step saved over a newer version by a
team mate changes nothing, the text kept with what changed, by whom."""
import datetime

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import ProposalVersion
from tests.conflicts import assert_conflict_keeps_text
from tests.incubation.factories import admitted_team, make_lab

pytestmark = pytest.mark.django_db


def test_a_revised_step_saved_over_a_newer_version_changes_nothing(client):
    lab = make_lab()
    call = lab.call
    now = datetime.datetime.now(datetime.UTC)
    call.revised_opens_at, call.revised_closes_at = now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)
    call.save()
    team, (first, second) = admitted_team(call)
    client.force_login(first)
    assert client.post(reverse("incubation:revised", kwargs={"pk": team.pk}), {"start": "1"}).status_code == 302
    other = Client()
    other.force_login(second)
    v2 = team.versions.get(number=2)

    def state():
        v = ProposalVersion.objects.values().get(pk=v2.pk)
        v.pop("updated_at")
        return v

    url = reverse("incubation:revised_step", kwargs={"pk": team.pk, "step": "solution"})
    assert_conflict_keeps_text(mine=client, theirs=other, url=url, field="solution", state=state,
                               who=second.full_name, which={"field": "solution"},
                               their_value="Un forno sociale.", my_value="Un forno sociale con corsi serali.")
    assert ProposalVersion.objects.get(pk=v2.pk).solution == "Un forno sociale con corsi serali."
    assert team.versions.get(number=1).solution == "Un community hub."


def test_the_lab_saved_over_a_newer_version_changes_nothing(client, staff_user):
    from incubation.models import Lab

    lab = make_lab()
    client.force_login(staff_user)
    other = Client()
    other.force_login(staff_user)

    def state():
        return Lab.objects.values().get(pk=lab.pk)

    assert_conflict_keeps_text(mine=client, theirs=other, url=reverse("incubation:lab_edit", kwargs={"pk": lab.pk}),
                               field="lab-description_it", state=state, who=staff_user.full_name,
                               their_value="Descrizione del collega.", my_value="La mia descrizione del lab.")
    assert Lab.objects.get(pk=lab.pk).description_it == "La mia descrizione del lab."


@pytest.fixture
def lab_world(make_user, staff_user):
    from incubation import services
    from tests.incubation.factories import assign

    lab = make_lab()
    tutor = make_user("tina.tutor@example.org", roles=["tutor"], full_name="Tina Tutor")
    team, members = admitted_team(lab.call, title="Forno sociale di Mirafiori")
    assign(lab, team, tutor)
    ws = lab.workshops.get(number=1)
    services.save_progress(ws, team, {"value_proposition": 3, "business_model": 2, "impact_design": 4,
                                      "team_readiness": 4, "market_validation": 2, "notes": "Prima nota.",
                                      "notes_staff_only": False, "next_actions": "Canvas."}, by=tutor)
    return {"lab": lab, "tutor": tutor, "team": team, "members": members, "ws": ws, "staff": staff_user}


def _logged(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize(("kind", "field"), [("session", "place"), ("deliverable", "description")])
def test_a_session_or_deliverable_saved_over_a_newer_version_changes_nothing(lab_world, kind, field):
    from incubation.models import Deliverable, Session

    model = {"session": Session, "deliverable": Deliverable}[kind]
    obj = model.objects.filter(workshop=lab_world["ws"]).first()
    staff = lab_world["staff"]
    url = reverse(f"incubation:{kind}_edit", kwargs={"pk": obj.pk})
    assert_conflict_keeps_text(mine=_logged(staff), theirs=_logged(staff), url=url, field=field,
                               state=lambda: model.objects.values().get(pk=obj.pk), who=staff.full_name,
                               button="Save", which={"field": field},
                               their_value="Valore del collega", my_value="Il mio valore")
    assert getattr(model.objects.get(pk=obj.pk), field) == "Il mio valore"


def test_a_progress_entry_saved_over_a_newer_version_changes_nothing(lab_world):
    from incubation.models import ProgressEntry

    entry = ProgressEntry.objects.get(workshop=lab_world["ws"], proposal=lab_world["team"])
    url = reverse("incubation:progress", kwargs={"workshop_pk": lab_world["ws"].pk, "pk": lab_world["team"].pk})
    assert_conflict_keeps_text(mine=_logged(lab_world["tutor"]), theirs=_logged(lab_world["staff"]), url=url,
                               field="notes", state=lambda: ProgressEntry.objects.values().get(pk=entry.pk),
                               who=lab_world["staff"].full_name,
                               their_value="Nota dello staff.", my_value="Nota della tutor.")
    assert ProgressEntry.objects.get(pk=entry.pk).notes == "Nota della tutor."


def test_feedback_on_a_deliverable_saved_over_a_newer_one_changes_nothing(lab_world):
    from incubation import services
    from incubation.models import Submission
    from tests.incubation.factories import pdf_upload

    team = lab_world["team"]
    sub = services.upload_submission(lab_world["ws"].deliverables.get(), team, file=pdf_upload(),
                                     by=lab_world["members"][0])
    services.review_submission(sub, review="changes_requested", comments="Aggiungere i costi.",
                               by=lab_world["tutor"])
    url = reverse("incubation:submission_review", kwargs={"pk": sub.pk})
    assert_conflict_keeps_text(mine=_logged(lab_world["tutor"]), theirs=_logged(lab_world["staff"]), url=url,
                               field="comments", state=lambda: Submission.objects.values().get(pk=sub.pk),
                               who=lab_world["staff"].full_name,
                               their_value="Mancano i costi del personale.", my_value="Mancano le entrate.")
    assert Submission.objects.get(pk=sub.pk).comments == "Mancano le entrate."


def test_a_material_file_chosen_before_an_error_is_still_attached(lab_world):
    """The workshop page re-renders on an error with the chosen file kept (tsf.core.keptuploads)."""
    from incubation.models import Material
    from tests.forms_as_rendered import form_from_response
    from tests.incubation.factories import PDF, pdf_upload

    staff = _logged(lab_world["staff"])
    url = reverse("incubation:workshop", kwargs={"pk": lab_world["ws"].pk})
    response = staff.post(url, {"kind": "material", "m-title": "", "m-file": pdf_upload("slide.pdf")})
    html = response.content.decode()
    assert response.status_code == 200 and not Material.objects.exists()
    assert "slide.pdf" in html and "m-file-kept" in html
    again = form_from_response(staff, response, field="m-title", url=url)
    again["m-title"] = "Slide del primo incontro"
    assert again.submit().status_code == 302
    material = Material.objects.get()
    assert material.title == "Slide del primo incontro" and material.file.read() == PDF
