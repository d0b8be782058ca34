"""The call's rules on proposals, enforced by the services whatever a form sends: the documents the
call requires (configurable per call) before submission, listed on the review step; the
admissibility checklist starts unticked, its act is recorded, and a corrected outcome needs a
reason kept in the history."""
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from projects import services
from projects.models import AdmissibilityCheck, Attachment, Proposal
from tests.forms_as_rendered import read_form
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


def test_correcting_an_admissibility_outcome_needs_a_reason_kept_in_the_history(submitted, staff_user):
    checklist = {"eligible_applicant": True, "documents_complete": True, "budget_within_limits": True,
                 "submitted_on_time": True}
    services.record_admissibility(submitted, by=staff_user, outcome="admissible", act_number="2019 00100",
                                  act_date=date(2019, 3, 1), act_official="Dott.ssa Maria Bianchi", **checklist)
    check = AdmissibilityCheck.objects.get(proposal=submitted)
    assert check.act == "Executive decision no. 2019 00100 of 1 March 2019 (Dott.ssa Maria Bianchi)"
    with pytest.raises(services.ProposalError) as exc:
        services.record_admissibility(submitted, by=staff_user, outcome="not_admissible",
                                      reason="Statuto non firmato.", **checklist)
    assert exc.value.field == "correction_reason"
    assert exc.value.messages == ["The outcome was “Admissible”: give the reason for correcting it."]
    assert Proposal.objects.get(pk=submitted.pk).status == "admissible"
    services.record_admissibility(submitted, by=staff_user, outcome="not_admissible", reason="Statuto non firmato.",
                                  correction_reason="Lo statuto caricato non è firmato dal legale rappresentante.",
                                  **checklist)
    assert Proposal.objects.get(pk=submitted.pk).status == "not_admissible"
    entry = AuditEntry.objects.get(action="proposal.admissibility_correct")
    assert entry.note == "Lo statuto caricato non è firmato dal legale rappresentante."
    assert entry.changes == {"status": ["admissible", "not_admissible"]}


def test_the_checklist_starts_unticked_and_the_act_is_typed_the_italian_way(staff_client, submitted):
    _attach(submitted, "statute")
    url = reverse("projects:staff_admissibility", args=[submitted.pk])
    with translation.override("it"):
        url = reverse("projects:staff_admissibility", args=[submitted.pk])
        form = read_form(staff_client, url, button="Registra l'esito")
        for item in ("eligible_applicant", "documents_complete", "budget_within_limits", "submitted_on_time"):
            assert form[item] is None, item  # nothing ticked for the officer
        form["outcome"] = "admissible"
        form["act_number"] = "2019 00100"
        form["act_date"] = "01/03/2019"
        form["act_official"] = "Dott.ssa Maria Bianchi"
        response = form.submit(button="Registra l'esito")
        assert response.status_code == 200
        assert "Una proposta è ammissibile solo se tutti i requisiti della lista di controllo sono soddisfatti." in (
            response.content.decode())
        for item in ("eligible_applicant", "documents_complete", "budget_within_limits", "submitted_on_time"):
            form.tick(item)
        response = form.submit(button="Registra l'esito")
    assert response.status_code == 302, response.content.decode()
    check = AdmissibilityCheck.objects.get(proposal=submitted)
    assert (check.outcome, check.act_number, check.act_date, check.act_official) == (
        "admissible", "2019 00100", date(2019, 3, 1), "Dott.ssa Maria Bianchi")
