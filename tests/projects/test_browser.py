"""A promoter's whole journey in Chromium: sign up, verify the e-mail, create the organisation,
fill the steps with an attachment, leave, come back, submit, read the protocol number in the
e-mail, see the proposal read-only. Plus axe-core on the call page and a proposal step."""
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from calls.models import District, ImpactTheme, TargetGroup
from calls.reference import ensure_reference_data
from projects.models import Proposal
from tests.calls.factories import CallFactory
from tests.conftest import assert_accessible
from tests.projects.factories import partita_iva
from tsf.core.pdf import demo_pdf
from tsf.notifications.models import OutboxEmail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Promoter-Password-2018"


def _open_call():
    ensure_reference_data()
    call = CallFactory(title="Torino Social Factory 2030", slug="tsf-2030", year=2030,
                       closes_at=timezone.now() + timedelta(days=20))
    call.themes.set(ImpactTheme.objects.all())
    call.target_groups.set(TargetGroup.objects.all())
    call.districts.set(District.objects.all())
    return call


def _tick(page, label):
    """Bootstrap Italia draws the checkbox on its label: a person clicks the label."""
    page.locator("label.form-check-label", has_text=label).click()
    assert page.get_by_label(label).is_checked()


def _login(page, email):
    page.goto("/en/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Email")).fill(email)
    page.get_by_label(re.compile(r"^\s*Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="My area").wait_for()


def test_promoter_submits_a_proposal_from_start_to_finish(page, live_server, tmp_path):
    call = _open_call()
    page.on("dialog", lambda dialog: dialog.accept())

    # Sign up and verify the address through the e-mail's link
    page.goto("/en/accounts/signup/")
    page.get_by_label("Full name").fill("Sara Verdi")
    page.get_by_label("Email").fill("sara@example.org")
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill(PASSWORD)
    page.get_by_label(re.compile("Password \\(again\\)")).fill(PASSWORD)
    page.get_by_text(re.compile("I have read the privacy notice")).click()
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    link = re.search(r"https?://\S+/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link.replace("http://testserver", live_server.url))
    page.get_by_role("button", name="Confirm").click()
    _login(page, "sara@example.org")

    # The call page, then "Apply": first the organisation
    page.goto(f"/en/calls/{call.slug}/")
    page.get_by_role("link", name="Apply").click()
    page.get_by_role("heading", name="New organisation").wait_for()
    page.get_by_label(re.compile(r"^\s*Legal name")).fill("Associazione Verdi Quartieri APS")
    page.get_by_label(re.compile(r"^\s*Legal form")).select_option("aps")
    page.get_by_label(re.compile(r"^\s*Codice fiscale\*?\s*$")).fill("123")  # wrong first
    page.get_by_label(re.compile(r"^\s*Address")).fill("Via Cigna 10")
    page.get_by_label(re.compile(r"^\s*Postcode")).fill("10152")
    page.get_by_label(re.compile(r"^\s*Legal representative\*?\s*$")).fill("Sara Verdi")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("is not a valid codice fiscale").wait_for()
    page.get_by_label(re.compile(r"^\s*Codice fiscale\*?\s*$")).fill(partita_iva(4242))
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Start a proposal").wait_for()
    page.get_by_role("button", name="Start").click()

    # Step 1
    page.get_by_role("heading", name="The project", exact=True).wait_for()
    page.get_by_label(re.compile(r"^\s*Title")).fill("Emporio solidale in Barriera")
    page.get_by_label(re.compile(r"^\s*Summary")).fill("Un emporio di abiti usati per le famiglie del quartiere.")
    _tick(page, "Urban poverty")  # the English pages name the reference data in English
    page.get_by_label(re.compile(r"^\s*City district")).select_option(label=District.objects.get(number=6).name_en)
    page.get_by_role("button", name="Save and continue").click()
    # Step 2
    page.get_by_role("heading", name="Need and target groups", exact=True).wait_for()
    page.get_by_label(re.compile(r"^\s*The social need")).fill("Molte famiglie non riescono a vestire i figli.")
    _tick(page, "Families with economic difficulties")
    page.get_by_role("button", name="Save and continue").click()
    # Step 3
    page.get_by_role("heading", name="The solution", exact=True).wait_for()
    page.get_by_label(re.compile(r"^\s*Kind of solution")).select_option("clothing_emporium")
    page.get_by_label(re.compile(r"^\s*The solution")).fill("Un emporio con tessera a punti.")
    page.get_by_label(re.compile(r"^\s*Why it is experimental")).fill("Unisce vendita e formazione.")
    page.get_by_label(re.compile(r"^\s*Why it is community-based")).fill("Gestito con i volontari del quartiere.")
    page.get_by_role("button", name="Save and continue").click()
    # Step 4
    page.get_by_role("heading", name="Impact and indicators", exact=True).wait_for()
    page.get_by_label(re.compile(r"^\s*Expected impacts")).fill("Famiglie aiutate e persone formate.")
    page.get_by_label(re.compile(r"^\s*Measurable indicators")).fill("Famiglie raggiunte, 0, 200")
    page.get_by_role("button", name="Save and continue").click()
    # Step 5
    page.get_by_role("heading", name="Partners and team", exact=True).wait_for()
    page.get_by_label(re.compile(r"^\s*The team")).fill("Due operatrici e dieci volontari.")
    page.get_by_role("button", name="Save and continue").click()
    # Step 6: budget
    page.get_by_role("heading", name="Budget", exact=True).wait_for()
    assert_accessible(page, "proposal budget step")
    page.get_by_label("Category 1").select_option("personnel")
    page.get_by_label("Description 1").fill("Operatrici")
    page.get_by_label("Amount 1").fill("60000")
    page.get_by_label("Category 2").select_option("equipment")
    page.get_by_label("Description 2").fill("Scaffalature")
    page.get_by_label("Amount 2").fill("15000.50")
    page.get_by_label(re.compile(r"^\s*Requested grant")).fill("80000")
    page.get_by_role("button", name="Save draft").click()
    # the draft keeps it; the step says what submission will refuse (80,000 > 75,000.50)
    page.get_by_text("exceeds the total of the budget lines").wait_for()
    page.get_by_label(re.compile(r"^\s*Requested grant")).fill("70000")
    page.get_by_role("button", name="Save and continue").click()
    # Step 7: attachment
    page.get_by_role("heading", name="Attachments", exact=True).wait_for()
    pdf = tmp_path / "statuto.pdf"
    pdf.write_bytes(demo_pdf("Statuto"))
    page.get_by_label(re.compile(r"^\s*Kind")).select_option("statute")
    page.get_by_label(re.compile(r"^\s*Title")).fill("Statuto dell'associazione")
    page.get_by_label(re.compile(r"^\s*File")).set_input_files(str(pdf))
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("link", name="Statuto dell'associazione").wait_for()

    # Leave, and come back another day
    page.get_by_role("button", name="Log out").first.click()
    page.goto("/en/")
    _login(page, "sara@example.org")
    page.get_by_role("link", name="Emporio solidale in Barriera").first.click()
    page.get_by_role("link", name="Continue editing").click()
    page.get_by_role("heading", name="Attachments", exact=True).wait_for()
    page.get_by_role("button", name="Continue").click()

    # Check and submit
    page.get_by_role("heading", name="Check and submit", exact=True).wait_for()
    assert "75.000,50" in page.content() or "75,000.50" in page.content()
    page.get_by_role("button", name="Submit the proposal").click()
    page.get_by_role("heading", name="Receipt of submission").wait_for()
    number = page.get_by_test_id("protocol-number").inner_text()
    assert number == "TSF-2030-0001"

    # The e-mail with the protocol number
    row = OutboxEmail.objects.get(to="sara@example.org", event="proposal_submitted")
    assert number in row.subject and number in row.body_text
    assert any(number in m.body for m in mail.outbox if m.to == ["sara@example.org"])

    # Read-only afterwards
    page.get_by_role("link", name="See the proposal").click()
    assert page.get_by_test_id("protocol-number").inner_text() == number
    assert page.get_by_role("link", name="Continue editing").count() == 0
    proposal = Proposal.objects.get()
    page.goto(f"/en/projects/proposals/{proposal.pk}/step/project/")
    page.wait_for_url(re.compile(rf"/en/projects/proposals/{proposal.pk}/$"))
    assert proposal.versions.get().frozen


def test_call_page_and_a_step_are_accessible(page, make_user):
    call = _open_call()
    page.goto(f"/calls/{call.slug}/")
    page.get_by_role("heading", name=call.title).wait_for()
    assert_accessible(page, "call page")
    page.goto("/calls/")
    assert_accessible(page, "call list")
    from tests.conftest import PASSWORD as TEST_PASSWORD
    from tests.projects.factories import MembershipFactory, ProposalFactory

    user = make_user("acc@example.org", roles=["promoter"])
    proposal = ProposalFactory(call=call)
    MembershipFactory(user=user, organisation=proposal.organisation)
    page.goto("/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Email")).fill("acc@example.org")
    page.get_by_label(re.compile(r"^\s*Password")).fill(TEST_PASSWORD)
    page.locator("form.tsf-form button[type=submit]").click()
    page.wait_for_load_state()
    for step in ("project", "need", "attachments", "review"):
        page.goto(f"/projects/proposals/{proposal.pk}/step/{step}/")
        assert_accessible(page, f"proposal step {step}")


def test_staff_finds_exports_and_decides_admissibility(page, make_user, staff_user):
    from projects.models import Membership, ProposalStatus
    from projects.services import submit_proposal
    from tests.conftest import PASSWORD as TEST_PASSWORD
    from tests.conftest import totp_now
    from tests.projects.factories import OrganisationFactory, ProposalFactory, complete

    call = _open_call()
    promoter = make_user("piera@example.org", roles=["promoter"])
    for title in ("Forno di comunità", "Emporio solidale", "Hub di quartiere"):
        p = complete(ProposalFactory(call=call, organisation=OrganisationFactory()), title=title)
        Membership.objects.create(user=promoter, organisation=p.organisation)
        submit_proposal(p, promoter)

    page.goto("/en/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Email")).fill(staff_user.email)
    page.get_by_label(re.compile(r"^\s*Password")).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label(re.compile(r"^\s*Code")).fill(totp_now())
    page.get_by_label(re.compile(r"^\s*Code")).press("Enter")
    page.get_by_role("heading", name="My area").wait_for()

    page.goto("/en/projects/")
    page.get_by_role("heading", name=re.compile("Proposals")).wait_for()
    assert_accessible(page, "staff proposal list")
    page.get_by_label(re.compile("^Search")).fill("emporio")
    page.get_by_role("button", name="Filter").click()
    assert page.get_by_role("link", name="Emporio solidale").count() == 1
    assert page.get_by_role("link", name="Forno di comunità").count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    content = open(download.value.path(), encoding="utf-8-sig").read()
    assert "Emporio solidale" in content and "Forno di comunità" not in content

    page.get_by_role("link", name="Emporio solidale").click()
    page.get_by_role("heading", name="History").wait_for()
    assert_accessible(page, "staff proposal page")
    page.get_by_role("link", name="Check admissibility").click()
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("label", has_text="Documents complete").click()
    page.locator("label", has_text="Not admissible").click()
    page.get_by_label(re.compile(r"^\s*Reason")).fill("Manca il budget dettagliato.")
    page.get_by_role("button", name="Record the outcome").click()
    page.get_by_text("The admissibility outcome has been recorded").wait_for()
    proposal = Proposal.objects.get(versions__title="Emporio solidale")
    assert proposal.status == ProposalStatus.NOT_ADMISSIBLE
    assert OutboxEmail.objects.filter(to="piera@example.org", event="proposal_admissibility").exists()
