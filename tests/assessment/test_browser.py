"""Browser journey: an assessor declares no conflict, scores two proposals and submits; staff
open the ranking, admit the top N (with the confirmation step) and publish; the promoters read
their outcome. axe-core on the scoring page and the public ranking."""
import re

import pytest
from django.utils import timezone

from tests.assessment.factories import (
    RoundFactory,
    add_committee,
    assign_cleared,
    make_criteria,
    make_proposal,
)
from tests.assessment.factories import submit_scores as write_scores
from tests.conftest import PASSWORD, assert_accessible, totp_now
from tests.pdf_text import pdf_text


def _login(page, email, totp=False):
    page.context.clear_cookies()
    page.goto("/en/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Email")).fill(email)
    page.get_by_label(re.compile(r"^\s*Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if totp:
        page.get_by_label(re.compile(r"^\s*Code")).fill(totp_now())
        page.get_by_label(re.compile(r"^\s*Code")).press("Enter")
    page.get_by_role("heading", name="My area").wait_for()


def _score(page, protocol, points):
    page.goto("/en/assessment/mine/")
    page.get_by_role("link", name=protocol).click()
    page.get_by_role("heading", name="Conflict of interest").wait_for()
    assert "Un progetto di quartiere." not in page.content()
    page.locator("label", has_text="I declare that I have no conflict of interest").click()
    page.get_by_role("button", name="Send the declaration").click()
    page.get_by_role("heading", name=re.compile("Assessment of")).wait_for()
    assert "Un progetto di quartiere." in page.content()  # the proposal beside the form
    for name, value in points.items():
        page.get_by_label(re.compile(rf"Points for “{name}”")).fill(value)
    page.get_by_label("Strengths").fill("Bisogno documentato con cura.")
    page.get_by_label("Weaknesses").fill("Piano economico fragile.")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_assessor_scores_staff_admit_top_n_promoters_see_outcome(page, live_server, make_user):
    staff = make_user("capo@example.org", roles=["staff"], full_name="Chiara Ferrero")
    assessor = make_user("valuta@example.org", roles=["assessor"], full_name="Giulia Rosso")
    other = make_user("altro@example.org", roles=["assessor"])
    promoters = [make_user(f"team{i}@example.org", roles=["promoter"], full_name=f"Team {i}") for i in range(3)]
    rnd = RoundFactory(quota=2, title="Selezione 2030")
    make_criteria(rnd)
    add_committee(rnd, [assessor, other])
    ps = [make_proposal(rnd.call, member=promoters[i], title=t, seq=i + 1)
          for i, t in enumerate(["Emporio solidale", "Bottega di riparazioni", "Cortile aperto"])]
    from assessment import services

    services.assign(rnd, ps[0], assessor, by=staff)
    services.assign(rnd, ps[1], assessor, by=staff)
    write_scores(assign_cleared(rnd, ps[2], other), [6, 6, 6])  # 36
    page.on("dialog", lambda dialog: dialog.accept())

    # The assessor: conflict declaration first, then the scores of two proposals.
    _login(page, assessor.email, totp=True)
    page.goto("/en/assessment/mine/")
    assert "Assigned: 2 · done: 0 · left: 2" in page.content()
    _score(page, ps[0].protocol_number, {"Impatto sociale": "9", "Sostenibilità": "8", "Team": "7"})  # 50
    assert_accessible(page, "scoring page")
    page.get_by_role("button", name="Submit the assessment").click()
    page.get_by_text("Your assessment has been submitted").wait_for()
    _score(page, ps[1].protocol_number, {"Impatto sociale": "3", "Sostenibilità": "4", "Team": "5"})  # 22
    page.get_by_role("button", name="Submit the assessment").click()
    page.get_by_text("Your assessment has been submitted").wait_for()
    assert "Assigned: 2 · done: 2 · left: 0" in page.content()

    # Staff: the ranking, then admit the top 2 with the confirmation step, and publish.
    _login(page, staff.email, totp=True)
    page.goto(f"/en/assessment/staff/rounds/{rnd.pk}/ranking/")
    assert "then the earlier protocol number" in page.get_by_test_id("tie-break").inner_text()
    rows = page.locator("table.tsf-ranking tbody tr")
    assert "Emporio solidale" in rows.nth(0).inner_text() and "50.00" in rows.nth(0).inner_text()
    assert "Cortile aperto" in rows.nth(1).inner_text()
    page.get_by_role("link", name="Decide from this ranking").click()
    # The committee decides on a closed round only: staff close it first (a confirmation is asked).
    page.get_by_role("button", name="Close the round").click()
    page.get_by_text("The round is closed: the committee may now decide.").wait_for()
    page.get_by_label(re.compile("How many to admit")).fill("2")
    page.get_by_label("Minutes of the committee").fill("Seduta del 26 febbraio: ammesse le prime due.")
    # The round asks for two assessments per proposal and each has one: deciding needs a reason.
    page.get_by_label("Reason for deciding with assessments missing").fill(
        "Il secondo valutatore ha dichiarato un conflitto: la commissione decide con una valutazione.")
    # The municipal act that approves the decision.
    page.get_by_label(re.compile(r"^\s*Number of the act")).fill("2027 01234")
    page.get_by_label(re.compile(r"^\s*Date of the act")).fill(timezone.localdate().isoformat())
    page.get_by_label(re.compile(r"^\s*Responsible official")).fill("Dott.ssa Maria Bianchi")
    page.get_by_role("button", name="Review the decision").click()
    page.get_by_role("heading", name="Confirm the decision").wait_for()
    assert "2 proposals will be admitted to the Incubation Lab" in page.content()
    page.get_by_role("button", name="Confirm and apply the decision").click()
    page.get_by_text("The decision has been applied").wait_for()
    # The minutes, downloaded as a PDF and read back: the committee, the conflicts, the ranking.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the minutes (PDF)").click()
    text = pdf_text(open(download.value.path(), "rb").read())
    assert "Giulia Rosso" in text and "Dott.ssa Maria Bianchi" in text
    assert text.index("Emporio solidale") < text.index("Cortile aperto") < text.index("Bottega di riparazioni")
    page.get_by_role("button", name="Publish the ranking").click()
    page.get_by_text("The ranking is now public.").wait_for()

    # The promoters: outcome, score and feedback.
    _login(page, promoters[0].email)
    page.get_by_role("link", name=re.compile(ps[0].protocol_number)).click()
    page.get_by_text("Admitted to the Incubation Lab").first.wait_for()
    assert "Bisogno documentato con cura." in page.content() and "50.00" in page.content()
    _login(page, promoters[1].email)
    page.get_by_role("link", name=re.compile(ps[1].protocol_number)).click()
    page.get_by_text("Not selected").first.wait_for()
    assert "Piano economico fragile." in page.content()

    # Anyone: the public ranking.
    page.context.clear_cookies()
    page.goto(f"/en/assessment/calls/{rnd.call_id}/ranking/")
    assert "Emporio solidale" in page.content() and "Cortile aperto" in page.content()
    assert_accessible(page, "public ranking")
