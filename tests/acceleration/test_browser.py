"""The camp and the help desk in Chromium: an expert registers on the public form, staff (TOTP
login) approve; once the camp has started the expert (with the password they chose) gives
feedback on a pitch; the team reads it and opens a help-desk request that staff answer and the
team reads. Plus axe-core on the camp page, the help-desk thread and the improvement page."""
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from acceleration.models import Camp, CampRegistration, HelpRequest, PitchFeedback
from tests.acceleration.factories import final_round_with_outcomes, funded_team, make_camp, pitch_for
from tests.conftest import PASSWORD, assert_accessible, totp_now
from tests.grants.factories import past_call
from tsf.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_used_codes = set()


def _fresh_code():
    code = totp_now()
    while code in _used_codes:
        time.sleep(1)
        code = totp_now()
    _used_codes.add(code)
    return code


def _login(page, email, totp=False):
    page.context.clear_cookies()
    page.goto("/en/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Email")).fill(email)
    page.get_by_label(re.compile(r"^\s*Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if totp:
        page.get_by_label(re.compile(r"^\s*Code")).fill(_fresh_code())
        page.get_by_label(re.compile(r"^\s*Code")).press("Enter")
    page.get_by_role("heading", name="My area").wait_for()


def test_expert_registers_is_approved_gives_feedback_team_reads_it_and_uses_the_help_desk(page, make_user):
    page.on("dialog", lambda dialog: dialog.accept())
    make_user("ufficio@example.org", roles=["staff"], full_name="Sara Ufficio")
    make_user("squadra@example.org", roles=["promoter"], full_name="Marco Squadra")
    team = User.objects.get(email="squadra@example.org")
    call = past_call()
    proposal = funded_team(call, member=team)
    camp = make_camp(call, days_from_today=3, title="Social Innovation Camp 2018")
    pitch = pitch_for(camp, proposal)

    # 1. The expert registers on the public form (not logged in)
    page.goto(f"/en/acceleration/camp/{camp.pk}/")
    page.get_by_role("heading", name="Social Innovation Camp 2018").wait_for()
    assert_accessible(page, "camp page")
    page.get_by_role("link", name="Register as expert, mentor or investor").click()
    page.get_by_label("Name and surname").wait_for()
    assert_accessible(page, "camp registration form")
    page.get_by_label("Name and surname").fill("Elena Esperta")
    page.get_by_label("E-mail").fill("elena.esperta@example.org")
    page.get_by_label("Organisation").fill("Fondazione Sviluppo e Comunità")
    page.get_by_label("Expert", exact=True).check(force=True)  # Bootstrap Italia draws the label over the input
    page.get_by_label(re.compile("I agree that the City of Turin")).check(force=True)
    page.get_by_role("button", name="Register").click()
    page.get_by_text("your registration is waiting for approval").wait_for()
    assert CampRegistration.objects.get(email="elena.esperta@example.org").status == "pending"
    # 2. Staff approve (TOTP login)
    _login(page, "ufficio@example.org", totp=True)
    page.goto(f"/en/acceleration/camp/{camp.pk}/gestione/")
    page.get_by_role("button", name="Approve Elena Esperta").click()
    page.get_by_text("Elena Esperta is approved.").wait_for()
    expert = User.objects.get(email="elena.esperta@example.org")
    assert expert.has_role("mentor")

    # The expert chooses a password (the e-mailed link; here directly) and the camp day comes
    expert.set_password(PASSWORD)
    expert.save()
    Camp.objects.filter(pk=camp.pk).update(date=timezone.localdate() - timedelta(days=1))

    # 3. The expert gives feedback on the pitch
    _login(page, "elena.esperta@example.org")
    page.goto(f"/en/acceleration/camp/{camp.pk}/")
    page.get_by_role("link", name=re.compile("Give feedback")).first.click()
    page.get_by_role("heading", name="Feedback on the pitch").wait_for()
    assert_accessible(page, "feedback form")
    for question, value in (("clarity", "4"), ("impact", "5"), ("sustainability", "3"), ("team", "4")):
        page.locator(f'input[name="{question}"][value="{value}"]').check(force=True)
    page.get_by_label("Comment for the team").fill("Pitch chiaro: ora dimostrate la sostenibilità dopo il contributo.")
    page.get_by_role("button", name="Send the feedback").click()
    page.get_by_text("the team will read your feedback").wait_for()
    assert PitchFeedback.objects.get(pitch=pitch, author=expert).impact == 5

    # 4. The team reads it and opens a help-desk request
    _login(page, "squadra@example.org")
    page.get_by_role("link", name="Feedback on your pitch").click()
    page.get_by_text("ora dimostrate la sostenibilità").wait_for()
    assert "Elena Esperta" in page.get_by_test_id("feedback").inner_text()
    page.goto("/en/acceleration/help/new/")
    page.get_by_label("Topic").select_option("fundraising")
    page.get_by_label("Subject").fill("Cofinanziamento per il secondo anno")
    page.get_by_label("Your question").fill("Quali fondazioni ci consigliate per il cofinanziamento?")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_role("heading", name="Cofinanziamento per il secondo anno").wait_for()
    assert_accessible(page, "help-desk thread")
    req = HelpRequest.objects.get(subject="Cofinanziamento per il secondo anno")

    # 5. Staff answer
    _login(page, "ufficio@example.org", totp=True)
    page.goto("/en/acceleration/help/staff/?status=open")
    page.get_by_role("link", name="Cofinanziamento per il secondo anno").click()
    page.get_by_role("textbox", name="Message").fill("Guardate il bando della Compagnia di San Paolo nel catalogo.")
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text("Message sent.").wait_for()
    assert "Waiting for the team" in page.get_by_test_id("help-status").inner_text()

    # 6. The team reads the answer
    _login(page, "squadra@example.org")
    page.goto(f"/en/acceleration/help/{req.pk}/")
    page.get_by_text("Guardate il bando della Compagnia di San Paolo").wait_for()


def test_improvement_page_is_accessible(page, make_user):
    user = make_user("nonfinanziato@example.org", roles=["promoter"], full_name="Nadia Nonfinanziata")
    _rnd, _funded, (nf,) = final_round_with_outcomes(past_call(), funded=2, not_funded=1, member=user)
    _login(page, "nonfinanziato@example.org")
    page.goto(f"/en/acceleration/miglioramento/{nf.pk}/")
    page.get_by_role("heading", name="Improvement plan").wait_for()
    assert "Piano economico debole" in page.get_by_test_id("weakness").first.inner_text()
    page.get_by_label("Action").fill("Incontrare due fondazioni del territorio")
    page.get_by_label("Who").fill("Nadia")
    page.get_by_role("button", name="Add").click()
    page.get_by_test_id("action").first.wait_for()
    assert_accessible(page, "improvement page")


def test_opportunity_catalogue_is_accessible_and_filters(page):
    from calls.models import ImpactTheme
    from tests.acceleration.factories import opportunity

    past_call()  # reference data
    theme = ImpactTheme.objects.order_by("order").first()
    opportunity(themes=[theme], districts=[6], legal_forms=["aps"], title="Bando Welfare di comunità")
    opportunity(title="Crowdfunding civico", funder="Città di Torino", kind="crowdfunding")
    page.goto("/en/acceleration/opportunita/")
    page.get_by_role("heading", name="Funding opportunities", exact=True).wait_for()
    assert page.get_by_test_id("opportunity").count() == 2
    assert_accessible(page, "opportunity catalogue")
    page.get_by_label("Kind").select_option("crowdfunding")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile("kind=crowdfunding"))
    assert page.get_by_test_id("opportunity").count() == 1
    assert "Crowdfunding civico" in page.get_by_test_id("opportunity").inner_text()
