"""A workshop day and a team's path in Chromium: a tutor records attendance and a progress entry;
the team uploads a deliverable; the tutor asks for changes; the team reads the feedback and
submits its revised proposal; staff see what changed. axe-core on the cohort and the team's page."""
import datetime
import re

import pytest
from django.utils import timezone

from incubation.models import Attendance, ProgressEntry, Submission
from projects.models import ProposalStatus
from tests.conftest import PASSWORD, assert_accessible, totp_now
from tests.incubation.factories import PDF, admitted_team, assign, make_lab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, email, totp=False):
    page.context.clear_cookies()
    page.goto("/en/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Email")).fill(email)
    page.get_by_label(re.compile(r"^\s*Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if totp:
        page.get_by_label(re.compile("Code")).fill(totp_now())
        page.get_by_role("button", name=re.compile("Sign In|Confirm|Verify")).click()
    page.get_by_role("heading", name="My area").wait_for()


def test_workshop_day_and_the_team_path_to_its_revised_proposal(page, live_server, make_user, staff_user, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())
    lab = make_lab(start=timezone.localdate() - datetime.timedelta(days=3))
    call = lab.call
    now = timezone.now()
    call.revised_opens_at, call.revised_closes_at = now - datetime.timedelta(hours=1), now + datetime.timedelta(days=5)
    call.save()
    tutor = make_user("tina.tutor@example.org", roles=["tutor"], full_name="Tina Tutor")
    team, members = admitted_team(call, title="Forno sociale di Mirafiori")
    members[0].full_name, members[1].full_name = "Marta Operti", "Samuel Okafor"
    for m in members:
        m.save()
    assign(lab, team, tutor)
    session = lab.workshops.get(number=1).sessions.get()

    # The tutor records who came and writes the progress entry
    _login(page, tutor.email)
    page.goto("/en/incubation/")
    page.get_by_role("link", name="Forno sociale di Mirafiori").click()
    page.get_by_role("link", name=re.compile("Record attendance")).first.click()
    page.locator("label.form-check-label", has_text="Marta Operti").click()
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_text("Attendance saved.").wait_for()
    assert [u.pk for u in Attendance.objects.get(session=session, proposal=team).attendees.all()] == [members[0].pk]
    page.goto(f"/en/incubation/teams/{team.pk}/")
    page.get_by_role("link", name=re.compile("Write the progress entry 1")).click()
    for field, score in (("value_proposition", 4), ("business_model", 2), ("impact_design", 3),
                         ("team_readiness", 4), ("market_validation", 2)):
        page.locator(f"label[for=id_{field}_{score - 1}]").click()
    page.get_by_label("Next actions agreed").fill("Intervistare dieci famiglie del quartiere.")
    page.get_by_label("Notes", exact=True).fill("Il gruppo lavora bene, la cassa è fragile.")
    page.get_by_role("button", name="Save the entry").click()
    page.get_by_text("Progress entry saved.").wait_for()
    entry = ProgressEntry.objects.get(proposal=team)
    assert (entry.value_proposition, entry.business_model, entry.author) == (4, 2, tutor)

    # The team reads it and uploads its deliverable
    _login(page, members[1].email)
    page.goto("/en/incubation/")
    page.get_by_text("Intervistare dieci famiglie del quartiere.").wait_for()
    assert_accessible(page, "team's lab page")
    page.get_by_role("link", name="Upload Business model canvas 1").click()
    canvas = tmp_path / "canvas.pdf"
    canvas.write_bytes(PDF)
    page.get_by_label(re.compile(r"^\s*File")).set_input_files(str(canvas))
    page.get_by_role("button", name="Upload").click()
    page.get_by_text(re.compile("uploaded \\(version 1\\)")).wait_for()
    sub = Submission.objects.get(proposal=team)

    # The tutor asks for changes
    _login(page, tutor.email)
    page.goto(f"/en/incubation/teams/{team.pk}/")
    page.get_by_role("link", name=re.compile("Give feedback")).click()
    page.locator("label", has_text="Changes requested").click()
    page.get_by_label("Comments").fill("Manca il segmento dei clienti paganti.")
    page.get_by_role("button", name="Send the feedback").click()
    page.get_by_text("Feedback sent to the team.").wait_for()
    sub.refresh_from_db()
    assert sub.review == "changes_requested"

    # The team reads the feedback and writes and submits version 2
    _login(page, members[0].email)
    page.goto(f"/en/incubation/teams/{team.pk}/")
    page.get_by_test_id("feedback").get_by_text(re.compile("Manca il segmento dei clienti paganti")).wait_for()
    page.get_by_role("link", name="Revised proposal").click()
    page.get_by_role("button", name="Start version 2").click()
    page.get_by_role("link", name="The solution").click()
    page.get_by_label(re.compile(r"^\s*The solution")).fill("Un forno sociale con corsi serali per giovani.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text(re.compile("Version 2 saved")).wait_for()
    page.get_by_role("link", name="Back to the revised proposal").click()
    page.get_by_role("button", name="Submit the revised proposal").click()
    page.get_by_test_id("revised-submitted").wait_for()
    team.refresh_from_db()
    assert team.status == ProposalStatus.REVISED_SUBMITTED
    assert team.versions.get(number=1).solution == "Un community hub."

    # Staff see what changed, and the cohort
    _login(page, staff_user.email, totp=True)
    page.goto(f"/en/incubation/proposals/{team.pk}/changes/")
    page.locator("ins", has_text="forno sociale con corsi serali per giovani").wait_for()
    page.locator("del", has_text="community hub").wait_for()
    page.goto(f"/en/incubation/labs/{lab.pk}/")
    page.get_by_test_id("cohort-grid").wait_for()
    assert_accessible(page, "cohort page")
