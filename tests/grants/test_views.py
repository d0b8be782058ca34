"""Request tests for every grants page and role, the permission sweep (another team gets 404/403
on everything of a grant, receipts included), and flat query counts on the staff pages."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.models import DecisionItem
from calls.models import District, ImpactTheme
from grants import services
from grants.models import Expense, Grant, Report, ReportStatus, Tranche, TrancheStatus
from projects.models import Proposal, ProposalStatus, ProposalVersion
from tests.grants.factories import PDF, final_decision, funded_item, make_grant, next_cup, past_call
from tests.projects.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(db):
    return past_call()


@pytest.fixture
def grant(call, staff_user, promoter_user):
    g = make_grant(call, by=staff_user, member=promoter_user, signed=True, start=date(2025, 1, 15))
    report = g.reports.order_by("number").first()
    services.save_report(report, by=promoter_user, activities="Aperto lo spazio.", jobs_created=2,
                         volunteers_involved=5, reach={}, indicators=[("Famiglie raggiunte", "40")], submit=True,
                         expenses=[{"id": None, "budget_line": g.budget_lines.first(), "spent_on": date(2025, 3, 1),
                                    "amount": Decimal("1200.00"), "supplier": "Falegnameria Bruno",
                                    "receipt": SimpleUploadedFile("fattura.pdf", PDF, "application/pdf")}])
    return g


@pytest.fixture
def other_team(make_user):
    return make_user("altro@example.org", roles=["promoter"], full_name="Aldo Altro")


def urls_of(grant):
    report = grant.reports.order_by("number").first()
    expense = Expense.objects.filter(report__grant=grant).first()
    tranche = grant.tranches.first()
    return {
        "detail": reverse("grants:detail", kwargs={"pk": grant.pk}),
        "report": reverse("grants:report", kwargs={"pk": report.pk}),
        "report_edit": reverse("grants:report_edit", kwargs={"pk": report.pk}),
        "receipt": reverse("core:private_file", kwargs={"app_label": "grants", "model_name": "expense",
                                                          "pk": expense.pk, "field": "receipt"}),
        "agreement": reverse("core:private_file", kwargs={"app_label": "grants", "model_name": "grant",
                                                            "pk": grant.pk, "field": "agreement"}),
        "budget": reverse("grants:budget", kwargs={"pk": grant.pk}),
        "pay": reverse("grants:pay", kwargs={"pk": tranche.pk}),
        "sign": reverse("grants:sign", kwargs={"pk": grant.pk}),
        "close": reverse("grants:close", kwargs={"pk": grant.pk}),
        "revoke": reverse("grants:revoke", kwargs={"pk": grant.pk}),
    }


def test_team_sees_its_grant_reports_and_receipts(client, grant, promoter_user):
    client.force_login(promoter_user)
    urls = urls_of(grant)
    page = client.get(urls["detail"])
    assert page.status_code == 200
    html = page.content.decode()
    assert grant.cup in html and "Falegnameria" not in html  # expenses are on the report page
    assert client.get(urls["report"]).status_code == 200
    assert "Falegnameria Bruno" in client.get(urls["report"]).content.decode()
    receipt = client.get(urls["receipt"])
    assert receipt.status_code == 200 and b"".join(receipt.streaming_content).startswith(b"%PDF")
    assert client.get(urls["agreement"]).status_code == 200
    # a submitted report cannot be edited by the team
    assert client.get(urls["report_edit"]).status_code == 403
    assert client.get(reverse("grants:index")).url == urls["detail"]


def test_another_team_gets_nothing_of_the_grant(client, grant, other_team):
    client.force_login(other_team)
    urls = urls_of(grant)
    for name in ("detail", "report", "report_edit"):
        assert client.get(urls[name]).status_code == 404, name
    for name in ("receipt", "agreement"):
        assert client.get(urls[name]).status_code == 403, name
    for name in ("budget", "pay", "sign", "close", "revoke"):
        assert client.post(urls[name]).status_code in (302, 403, 404), name
        assert client.post(urls[name]).status_code != 200
    assert Tranche.objects.filter(grant=grant, status=TrancheStatus.PAID).count() == 0
    assert client.get(reverse("grants:portfolio")).status_code in (302, 403)
    assert client.get(reverse("grants:staff_list")).status_code in (302, 403)
    assert client.get(reverse("grants:mine")).status_code == 200
    assert grant.cup not in client.get(reverse("grants:mine")).content.decode()


def test_team_cannot_use_staff_actions(client, grant, promoter_user):
    client.force_login(promoter_user)
    urls = urls_of(grant)
    assert client.post(urls["pay"], {"paid_on": "2025-02-01"}).status_code in (302, 403)
    assert Tranche.objects.filter(grant=grant, status=TrancheStatus.PAID).count() == 0
    report = grant.reports.order_by("number").first()
    response = client.post(urls["report"], {"decision": "approve"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_anonymous_visitors(client, grant):
    urls = urls_of(grant)
    for name in ("detail", "report", "report_edit", "receipt"):
        response = client.get(urls[name])
        assert response.status_code == 302 and "login" in response.url, name
    assert client.get(reverse("grants:transparency")).status_code == 200
    assert client.get(reverse("grants:giving360")).status_code == 200
    assert client.get(reverse("grants:index")).url == reverse("grants:transparency")


def test_staff_review_approves_and_unlocks(staff_client, grant, promoter_user):
    report = grant.reports.order_by("number").first()
    url = reverse("grants:report", kwargs={"pk": report.pk})
    page = staff_client.get(url)
    assert page.status_code == 200 and "Falegnameria Bruno" in page.content.decode()
    # asking for changes without a comment: a message next to the field
    response = staff_client.post(url, {"decision": "changes", "comment": ""})
    assert response.status_code == 200 and "Tell the team what to change" in response.content.decode()
    response = staff_client.post(url, {"decision": "changes", "comment": "Allegare il registro presenze."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.CHANGES_REQUESTED


def test_staff_pages(staff_client, grant):
    for name in ("grants:portfolio", "grants:staff_list", "grants:award_list"):
        assert staff_client.get(reverse(name)).status_code == 200, name
    html = staff_client.get(reverse("grants:portfolio")).content.decode()
    assert "<svg" in html and "Budget by impact theme" in html
    assert grant.cup in staff_client.get(reverse("grants:staff_list") + "?q=" + grant.cup[-4:]).content.decode()
    assert grant.cup not in staff_client.get(reverse("grants:staff_list") + "?q=nessuno").content.decode()
    xlsx = staff_client.get(reverse("grants:staff_list") + "?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    csv_resp = staff_client.get(reverse("grants:staff_list") + "?format=csv&status=signed")
    assert grant.cup in b"".join(csv_resp.streaming_content).decode()
    assert staff_client.get(reverse("grants:detail", kwargs={"pk": grant.pk})).status_code == 200


PAY = {"paid_on": "2025-02-01", "act_number": "2025 00400", "act_date": "2025-01-20",
       "act_official": "Dott. Luca Verdi", "payment_order_number": "2025/1234", "payment_order_date": "2025-01-28"}


def test_staff_marks_a_payable_tranche_paid(staff_client, grant):
    first = grant.tranches.get(order=1)
    second = grant.tranches.get(order=2)
    staff_client.post(reverse("grants:pay", kwargs={"pk": second.pk}), PAY)
    second.refresh_from_db()
    assert second.status == TrancheStatus.PLANNED
    # Without the payment order: the page again, the message beside the field, what was typed kept.
    response = staff_client.post(reverse("grants:pay", kwargs={"pk": first.pk}), {**PAY, "payment_order_number": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "This field is required." in page and 'value="2025 00400"' in page
    first.refresh_from_db()
    assert first.status == TrancheStatus.PAYABLE
    staff_client.post(reverse("grants:pay", kwargs={"pk": first.pk}), PAY)
    first.refresh_from_db()
    assert first.status == TrancheStatus.PAID and first.paid_on == date(2025, 2, 1)
    assert (first.act_number, first.payment_order_number, first.payment_order_date) == (
        "2025 00400", "2025/1234", date(2025, 1, 28))
    page = staff_client.get(reverse("grants:detail", kwargs={"pk": grant.pk})).content.decode()
    assert "Payment order no. 2025/1234 of 28 January 2025" in page


def test_award_page_with_confirmation_step(staff_client, call):
    item = funded_item(call, amount=Decimal("90000.00"))
    listing = staff_client.get(reverse("grants:award_list") + f"?call={call.slug}").content.decode()
    assert item.proposal.organisation.legal_name in listing
    url = reverse("grants:award", kwargs={"item_pk": item.pk})
    assert staff_client.get(url).status_code == 200
    act = {"act_number": "2019 04567", "act_date": "2018-12-20", "official": "Dott.ssa Maria Bianchi"}
    bad = staff_client.post(url, {"amount": "90000.00", "cup": "X123", "start_date": "2019-01-01", **act})
    assert "A CUP code is a letter" in bad.content.decode()
    over = staff_client.post(url, {"amount": "150000.00", "cup": "c11j18000120007", "start_date": "2019-01-01",
                                   **act})
    assert "maximum grant" in over.content.decode()
    data = {"amount": "90000.00", "cup": "c11j18000120007", "start_date": "2019-01-01", **act}
    confirm = staff_client.post(url, data)
    assert confirm.status_code == 200 and "Confirm the award" in confirm.content.decode()
    assert not Grant.objects.exists()
    done = staff_client.post(url, {**data, "confirm": "1"})
    grant = Grant.objects.get()
    assert done.status_code == 302 and done.url == grant.get_absolute_url()
    assert grant.cup == "C11J18000120007" and grant.amount == Decimal("90000.00")
    assert grant.award_act == "Executive decision no. 2019 04567 of 20 December 2018 (Dott.ssa Maria Bianchi)"
    assert item.proposal.organisation.legal_name not in staff_client.get(
        reverse("grants:award_list") + f"?call={call.slug}").content.decode()


def test_budget_page_before_signing(staff_client, call, staff_user):
    g = make_grant(call, by=staff_user, amount=Decimal("100000.00"))
    url = reverse("grants:budget", kwargs={"pk": g.pk})
    page = staff_client.get(url)
    assert page.status_code == 200
    lines = list(g.budget_lines.all())
    tranches = list(g.tranches.all())
    data = {"lines-TOTAL_FORMS": str(len(lines) + 1), "lines-INITIAL_FORMS": str(len(lines)),
            "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000"}
    for i, b in enumerate(lines):
        data |= {f"lines-{i}-id": b.pk, f"lines-{i}-category": b.category, f"lines-{i}-description": b.description,
                 f"lines-{i}-amount": str(b.amount)}
    for t in tranches:
        data[f"tr-t{t.pk}"] = str(t.amount)
    data[f"tr-t{tranches[0].pk}"] = "90000.00"
    response = staff_client.post(url, data, follow=True)
    assert "more than the grant" in response.content.decode()
    data[f"tr-t{tranches[0].pk}"] = "30000.00"
    response = staff_client.post(url, data)
    assert response.status_code == 302
    assert sum(t.amount for t in g.tranches.all()) == Decimal("90000.00")


def test_report_form_refuses_an_overspend_next_to_the_field(client, call, staff_user, promoter_user):
    g = make_grant(call, by=staff_user, member=promoter_user, signed=True, lines=(Decimal("1000.00"),
                                                                                     Decimal("120000.00")))
    report = g.reports.order_by("number").first()
    small = g.budget_lines.order_by("order").first()
    client.force_login(promoter_user)
    url = reverse("grants:report_edit", kwargs={"pk": report.pk})
    page = client.get(url)
    assert page.status_code == 200 and "grants/expenses.js" in page.content.decode()
    data = {"activities": "Laboratori.", "jobs_created": "0", "volunteers_involved": "3",
            "ind-TOTAL_FORMS": "0", "ind-INITIAL_FORMS": "0", "ind-MIN_NUM_FORMS": "0", "ind-MAX_NUM_FORMS": "1000",
            "exp-TOTAL_FORMS": "1", "exp-INITIAL_FORMS": "0", "exp-MIN_NUM_FORMS": "0", "exp-MAX_NUM_FORMS": "1000",
            "exp-0-budget_line": small.pk, "exp-0-spent_on": "2025-03-01", "exp-0-amount": "1500.00",
            "exp-0-supplier": "Ditta Costosa", "submit": "1"}
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "over its €1,000.00" in html and "has not been saved" in html
    assert not Expense.objects.exists()
    data["exp-0-amount"] = "900.00"
    del data["submit"]
    data["save"] = "1"
    assert client.post(url, data).status_code == 302
    assert Expense.objects.get().amount == Decimal("900.00")


def test_my_area_panels(client, grant, promoter_user, staff_user):
    client.force_login(promoter_user)
    html = client.get(reverse("accounts:my_area")).content.decode()
    assert grant.title in html
    client.force_login(staff_user)
    html = client.get(reverse("accounts:my_area")).content.decode()
    assert "Grant reports" in html or "Rendiconti" in html


# Query counts -----------------------------------------------------------------------------

def bulk_grants(call, n, staff_user):
    """n grants with reports and tranches, made in bulk (fast)."""
    decision = final_decision(call, decided_by=staff_user)
    orgs = [OrganisationFactory() for _ in range(n)]
    district = District.objects.get(number=3)
    theme = ImpactTheme.objects.first()
    proposals = Proposal.objects.bulk_create(
        Proposal(call=call, organisation=o, status=ProposalStatus.FUNDED) for o in orgs)
    versions = ProposalVersion.objects.bulk_create(
        ProposalVersion(proposal=p, number=2, title=f"Progetto {p.pk}", district=district) for p in proposals)
    ProposalVersion.themes.through.objects.bulk_create(
        ProposalVersion.themes.through(proposalversion_id=v.pk, impacttheme_id=theme.pk) for v in versions)
    start = decision.items.count()
    items = DecisionItem.objects.bulk_create(
        DecisionItem(decision=decision, proposal=p, outcome="funded", rank=start + i + 1,
                     grant_amount=Decimal("10000.00")) for i, p in enumerate(proposals))
    grants = Grant.objects.bulk_create(
        Grant(decision_item=it, proposal=it.proposal, call=call, title=f"Progetto {i}", amount=Decimal("10000.00"),
              cup=next_cup(), start_date=date(2025, 1, 1), end_date=date(2027, 1, 1), status="active",
              district=district)
        for i, it in enumerate(items))
    Grant.themes.through.objects.bulk_create(
        Grant.themes.through(grant_id=g.pk, impacttheme_id=theme.pk) for g in grants)
    today = date.today()
    reports = Report.objects.bulk_create(
        Report(grant=g, kind="interim", number=1, period_start=g.start_date, period_end=g.start_date,
               due_date=today - timedelta(days=3 if i % 2 else -10), status="due" if i % 3 else "submitted")
        for i, g in enumerate(grants))
    Tranche.objects.bulk_create(
        Tranche(grant=g, order=1, condition="report", report=r, amount=Decimal("4000.00"),
                status="paid" if i % 2 else "payable", paid_on=date(2025, 2, 1) if i % 2 else None)
        for i, (g, r) in enumerate(zip(grants, reports, strict=True)))


def count_queries(client, url):
    """Queries of the page built from the database (nothing kept by the private page cache)."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_portfolio_charts_name_themes_and_districts_in_the_reader_language(staff_user, call):
    from django.utils import translation

    from grants.selectors import portfolio

    bulk_grants(call, 2, staff_user)
    theme = ImpactTheme.objects.first()
    with translation.override("en"):
        data = portfolio()
    assert data["by_theme"] == [(theme.name_en, Decimal("20000.00"))]
    assert data["by_district"] == [("District 3 - San Paolo, Cenisia, Pozzo Strada, Cit Turin, Borgata Lesna",
                                    Decimal("20000.00"))]
    ImpactTheme.objects.filter(pk=theme.pk).update(name_en=None)  # no English: the Italian
    with translation.override("en"):
        assert portfolio()["by_theme"] == [(theme.name_it, Decimal("20000.00"))]
    with translation.override("it"):
        data = portfolio()
    assert data["by_district"][0][0].startswith("Circoscrizione 3 - San Paolo")


@pytest.mark.parametrize("name", ["grants:portfolio", "grants:staff_list", "grants:transparency"])
def test_query_count_is_flat_for_5_and_100_grants(staff_client, staff_user, call, name):
    bulk_grants(call, 5, staff_user)
    url = reverse(name)
    staff_client.get(url)  # warm caches (roles, session)
    few = count_queries(staff_client, url)
    bulk_grants(call, 95, staff_user)
    assert Grant.objects.count() == 100
    many = count_queries(staff_client, url)
    assert few == many, (few, many)


def test_staff_signs_closes_and_revokes_through_the_pages(staff_client, call, staff_user, promoter_user):
    from tests.grants.factories import PDF as pdf

    g = make_grant(call, by=staff_user, member=promoter_user, amount=Decimal("60000.00"))
    url = reverse("grants:sign", kwargs={"pk": g.pk})
    future = (date.today() + timedelta(days=3)).isoformat()
    response = staff_client.post(url, {"signed_on": future,
                                       "agreement": SimpleUploadedFile("c.pdf", pdf, "application/pdf")}, follow=True)
    assert "cannot be in the future" in response.content.decode()
    fake = SimpleUploadedFile("c.pdf", b"MZ not a pdf", "application/pdf")
    response = staff_client.post(url, {"signed_on": "2025-01-20", "agreement": fake}, follow=True)
    g.refresh_from_db()
    assert g.status == "awarded"
    response = staff_client.post(url, {"signed_on": "2025-01-20",
                                       "agreement": SimpleUploadedFile("c.pdf", pdf, "application/pdf")})
    g.refresh_from_db()
    assert g.status == "signed" and g.signed_on == date(2025, 1, 20)
    assert g.tranches.get(order=1).status == TrancheStatus.PAYABLE
    assert staff_client.get(reverse("grants:budget", kwargs={"pk": g.pk})).status_code == 302
    # closing needs every report approved and every tranche paid
    staff_client.post(reverse("grants:pay", kwargs={"pk": g.tranches.get(order=1).pk}), PAY)
    g.refresh_from_db()
    assert g.status == "active"
    response = staff_client.post(reverse("grants:close", kwargs={"pk": g.pk}), follow=True)
    assert "Every report must be approved" in response.content.decode()
    revocation = {"reason": "", "act_number": "2025 00999", "act_date": "2025-03-01",
                  "act_official": "Dott.ssa Maria Bianchi"}
    response = staff_client.post(reverse("grants:revoke", kwargs={"pk": g.pk}), revocation)
    assert response.status_code == 200 and 'value="2025 00999"' in response.content.decode()
    g.refresh_from_db()
    assert g.status == "active"
    staff_client.post(reverse("grants:revoke", kwargs={"pk": g.pk}), {**revocation, "reason": "Attività mai avviate."})
    g.refresh_from_db()
    assert g.status == "revoked" and g.revocation_act_number == "2025 00999"
    page = staff_client.get(reverse("grants:transparency")).content.decode()
    assert g.cup in page and "Revoked" in page  # the revoked grant stays in the table, marked


def test_portfolio_figures_and_timeline_as_the_grants_and_tranches_add_up(staff_client, staff_user, call):
    """The portfolio's totals, charts and timeline are the sums the database makes: revoked grants
    left out, each grant counted by the version it funds, each tranche in the quarter it is paid or due."""
    bulk_grants(call, 4, staff_user)
    g0, g1, g2, g3 = Grant.objects.order_by("pk")
    Grant.objects.filter(pk=g0.pk).update(status="revoked")
    Report.objects.update(due_date=date(2025, 7, 10))  # the payable tranches: third quarter 2025
    Tranche.objects.create(grant=g2, order=2, condition="signature", amount=Decimal("1000.00"), status="planned")
    other_theme = ImpactTheme.objects.exclude(pk=ImpactTheme.objects.first().pk).first()
    # g1 funds a version with another theme and no district (award_grant keeps them on the grant)
    Grant.objects.filter(pk=g1.pk).update(district=None)
    g1.themes.set([other_theme])

    data = staff_client.get(reverse("grants:portfolio")).context["data"]
    assert (data["count"], data["committed"], data["paid"], data["payable"]) == (
        3, Decimal("30000.00"), Decimal("8000.00"), Decimal("4000.00"))
    assert data["remaining"] == Decimal("22000.00")
    first_theme = ImpactTheme.objects.first()
    assert data["by_theme"] == [(first_theme.name_en, Decimal("20000.00")), (other_theme.name_en, Decimal("10000.00"))]
    assert [(label[:10], amount) for label, amount in data["by_district"]] == [
        ("District 3", Decimal("20000.00")), ("—", Decimal("10000.00"))]
    zero = Decimal("0.00")
    assert data["timeline"] == [
        ("2025-T1", {"paid": Decimal("8000.00"), "payable": zero, "planned": Decimal("1000.00")}),
        ("2025-T2", {"paid": zero, "payable": zero, "planned": zero}),
        ("2025-T3", {"paid": zero, "payable": Decimal("4000.00"), "planned": zero}),
    ]
    call_only = staff_client.get(reverse("grants:portfolio") + f"?call={call.slug}").context["data"]
    assert call_only["count"] == 3 and call_only["timeline"] == data["timeline"]


def test_portfolio_counts_a_paid_tranche_without_its_date_in_the_totals_only(staff_client, staff_user, call):
    """A tranche marked paid with no payment date (the admin does not ask for one) adds to the
    paid total and to no quarter; the page still shows."""
    bulk_grants(call, 2, staff_user)
    g0, g1 = Grant.objects.order_by("pk")
    paid = Tranche.objects.filter(grant=g1, status="paid").first()
    assert staff_client.get(reverse("grants:portfolio")).context["data"]["paid"] == paid.amount
    Tranche.objects.filter(pk=paid.pk).update(paid_on=None)  # around the services: no page made stale
    cache.clear()
    data = staff_client.get(reverse("grants:portfolio")).context["data"]
    assert data["paid"] == paid.amount
    assert sum(v["paid"] for _q, v in data["timeline"]) == 0
