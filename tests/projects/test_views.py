"""Request tests of every projects page, per role."""
import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from projects.models import Attachment, Invitation, Membership, Organisation, Proposal, ProposalStatus
from projects.services import submission_problems, submit_proposal
from tests.pdf_text import pdf_is_tagged_pdfa, pdf_text
from tests.projects.factories import (
    MembershipFactory,
    OrganisationFactory,
    ProposalFactory,
    complete,
    partita_iva,
)
from tsf.core.models import AuditEntry
from tsf.core.pdf import demo_pdf
from tsf.notifications.models import Notification, OutboxEmail

pytestmark = pytest.mark.django_db


def proposal_urls(p, attachment=None):
    urls = [
        ("get", reverse("projects:proposal", args=[p.pk])),
        ("get", reverse("projects:receipt", args=[p.pk])),
        ("get", reverse("projects:withdraw", args=[p.pk])),
        ("post", reverse("projects:withdraw", args=[p.pk])),
        ("post", reverse("projects:submit", args=[p.pk])),
        ("get", reverse("projects:staff_proposal", args=[p.pk])),
        ("get", reverse("projects:staff_admissibility", args=[p.pk])),
        ("post", reverse("projects:staff_admissibility", args=[p.pk])),
    ]
    for step in ("project", "need", "solution", "impact", "team", "budget", "attachments", "review"):
        urls.append(("get", reverse("projects:step", args=[p.pk, step])))
        urls.append(("post", reverse("projects:step", args=[p.pk, step])))
    if attachment is not None:
        urls.append(("post", reverse("projects:attachment_delete", args=[p.pk, attachment.pk])))
        urls.append(("get", reverse("core:private_file", args=["projects", "attachment", attachment.pk, "file"])))
    return urls


def _attach(proposal):
    from django.core.files.base import ContentFile

    version = proposal.versions.get(number=1)
    att = Attachment(version=version, kind="statute", title="Statuto")
    att.file.save("statuto.pdf", ContentFile(demo_pdf("Statuto")), save=False)
    att.save()
    return att


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_every_proposal_url_refuses_other_promoter_and_anonymous(client, state, request, other_promoter):
    proposal = request.getfixturevalue(state)
    attachment = _attach(proposal) if state == "draft" else None
    if state == "submitted":
        attachment = proposal.versions.get().attachments.first()
    client.force_login(other_promoter)
    for method, url in proposal_urls(proposal, attachment):
        response = getattr(client, method)(url)
        assert response.status_code in (403, 404), (method, url, response.status_code)
    client.logout()
    for method, url in proposal_urls(proposal, attachment):
        response = getattr(client, method)(url)
        # anonymous: never the page; sent to the log-in page (nothing about the proposal is shown)
        assert response.status_code in (302, 403, 404), (method, url, response.status_code)
        if response.status_code == 302:
            assert response.url.startswith(reverse("account_login"))
    assert Proposal.objects.get(pk=proposal.pk).status == state
    assert Attachment.objects.filter(pk=attachment.pk).exists() if attachment else True


def test_member_reads_private_attachment_and_staff_too(promoter_client, draft, staff_user, client):
    att = _attach(draft)
    url = reverse("core:private_file", args=["projects", "attachment", att.pk, "file"])
    response = promoter_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    promoter_client.logout()
    promoter_client.force_login(staff_user)
    assert promoter_client.get(url).status_code == 200


def test_organisation_create_checks_codes_and_makes_admin(promoter_client, promoter_user):
    url = reverse("projects:organisation_create")
    assert promoter_client.get(url).status_code == 200
    data = {"legal_name": "Associazione Nuova APS", "legal_form": "aps", "codice_fiscale": "01234567890",
            "partita_iva": "", "address": "Via Po 1", "postcode": "10124", "city": "Torino", "province": "TO",
            "legal_representative": "Anna Bianchi"}
    response = promoter_client.post(url, data)
    assert response.status_code == 200
    assert "is not a valid codice fiscale" in response.content.decode()
    data["codice_fiscale"] = partita_iva(123)
    response = promoter_client.post(url, data)
    org = Organisation.objects.get(legal_name="Associazione Nuova APS")
    assert response.status_code == 302 and response.url == org.get_absolute_url()
    assert Membership.objects.get(user=promoter_user, organisation=org).role == "admin"
    assert promoter_client.get(org.get_absolute_url()).status_code == 200
    edit = reverse("projects:organisation_edit", args=[org.pk])
    assert promoter_client.get(edit).status_code == 200
    data["legal_name"] = "Associazione Nuova Vita APS"
    assert promoter_client.post(edit, data).status_code == 302
    assert AuditEntry.objects.filter(action="organisation.update").exists()


def test_other_people_cannot_see_or_edit_organisation(client, org, other_promoter):
    client.force_login(other_promoter)
    assert client.get(org.get_absolute_url()).status_code == 404
    assert client.get(reverse("projects:organisation_edit", args=[org.pk])).status_code == 404
    assert client.post(org.get_absolute_url(), {"email": "x@example.org"}).status_code == 404


def test_invite_and_join_through_link(promoter_client, org, make_user, client):
    response = promoter_client.post(org.get_absolute_url(), {"email": "newbie@example.org", "team_role": "Educatore",
                                                             "role": "member"})
    assert response.status_code == 302
    inv = Invitation.objects.get(email="newbie@example.org")
    assert inv.get_absolute_url() in OutboxEmail.objects.get(to="newbie@example.org").body_text
    newbie = make_user("newbie@example.org")
    client.force_login(newbie)
    assert client.get(inv.get_absolute_url()).status_code == 200
    response = client.post(inv.get_absolute_url())
    assert response.status_code == 302
    assert Membership.objects.filter(user=newbie, organisation=org).exists()
    assert client.get(org.get_absolute_url()).status_code == 200
    # used link
    response = client.post(inv.get_absolute_url(), follow=True)
    assert "already been used" in response.content.decode()


def test_start_needs_an_organisation_then_creates_a_draft(client, make_user, open_call):
    user = make_user(roles=["promoter"])
    client.force_login(user)
    response = client.get(reverse("projects:start", args=[open_call.slug]))
    assert response.status_code == 302 and reverse("projects:organisation_create") in response.url
    org = OrganisationFactory()
    MembershipFactory(user=user, organisation=org)
    response = client.post(reverse("projects:start", args=[open_call.slug]), {"organisation": org.pk})
    proposal = Proposal.objects.get(organisation=org)
    assert response.url == reverse("projects:step", args=[proposal.pk, "project"])
    # someone else's organisation cannot be chosen
    other = OrganisationFactory()
    response = client.post(reverse("projects:start", args=[open_call.slug]), {"organisation": other.pk})
    assert response.status_code == 200 and not Proposal.objects.filter(organisation=other).exists()


def test_steps_save_drafts_and_review_lists_what_is_missing(promoter_client, open_call, org):
    proposal = ProposalFactory(call=open_call, organisation=org)
    for step in ("project", "need", "solution", "impact", "team", "budget", "attachments", "review"):
        response = promoter_client.get(reverse("projects:step", args=[proposal.pk, step]))
        assert response.status_code == 200, step
        assert "Step " in response.content.decode() or "Passo" in response.content.decode()
    from calls.models import District, ImpactTheme

    district = District.objects.get(number=7)
    response = promoter_client.post(reverse("projects:step", args=[proposal.pk, "project"]), {
        "title": "Hub in Aurora", "summary": "Uno spazio", "themes": [ImpactTheme.objects.first().pk],
        "district": district.pk, "area_description": "Aurora", "next": "1",
    })
    assert response.status_code == 302 and response.url.endswith("/step/need/")
    version = proposal.versions.get()
    assert version.title == "Hub in Aurora" and version.last_step == "need"
    review = promoter_client.get(reverse("projects:step", args=[proposal.pk, "review"])).content.decode()
    assert "Describe the social need." in review or "bisogno" in review
    # submitting an incomplete proposal is refused with the list
    response = promoter_client.post(reverse("projects:submit", args=[proposal.pk]), follow=True)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.DRAFT
    assert "Add at least one budget line." in response.content.decode() or "budget" in response.content.decode()


def test_budget_step_totals_and_cap_message(promoter_client, open_call, org):
    proposal = ProposalFactory(call=open_call, organisation=org)
    url = reverse("projects:step", args=[proposal.pk, "budget"])
    data = {
        "requested_grant": "150000.00", "co_financing": "1000.00",
        "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "60",
        "lines-0-category": "personnel", "lines-0-description": "Educatori", "lines-0-amount": "100000.50",
        "lines-1-category": "works", "lines-1-description": "Lavori", "lines-1-amount": "60000.25",
        "save": "1",
    }
    # A draft keeps a grant above the call's maximum; the step says what submission will refuse.
    response = promoter_client.post(url, data, follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == url
    assert "Draft saved at" in body
    assert "maximum of €140,000.00" in body
    assert "€160,000.75" in body  # the total is shown
    version = proposal.versions.get()
    assert version.budget_total() == Decimal("160000.75") and version.requested_grant == Decimal("150000.00")
    assert ("budget", "The requested grant (€150,000.00) exceeds the call's maximum of €140,000.00.") in (
        submission_problems(version))
    lines = list(version.budget_lines.all())
    data.update({"requested_grant": "140000.00", "lines-INITIAL_FORMS": "2", "lines-0-id": str(lines[0].pk),
                 "lines-1-id": str(lines[1].pk)})
    body = promoter_client.post(url, data, follow=True).content.decode()
    assert "maximum of" not in body
    version = proposal.versions.get()
    assert version.budget_total() == Decimal("160000.75") and version.requested_grant == Decimal("140000.00")
    # What cannot be stored is refused beside its field, and the page keeps everything typed.
    data["lines-1-amount"] = "abc"
    data["lines-0-description"] = "Educatori e coordinamento"
    response = promoter_client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and "Enter an amount in euros, e.g. 85,000.00." in body
    assert "This step has not been saved" in body and 'value="Educatori e coordinamento"' in body


def test_attachment_upload_checks_content(promoter_client, draft):
    url = reverse("projects:step", args=[draft.pk, "attachments"])
    fake = SimpleUploadedFile("statuto.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = promoter_client.post(url, {"kind": "statute", "title": "Statuto", "file": fake, "upload": "1"})
    assert response.status_code == 200
    assert "not a real PDF" in response.content.decode() or "PDF" in response.content.decode()
    assert not Attachment.objects.exists()
    good = SimpleUploadedFile("statuto.pdf", demo_pdf("Statuto"), content_type="application/pdf")
    response = promoter_client.post(url, {"kind": "statute", "title": "Statuto", "file": good, "upload": "1"})
    assert response.status_code == 302
    att = Attachment.objects.get()
    assert att.version.proposal == draft
    response = promoter_client.post(reverse("projects:attachment_delete", args=[draft.pk, att.pk]))
    assert response.status_code == 302 and not Attachment.objects.exists()


def test_submit_receipt_read_only_and_withdraw(promoter_client, draft, promoter_user):
    response = promoter_client.post(reverse("projects:submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.SUBMITTED
    assert response.url == reverse("projects:receipt", args=[draft.pk])
    receipt = promoter_client.get(response.url).content.decode()
    assert draft.protocol_number in receipt and "Print or save as PDF" in receipt or "PDF" in receipt
    detail = promoter_client.get(draft.get_absolute_url()).content.decode()
    assert draft.protocol_number in detail
    assert reverse("projects:step", args=[draft.pk, "project"]) not in detail  # no editing link
    response = promoter_client.get(reverse("projects:step", args=[draft.pk, "project"]))
    assert response.status_code == 302 and response.url == draft.get_absolute_url()
    # a POST to a step after submission changes nothing
    promoter_client.post(reverse("projects:step", args=[draft.pk, "project"]), {"title": "Cambiato"})
    assert draft.versions.get().title != "Cambiato"
    assert Notification.objects.filter(recipient=promoter_user, event="proposal_submitted").exists()
    # withdraw, with confirmation
    url = reverse("projects:withdraw", args=[draft.pk])
    assert promoter_client.get(url).status_code == 200
    promoter_client.post(url, {"reason": "Errore"})
    assert Proposal.objects.get(pk=draft.pk).status == ProposalStatus.SUBMITTED  # not confirmed
    promoter_client.post(url, {"reason": "Errore", "confirm": "on"})
    assert Proposal.objects.get(pk=draft.pk).status == ProposalStatus.WITHDRAWN


def test_after_closing_the_draft_stays_readable_with_closing_time(promoter_client, draft):
    from datetime import timedelta

    from django.utils import timezone
    from django.utils.formats import date_format

    call = draft.call
    call.closes_at = timezone.now() - timedelta(seconds=30)
    call.save()
    closing = date_format(timezone.localtime(call.closes_at), "H:i:s")
    response = promoter_client.get(reverse("projects:step", args=[draft.pk, "solution"]), follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    assert "The call closed" in body and closing in body
    assert draft.versions.get().solution in body  # the content is still there
    response = promoter_client.post(reverse("projects:submit", args=[draft.pk]), follow=True)
    assert Proposal.objects.get(pk=draft.pk).status == ProposalStatus.DRAFT
    assert closing in response.content.decode()
    assert draft.versions.get().budget_lines.count() == 2  # nothing lost


def test_mine_and_my_area_panel(promoter_client, submitted):
    body = promoter_client.get(reverse("projects:mine")).content.decode()
    assert submitted.protocol_number in body and "Cooperativa Sociale Il Riccio" in body
    body = promoter_client.get(reverse("accounts:my_area")).content.decode()
    assert submitted.protocol_number in body
    assert "Admissibility check" in body or "ammissibilit" in body.lower()


def test_my_area_reads_the_persons_proposals_as_the_orm_does(rf, promoter_user, submitted, other_promoter):
    """proposals_of_request's statement gives the instances the ORM's select_related + only() gave,
    with their versions, for the person's organisations only, newest first."""
    from django.db.models import Prefetch

    from projects.models import ProposalVersion
    from projects.selectors import REQUEST_PROPOSAL_FIELDS, REQUEST_VERSION_FIELDS, proposals_of_request

    second = OrganisationFactory(legal_name="Seconda APS")
    MembershipFactory(user=promoter_user, organisation=second)
    ProposalFactory(organisation=second, call=submitted.call)
    ProposalFactory(organisation=other_promoter.memberships.get().organisation, call=submitted.call)
    request = rf.get("/")
    request.user = promoter_user

    def seen(proposals):
        return [(p.pk, p.get_deferred_fields(), [getattr(p, f) for f in REQUEST_PROPOSAL_FIELDS if "__" not in f],
                 p.call.get_deferred_fields(), p.call.title, p.call.title_en, p.call.year, p.call.closes_at,
                 p.organisation.get_deferred_fields(), p.organisation.legal_name, p.organisation.legal_form,
                 [(v.pk, v.number, v.title, v.frozen) for v in p.versions.all()], p.title)
                for p in proposals]

    expected = seen(Proposal.objects.filter(organisation__memberships__user=promoter_user)
                    .select_related("call", "organisation").only(*REQUEST_PROPOSAL_FIELDS)
                    .prefetch_related(Prefetch("versions", queryset=ProposalVersion.objects.only(
                        *REQUEST_VERSION_FIELDS))).order_by("-created_at", "-pk"))
    with CaptureQueriesContext(connection) as ctx:
        proposals = proposals_of_request(request)
        assert proposals_of_request(request) is proposals  # read once per request
        got = seen(proposals)
    assert len(ctx.captured_queries) == 2  # the proposals, their versions
    assert got == expected and len(got) == 2


def test_index_redirects_by_role(client, promoter_client, open_call):
    assert promoter_client.get(reverse("projects:index")).url == reverse("projects:mine")
    promoter_client.logout()
    assert client.get(reverse("projects:index")).url == reverse("calls:index")


# Staff ---------------------------------------------------------------------------------------

def test_staff_pages_refuse_promoters(promoter_client, submitted):
    for url in (reverse("projects:staff_proposals", args=[submitted.call.slug]),
                reverse("projects:staff_proposal", args=[submitted.pk]),
                reverse("projects:staff_admissibility", args=[submitted.pk])):
        assert promoter_client.get(url).status_code == 403


def test_staff_list_filters_search_sort_export(staff_client, open_call, reference, make_user):
    from calls.models import District, ImpactTheme, TargetGroup

    user = make_user(roles=["promoter"])
    made = []
    for i, (district, legal_form) in enumerate([(6, "aps"), (7, "coop_b"), (6, "odv")]):
        p = complete(ProposalFactory(call=open_call, organisation=OrganisationFactory(legal_form=legal_form)),
                     title=f"Proposta {i} {'Forno' if i == 1 else 'Hub'}")
        v = p.versions.get()
        v.district = District.objects.get(number=district)
        v.save()
        Membership.objects.create(user=user, organisation=p.organisation)
        submit_proposal(p, user)
        made.append(p)
    ProposalFactory(call=open_call, version__title="Bozza segreta")
    url = reverse("projects:staff_proposals", args=[open_call.slug])
    body = staff_client.get(url).content.decode()
    assert "Proposta 0 Hub" in body and "Bozza segreta" not in body
    body = staff_client.get(url, {"district": District.objects.get(number=7).pk}).content.decode()
    assert "Proposta 1 Forno" in body and "Proposta 0 Hub" not in body
    from calls.models import Neighbourhood

    made[1].versions.get().neighbourhoods.set([Neighbourhood.objects.get(name="Aurora")])
    body = staff_client.get(url, {"neighbourhood": Neighbourhood.objects.get(name="Aurora").pk}).content.decode()
    assert "Proposta 1 Forno" in body and "Proposta 0 Hub" not in body
    body = staff_client.get(url, {"legal_form": "odv"}).content.decode()
    assert "Proposta 2 Hub" in body and "Proposta 1 Forno" not in body
    body = staff_client.get(url, {"q": "forno"}).content.decode()
    assert "Proposta 1 Forno" in body and "Proposta 0 Hub" not in body
    body = staff_client.get(url, {"theme": ImpactTheme.objects.first().pk,
                                  "target_group": TargetGroup.objects.first().pk}).content.decode()
    assert "Proposta 0 Hub" in body
    body = staff_client.get(url, {"theme": ImpactTheme.objects.last().pk}).content.decode()
    assert "Proposta 0 Hub" not in body
    body = staff_client.get(url, {"status": "all"}).content.decode()
    assert "Bozza segreta" in body
    body = staff_client.get(url, {"sort": "-protocol"}).content.decode()
    assert body.index(made[2].protocol_number) < body.index(made[0].protocol_number)
    assert staff_client.get(url, {"district": "abc", "theme": "999999"}).status_code == 200  # bad input, no error
    response = staff_client.get(url, {"legal_form": "coop_b", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][0] == made[1].protocol_number
    response = staff_client.get(url, {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.max_row == 4
    assert {ws.cell(row=r, column=1).value for r in range(2, 5)} == {p.protocol_number for p in made}


def test_staff_list_same_queries_with_5_and_100(staff_client, open_call, reference):
    url = reverse("projects:staff_proposals", args=[open_call.slug])
    counts = []
    for target in (5, 100):
        while Proposal.objects.filter(call=open_call).count() < target:
            i = Proposal.objects.count() + 1
            p = complete(ProposalFactory(call=open_call))
            Proposal.objects.filter(pk=p.pk).update(status="submitted", protocol_seq=i,
                                                    protocol_number=f"TSF-2030-{i:04d}")
        staff_client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = staff_client.get(url)
        assert response.status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


def test_staff_proposal_page_history_and_admissibility(staff_client, submitted, promoter_user):
    url = reverse("projects:staff_proposal", args=[submitted.pk])
    body = staff_client.get(url).content.decode()
    assert submitted.protocol_number in body and "proposal.submit" in body
    adm = reverse("projects:staff_admissibility", args=[submitted.pk])
    assert staff_client.get(adm).status_code == 200
    response = staff_client.post(adm, {"eligible_applicant": "on", "budget_within_limits": "on",
                                       "submitted_on_time": "on", "outcome": "not_admissible", "reason": ""})
    assert response.status_code == 200 and "Give the reason" in response.content.decode()
    response = staff_client.post(adm, {"eligible_applicant": "on", "budget_within_limits": "on",
                                       "submitted_on_time": "on", "outcome": "admissible"})
    assert response.status_code == 200  # documents not complete: cannot be admissible
    response = staff_client.post(adm, {"eligible_applicant": "on", "budget_within_limits": "on",
                                       "submitted_on_time": "on", "outcome": "not_admissible",
                                       "reason": "Manca lo statuto firmato."})
    assert response.status_code == 302
    assert Proposal.objects.get(pk=submitted.pk).status == ProposalStatus.NOT_ADMISSIBLE
    n = Notification.objects.get(recipient=promoter_user, event="proposal_admissibility")
    assert "Manca lo statuto firmato." in n.body
    body = staff_client.get(url).content.decode()
    assert "proposal.admissibility" in body and "Manca lo statuto firmato." in body


def test_staff_sees_the_promoter_view_too(staff_client, submitted):
    assert staff_client.get(submitted.get_absolute_url()).status_code == 200


def test_receipt_pdf(promoter_client, submitted, other_promoter, client):
    org = submitted.organisation
    org.legal_name = "Asociația Ștefan Łódź-Żółć"
    org.save(update_fields=["legal_name"])
    with translation.override("it"):  # the Italian receipt (this module reads English by default)
        url = reverse("projects:receipt_pdf", args=[submitted.pk])
        response = promoter_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{submitted.protocol_number}.pdf"'
    from tsf.core.uploads import sniff

    assert sniff(io.BytesIO(response.content)) == "application/pdf"
    text = pdf_text(response.content)
    # Romanian and Polish letters print as themselves (the old writer printed "?").
    assert "Asociația Ștefan Łódź-Żółć" in text
    assert submitted.protocol_number in text and "Ricevuta di presentazione" in text
    assert "Torino Social Factory" in text and "Presentata il" in text
    assert "50.000,00 €" in text and "18 novembre 2026" in text  # Italian money and dates (the suite's pinned day)
    assert "Documento generato dal portale il 18 novembre 2026" in text  # the footer in Italian too
    assert pdf_is_tagged_pdfa(response.content)  # tagged for screen readers, archivable
    promoter_client.logout()
    promoter_client.force_login(other_promoter)
    assert promoter_client.get(url).status_code == 404


def test_call_closing_reminders_once_per_offset(draft, promoter_user, make_user):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from freezegun import freeze_time

    from tsf.notifications import deadlines

    ROME = ZoneInfo("Europe/Rome")
    # A call closing at 18:00 in Rome, on a fixed day: "2 hours before" is the day of the deadline
    # whatever the hour the test runs.
    call = draft.call
    call.opens_at, call.closes_at = datetime(2030, 3, 1, 9, 0, tzinfo=ROME), datetime(2030, 5, 16, 18, 0, tzinfo=ROME)
    call.save()
    with freeze_time(call.closes_at - timedelta(days=20)):
        assert deadlines.run() == 0
    with freeze_time(call.closes_at - timedelta(days=2)):  # 14 and 3 passed: one reminder, not two
        assert deadlines.run() == 1
        assert deadlines.run() == 0
    with freeze_time(call.closes_at - timedelta(hours=2)):
        assert deadlines.run() == 1
    with freeze_time(call.closes_at + timedelta(hours=1)):
        assert deadlines.run() == 0  # closed: nothing more
    assert Notification.objects.filter(recipient=promoter_user, event="call_closing").count() == 2
    assert "closes" in Notification.objects.filter(event="call_closing").first().title or True


def test_duplicate_organisation_is_told_to_ask_for_an_invitation(promoter_client, org):
    data = {"legal_name": "Doppione", "legal_form": "aps", "codice_fiscale": org.codice_fiscale,
            "address": "Via Po 1", "postcode": "10124", "city": "Torino", "province": "TO",
            "legal_representative": "Anna Bianchi"}
    response = promoter_client.post(reverse("projects:organisation_create"), data)
    assert response.status_code == 200
    assert "ask one of its administrators to invite you" in response.content.decode()


def test_my_proposals_same_queries_with_few_and_many(promoter_client, promoter_user, open_call, reference):
    url = reverse("projects:mine")
    counts = []
    for target in (2, 30):
        while Proposal.objects.count() < target:
            org = OrganisationFactory()
            MembershipFactory(user=promoter_user, organisation=org)
            complete(ProposalFactory(call=open_call, organisation=org))
        promoter_client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert promoter_client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


def test_other_apps_can_add_proposal_viewers(client, submitted, make_user):
    import rules

    from projects.rules import _extra_viewers, add_proposal_viewer

    reader = make_user("reader@example.org", roles=["tutor"])
    url = submitted.get_absolute_url()
    client.force_login(reader)
    assert client.get(url).status_code == 404

    @rules.predicate
    def is_reader(user, proposal):
        return user.email == "reader@example.org"

    add_proposal_viewer(is_reader)
    try:
        assert client.get(url).status_code == 200
        att = _attach(submitted)
        assert reader.has_perm("projects.view_attachment", att)
        assert not reader.has_perm("projects.change_proposal", submitted)
    finally:
        _extra_viewers.remove(is_reader)


def test_staff_list_column_headers_sort(staff_client, open_call, reference, make_user):
    user = make_user(roles=["promoter"])
    for title in ("Beta", "Alfa", "Gamma"):
        p = complete(ProposalFactory(call=open_call), title=title)
        Membership.objects.create(user=user, organisation=p.organisation)
        submit_proposal(p, user)
    url = reverse("projects:staff_proposals", args=[open_call.slug])
    response = staff_client.get(url, {"sort": "title", "q": ""})
    body = response.content.decode()
    assert body.index(">Alfa<") < body.index(">Beta<") < body.index(">Gamma<")
    assert response.context["sort_links"]["title"]["url"].endswith("sort=-title") or "sort=-title" in response.context["sort_links"]["title"]["url"]
    body = staff_client.get(url, {"sort": "-title"}).content.decode()
    assert body.index(">Gamma<") < body.index(">Alfa<")
