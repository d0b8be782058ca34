"""Nothing typed on a proposal step is lost, in Chromium, in Italian: two tabs on the same step get
a conflict, not an overwrite; leaving a changed step asks first; autosave saves and shows the time."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from projects.models import ProposalVersion
from tests.conftest import browser_login
from tests.projects.factories import MembershipFactory, OrganisationFactory, ProposalFactory, complete

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(make_user):
    from tests.calls.factories import CallFactory

    user = make_user("promotrice@example.org", roles=["promoter"], full_name="Sara Verdi")
    org = OrganisationFactory(legal_name="Cooperativa Il Riccio")
    MembershipFactory(user=user, organisation=org)
    call = CallFactory(year=2030, closes_at=timezone.now() + timedelta(days=20))
    return complete(ProposalFactory(call=call, organisation=org))


def solution_of(draft):
    return ProposalVersion.objects.get(proposal=draft, number=1).solution


def test_two_tabs_on_the_same_step_get_a_conflict_and_leaving_asks(page, draft):
    browser_login(page, "promotrice@example.org")
    url = f"/projects/proposals/{draft.pk}/step/solution/"
    page.goto(url)
    page.get_by_role("heading", name="La soluzione", exact=True).first.wait_for()
    url = page.url
    other = page.context.new_page()
    other.goto(url)

    # The first tab types and autosaves: "Salvato alle hh:mm", announced politely.
    box = page.locator("#id_solution")
    box.click()
    box.fill("Un forno sociale con corsi serali.")
    page.get_by_role("status").filter(has_text=re.compile(r"Salvato alle \d{2}:\d{2}")).wait_for(timeout=15000)
    assert solution_of(draft) == "Un forno sociale con corsi serali."

    # The second tab, loaded before, saves by hand: not applied, its text kept, the message says who.
    box2 = other.locator("#id_solution")
    box2.click()
    box2.fill("Un emporio solidale.")
    other.get_by_role("button", name="Salva la bozza").click()
    other.get_by_text("le Sue modifiche NON sono state salvate").first.wait_for()
    assert box2.input_value() == "Un emporio solidale."
    assert "Sara Verdi" in other.content() and "Un forno sociale con corsi serali." in other.content()
    assert solution_of(draft) == "Un forno sociale con corsi serali."

    # Leaving that page (the breadcrumb's "Le mie proposte") asks first; staying keeps the text.
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    other.on("dialog", stay)
    other.locator(".breadcrumb").get_by_role("link", name="Le mie proposte").click()
    other.wait_for_timeout(1000)
    assert asked == ["beforeunload"] and other.url.endswith("/solution/")
    assert box2.input_value() == "Un emporio solidale."
    other.remove_listener("dialog", stay)

    # Merged and saved again: applied.
    other.get_by_role("button", name="Salva la bozza").click()
    other.get_by_text(re.compile("Bozza salvata")).first.wait_for()
    assert solution_of(draft) == "Un emporio solidale."


def test_leaving_a_changed_step_asks_and_an_unchanged_one_does_not(page, draft):
    browser_login(page, "promotrice@example.org")
    page.goto(f"/projects/proposals/{draft.pk}/step/need/")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    page.get_by_role("button", name="Indietro").click()  # moving to a step saves first: no question
    page.wait_for_url(re.compile("/project/$"))
    assert asked == []
    box = page.locator("#id_summary")
    box.click()
    box.press("End")
    box.type(" Aggiunto.")
    stepper = page.get_by_role("navigation", name="Fasi della proposta")
    stepper.get_by_role("button", name=re.compile("Bisogno")).click()  # saved on the way, no question
    page.wait_for_url(re.compile("/need/$"))
    assert asked == []
    assert ProposalVersion.objects.get(proposal=draft, number=1).summary.endswith(" Aggiunto.")
    # Leaving the proposal with a change asks first.
    box = page.locator("#id_social_need")
    box.click()
    box.press("End")
    box.type(" Altro.")
    page.locator(".breadcrumb").get_by_role("link", name="Le mie proposte").click()
    page.wait_for_url(lambda url: "/step/" not in url)
    assert asked == ["beforeunload"]


def test_the_budget_autosaves_a_new_line_once_and_a_file_chosen_is_uploaded_when_moving_on(page, draft):
    """autosave.js puts the id of a line it created into its row, so typing on in that row changes
    the line instead of adding it again; on the attachments step the stepper uploads a chosen file."""
    from projects.models import Attachment
    from tests.grants.factories import PDF

    browser_login(page, "promotrice@example.org")
    version = ProposalVersion.objects.get(proposal=draft, number=1)
    count = version.budget_lines.count()
    page.goto(f"/projects/proposals/{draft.pk}/step/budget/")
    page.locator(f"#id_lines-{count}-category").select_option("training")
    page.locator(f"#id_lines-{count}-description").fill("Corso HACCP")
    page.get_by_role("status").filter(has_text=re.compile(r"Salvato alle \d{2}:\d{2}")).wait_for(timeout=15000)
    assert version.budget_lines.filter(description="Corso HACCP").count() == 1
    page.locator(f"#id_lines-{count}-amount").fill("800,00")
    for _ in range(40):  # the next autosave, three seconds after the last keystroke
        if version.budget_lines.filter(description="Corso HACCP", amount=800).exists():
            break
        page.wait_for_timeout(250)
    assert list(version.budget_lines.filter(description="Corso HACCP").values_list("amount", flat=True)) == [800]
    assert version.budget_lines.count() == count + 1

    page.goto(f"/projects/proposals/{draft.pk}/step/attachments/")
    page.get_by_label("Titolo", exact=True).fill("Statuto firmato")
    page.locator("#id_file").set_input_files(
        {"name": "statuto.pdf", "mimeType": "application/pdf", "buffer": PDF})
    stepper = page.get_by_role("navigation", name="Fasi della proposta")
    stepper.get_by_role("button", name=re.compile("Il progetto")).click()
    page.wait_for_url(re.compile("/project/$"))
    assert Attachment.objects.filter(version=version, title="Statuto firmato").exists()
