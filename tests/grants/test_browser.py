"""A team's report in Chromium: two expenses with receipts (the remaining amount per budget line
updates as they type), submitted; staff (TOTP login) ask for a change; the team fixes it and
resubmits; staff approve and the tranche waiting for the report becomes payable. Plus axe-core on
the team's grant page and the staff portfolio."""
import re
from datetime import date
from decimal import Decimal

import pytest

from grants.models import ReportStatus, TrancheStatus
from tests.conftest import assert_accessible, browser_login
from tests.grants.factories import PDF, make_grant, past_call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, email, totp=False):
    browser_login(page, email, totp=totp, language="en")


def test_report_with_expenses_change_request_approval_and_payable_tranche(page, make_user, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())
    staff = make_user("ufficio@example.org", roles=["staff"], full_name="Sara Ufficio")
    team = make_user("squadra@example.org", roles=["promoter"], full_name="Marco Squadra")
    call = past_call()
    grant = make_grant(call, by=staff, member=team, signed=True, amount=Decimal("100000.00"),
                       start=date(2025, 1, 15), interval=12)
    report = grant.reports.order_by("number").first()
    tranche = grant.tranches.get(report=report)
    lines = list(grant.budget_lines.order_by("order"))
    receipt = tmp_path / "fattura-falegnameria.pdf"
    receipt.write_bytes(PDF)

    # The team: its grant page, then the report
    _login(page, "squadra@example.org")
    page.goto(f"/en/grants/{grant.pk}/")
    page.get_by_role("heading", name=grant.title).wait_for()
    assert "Interim report 1" in page.get_by_test_id("next-deadline").inner_text()
    assert_accessible(page, "team grant page")
    page.get_by_test_id("next-deadline").get_by_role("link").click()
    page.get_by_role("link", name="Write the report").click()
    page.get_by_label("What was done in the period").fill("Aperto lo spazio di comunità; 12 laboratori.")
    page.get_by_label("Volunteers involved").fill("6")
    page.get_by_label(re.compile("People reached")).first.fill("45")

    remaining = page.locator(f'tr[data-line="{lines[0].pk}"] [data-remaining]')
    assert remaining.inner_text() == "60,000.00"
    page.locator("#id_exp-0-budget_line").select_option(str(lines[0].pk))
    page.locator("#id_exp-0-spent_on").fill("2025-03-01")
    page.locator("#id_exp-0-amount").fill("1500")
    page.locator("#id_exp-0-supplier").fill("Falegnameria Sociale Barriera")
    page.locator("#id_exp-0-receipt").set_input_files(str(receipt))
    assert remaining.inner_text() == "58,500.00"  # updated as they type
    page.get_by_role("button", name="Add an expense").click()
    page.locator("#id_exp-1-budget_line").select_option(str(lines[0].pk))
    page.locator("#id_exp-1-spent_on").fill("2025-04-10")
    page.locator("#id_exp-1-amount").fill("250.50")
    page.locator("#id_exp-1-supplier").fill("Ferramenta Rossi")
    page.locator("#id_exp-1-receipt").set_input_files(str(receipt))
    assert remaining.inner_text() == "58,249.50"
    page.get_by_role("button", name="Submit the report").click()
    page.get_by_text("The report has been submitted").wait_for()
    assert "Submitted, under review" in page.get_by_test_id("report-status").inner_text()
    assert page.get_by_role("link", name=re.compile("receipt")).count() == 2

    # Staff ask for a change
    _login(page, "ufficio@example.org", totp=True)
    page.goto(f"/en/grants/reports/{report.pk}/")
    assert "Falegnameria Sociale Barriera" in page.content()
    page.locator("label", has_text="Ask the team for changes").click()
    page.get_by_label("Comments to the team").fill("Indicare anche il numero di famiglie raggiunte.")
    page.get_by_role("button", name="Send the review").click()
    page.get_by_text("The team has been asked for changes").wait_for()

    # The team fixes it and resubmits
    _login(page, "squadra@example.org")
    page.goto(f"/en/grants/reports/{report.pk}/")
    assert "Indicare anche il numero di famiglie raggiunte." in page.content()
    page.get_by_role("link", name="Change and resubmit the report").click()
    page.locator("#id_ind-0-name").fill("Famiglie raggiunte")
    page.locator("#id_ind-0-value").fill("38")
    page.get_by_role("button", name="Submit the report").click()
    page.get_by_text("The report has been submitted").wait_for()

    # Staff approve: the tranche becomes payable
    _login(page, "ufficio@example.org", totp=True)
    page.goto(f"/en/grants/reports/{report.pk}/")
    assert "Famiglie raggiunte" in page.content()
    page.locator("label", has_text="Approve the report").click()
    page.get_by_role("button", name="Send the review").click()
    page.get_by_text("The report has been approved").wait_for()
    page.goto(f"/en/grants/{grant.pk}/")
    assert "Payable" in page.get_by_test_id(f"tranche-{tranche.order}").inner_text()
    report.refresh_from_db()
    tranche.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.expenses.count() == 2
    assert tranche.status == TrancheStatus.PAYABLE
    page.goto("/en/grants/staff/")
    page.get_by_role("heading", name="Grant portfolio").wait_for()
    assert_accessible(page, "staff portfolio")

    # After the signature staff move 5,000 EUR of the last tranche to a new one, payable at once
    page.goto(f"/en/grants/{grant.pk}/")
    page.get_by_role("link", name="Change or add tranches").click()
    page.get_by_role("heading", name="Payment tranches").wait_for()
    assert_accessible(page, "tranches of a signed grant")
    last = grant.tranches.order_by("-order").first()
    page.get_by_label(re.compile(f"Tranche {last.order}: ")).fill(str(last.amount - 5000))
    page.get_by_role("button", name="Save the amounts").click()
    page.get_by_text("The amounts of the tranches have been saved").wait_for()
    page.get_by_role("link", name="Change or add tranches").click()
    page.get_by_label("Amount (EUR)").fill("5000")
    page.locator("label", has_text="At once (the agreement is signed)").click()
    page.get_by_role("button", name="Add the tranche").click()
    page.get_by_text(f"Tranche {last.order + 1} has been added").wait_for()
    assert "Payable" in page.get_by_test_id(f"tranche-{last.order + 1}").inner_text()
    assert sum(t.amount for t in grant.tranches.all()) == grant.amount
