"""The call's rules on proposals, enforced by the services whatever a form sends: the documents the
call requires (configurable per call) before submission, listed on the review step; the
admissibility checklist starts unticked; the call's admissibility list is approved once, by one act,
when every submitted proposal is checked; a corrected outcome needs a reason kept in the history and
waits for the next list."""
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from projects import services
from projects.models import AdmissibilityCheck, AdmissibilityList, Attachment, Proposal
from tests.factories import NO_ACT
from tests.forms_as_rendered import read_form
from tests.pdf_text import pdf_is_tagged_pdfa, pdf_text
from tests.projects.factories import ProposalFactory, complete
from tsf.core.models import AuditEntry

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _attach(proposal, kind):
    att = Attachment(version=proposal.versions.get(number=1), kind=kind, title=kind)
    att.file.save(f"{kind}.pdf", ContentFile(PDF), save=False)
    att.save()
    return att


def test_a_proposal_without_the_required_documents_cannot_be_submitted(draft, promoter_user, promoter_client):
    call = draft.call
    call.required_attachments = ["statute", "budget", "cv"]
    call.save()
    _attach(draft, "budget")
    with pytest.raises(services.IncompleteProposal) as exc:
        services.submit_proposal(draft, promoter_user)
    assert exc.value.problems == [
        ("attachments", "Attach the document the call requires: Statute and deed of incorporation."),
        ("attachments", "Attach the document the call requires: CVs of the team."),
    ]
    assert Proposal.objects.get(pk=draft.pk).status == "draft"
    review = promoter_client.get(reverse("projects:step", args=[draft.pk, "review"])).content.decode()
    assert "Attach the document the call requires: Statute and deed of incorporation." in review
    assert "Attach the document the call requires: CVs of the team." in review
    assert "Detailed budget." not in review
    _attach(draft, "statute")
    _attach(draft, "cv")
    services.submit_proposal(draft, promoter_user)
    assert Proposal.objects.get(pk=draft.pk).status == "submitted"


def test_a_call_without_required_documents_asks_for_none(draft, promoter_user):
    assert draft.call.required_attachments == []
    services.submit_proposal(draft, promoter_user)
    assert Proposal.objects.get(pk=draft.pk).status == "submitted"


CHECKLIST = {"eligible_applicant": True, "documents_complete": True, "budget_within_limits": True,
             "submitted_on_time": True}
LIST_ACT = {"act_number": "2019 00100", "act_date": date(2019, 3, 1), "act_official": "Dott.ssa Maria Bianchi"}


def test_correcting_an_admissibility_outcome_needs_a_reason_and_waits_for_the_next_list(submitted, staff_user):
    services.record_admissibility(submitted, by=staff_user, outcome="admissible", **CHECKLIST)
    check = AdmissibilityCheck.objects.get(proposal=submitted)
    assert check.admissibility_list is None and check.act == ""  # waits for the act approving the list
    first = services.approve_admissibility_list(submitted.call, by=staff_user, **LIST_ACT)
    check.refresh_from_db()
    assert (first.number, check.admissibility_list) == (1, first)
    assert check.act == "Executive decision no. 2019 00100 of 1 March 2019 (Dott.ssa Maria Bianchi)"
    with pytest.raises(services.ProposalError) as exc:
        services.record_admissibility(submitted, by=staff_user, outcome="not_admissible",
                                      reason="Statuto non firmato.", **CHECKLIST)
    assert exc.value.field == "correction_reason"
    assert exc.value.messages == ["The outcome was “Admissible”: give the reason for correcting it."]
    assert Proposal.objects.get(pk=submitted.pk).status == "admissible"
    services.record_admissibility(submitted, by=staff_user, outcome="not_admissible", reason="Statuto non firmato.",
                                  correction_reason="Lo statuto caricato non è firmato dal legale rappresentante.",
                                  **CHECKLIST)
    assert Proposal.objects.get(pk=submitted.pk).status == "not_admissible"
    entry = AuditEntry.objects.get(action="proposal.admissibility_correct")
    assert entry.note == "Lo statuto caricato non è firmato dal legale rappresentante."
    assert entry.changes == {"status": ["admissible", "not_admissible"]}
    # The corrected outcome left the first list (which keeps its act) and waits for the next one.
    check.refresh_from_db()
    assert check.admissibility_list is None
    second = services.approve_admissibility_list(submitted.call, by=staff_user, act_number="2019 00150",
                                                 act_date=date(2019, 3, 20), act_official="Dott.ssa Maria Bianchi")
    check.refresh_from_db()
    assert (second.number, check.admissibility_list, first.checks.count()) == (2, second, 0)
    entry = AuditEntry.objects.filter(action="call.admissibility_list").latest("pk")
    assert entry.changes["act"] == [None, "Executive decision no. 2019 00150 of 20 March 2019 (Dott.ssa Maria Bianchi)"]
    assert entry.changes["not_admissible"] == [None, 1] and entry.changes["admissible"] == [None, 0]


@pytest.mark.parametrize(("act", "field", "message"), NO_ACT)
def test_the_admissibility_list_is_not_approved_without_its_act(submitted, staff_user, act, field, message):
    services.record_admissibility(submitted, by=staff_user, outcome="admissible", **CHECKLIST)
    with pytest.raises(services.ProposalError) as exc:
        services.approve_admissibility_list(submitted.call, by=staff_user, **act)
    assert message in exc.value.messages and exc.value.field == field
    assert not AdmissibilityList.objects.exists()
    assert AdmissibilityCheck.objects.get(proposal=submitted).admissibility_list is None


def test_the_admissibility_list_waits_for_every_submitted_proposal_and_is_approved_once(
        submitted, staff_user, promoter_user):
    other = complete(ProposalFactory(call=submitted.call, organisation=submitted.organisation))
    services.submit_proposal(other, promoter_user)
    services.record_admissibility(submitted, by=staff_user, outcome="admissible", **CHECKLIST)
    with pytest.raises(services.ProposalError) as exc:
        services.approve_admissibility_list(submitted.call, by=staff_user, **LIST_ACT)
    assert exc.value.messages == ["1 submitted proposal has not been checked yet: check it before approving the list."]
    services.record_admissibility(other, by=staff_user, outcome="not_admissible", reason="Fuori termine.",
                                  **{**CHECKLIST, "submitted_on_time": False})
    made = services.approve_admissibility_list(submitted.call, by=staff_user, **LIST_ACT)
    assert made.checks.count() == 2
    with pytest.raises(services.ProposalError) as exc:
        services.approve_admissibility_list(submitted.call, by=staff_user, **LIST_ACT)
    assert exc.value.messages == [
        "No checked outcome waits for an act: every one is in an approved admissibility list."]
    assert AdmissibilityList.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.approve_admissibility_list(submitted.call, by=promoter_user, **LIST_ACT)


def test_the_checklist_starts_unticked(staff_client, submitted):
    _attach(submitted, "statute")
    with translation.override("it"):
        url = reverse("projects:staff_admissibility", args=[submitted.pk])
        form = read_form(staff_client, url, button="Registra l'esito")
        for item in ("eligible_applicant", "documents_complete", "budget_within_limits", "submitted_on_time"):
            assert form[item] is None, item  # nothing ticked for the officer
        form["outcome"] = "admissible"
        response = form.submit(button="Registra l'esito")
        assert response.status_code == 200
        assert "Una proposta è ammissibile solo se tutti i requisiti della lista di controllo sono soddisfatti." in (
            response.content.decode())
        for item in ("eligible_applicant", "documents_complete", "budget_within_limits", "submitted_on_time"):
            form.tick(item)
        response = form.submit(button="Registra l'esito")
    assert response.status_code == 302, response.content.decode()
    check = AdmissibilityCheck.objects.get(proposal=submitted)
    assert (check.outcome, check.admissibility_list) == ("admissible", None)


def test_the_list_is_approved_once_in_italian_and_files_as_a_pdf_and_an_export(staff_client, submitted, staff_user):
    services.record_admissibility(submitted, by=staff_user, outcome="admissible", **CHECKLIST)
    with translation.override("it"):
        url = reverse("projects:staff_admissibility_list", args=[submitted.call.slug])
        page = staff_client.get(url).content.decode()
        assert "in attesa dell&#x27;atto" in page or "in attesa dell'atto" in page
        form = read_form(staff_client, url, button="Approva l'elenco di ammissibilità")
        form["act_number"] = "2019 00100"
        form["act_date"] = "01/03/2019"  # picked in the date field of an Italian browser
        form["act_official"] = "Dott.ssa Maria Bianchi"
        response = form.submit(button="Approva l'elenco di ammissibilità")
        assert response.status_code == 302, response.content.decode()
        page = staff_client.get(url).content.decode()
        assert "Determinazione dirigenziale n. 2019 00100 del 1 marzo 2019 (Dott.ssa Maria Bianchi)" in page
        pdf = staff_client.get(reverse("projects:staff_admissibility_list_pdf", args=[submitted.call.slug, 1]))
        csv_text = b"".join(staff_client.get(url, {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Determinazione dirigenziale n. 2019 00100 del 1 marzo 2019" in text
    assert submitted.protocol_number in text and submitted.organisation.legal_name in text
    assert pdf_is_tagged_pdfa(pdf.content)
    assert "2019 00100" in csv_text and "Dott.ssa Maria Bianchi" in csv_text and submitted.protocol_number in csv_text
    made = AdmissibilityList.objects.get()
    assert (made.act_number, made.act_date, made.act_official, made.approved_by) == (
        "2019 00100", date(2019, 3, 1), "Dott.ssa Maria Bianchi", staff_user)
