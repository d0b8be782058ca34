"""Blind review everywhere: an assessor of a round that hides the applicant's identity reads the
proposal only on the scoring page (without the identity), and reaches none of the pages and files
that name the applicant: the proposal's own page, its receipt, the comparison of its versions, the
statute, CVs, letters of support and declarations. In a round that shows the identity, all of them."""
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from projects.models import Attachment
from tests.assessment.factories import (
    RoundFactory,
    add_committee,
    assign_cleared,
    make_criteria,
    make_proposal,
)
from tsf.core.files import private_file_url

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
IDENTITY_PAGES = ("projects:proposal", "projects:receipt", "projects:receipt_pdf", "incubation:diff")


def _attach(proposal, kind):
    att = Attachment(version=proposal.versions.get(number=1), kind=kind, title=f"Allegato {kind}")
    att.file.save(f"{kind}.pdf", ContentFile(PDF), save=False)
    att.save()
    return att


@pytest.fixture
def assigned(assessors):
    """(assessor, round, proposal, assignment, {kind: attachment}) for a round with the given identity setting."""
    def build(show_identity):
        rnd = RoundFactory(show_identity=show_identity)
        make_criteria(rnd)
        add_committee(rnd, assessors)
        proposal = make_proposal(rnd.call, v2=True)
        assignment = assign_cleared(rnd, proposal, assessors[0])
        files = {kind: _attach(proposal, kind) for kind in Attachment.Kind.values}
        return assessors[0], rnd, proposal, assignment, files

    return build


def test_a_blind_assessor_reads_the_proposal_only_on_the_scoring_page_without_the_identity(client, assigned):
    assessor, rnd, proposal, assignment, files = assigned(show_identity=False)
    client.force_login(assessor)
    page = client.get(reverse("assessment:score", kwargs={"pk": assignment.pk}))
    assert page.status_code == 200
    body = page.content.decode()
    assert proposal.organisation.legal_name not in body and proposal.organisation.codice_fiscale not in body
    for kind, att in files.items():
        assert (private_file_url(att, "file") in body) == (kind not in Attachment.IDENTIFYING_KINDS), kind
    for name in IDENTITY_PAGES:
        response = client.get(reverse(name, kwargs={"pk": proposal.pk}))
        assert response.status_code in (403, 404), name
        assert proposal.organisation.legal_name not in response.content.decode(), name


@pytest.mark.parametrize("kind", sorted(Attachment.Kind.values))
def test_a_blind_assessor_downloads_only_the_attachments_that_do_not_name_the_applicant(client, assigned, kind):
    assessor, _rnd, _proposal, _a, files = assigned(show_identity=False)
    client.force_login(assessor)
    response = client.get(private_file_url(files[kind], "file"))
    if kind in Attachment.IDENTIFYING_KINDS:
        assert response.status_code == 403
    else:
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_an_assessor_of_a_round_that_shows_the_identity_reads_every_page_and_file(client, assigned):
    assessor, _rnd, proposal, assignment, files = assigned(show_identity=True)
    client.force_login(assessor)
    body = client.get(reverse("assessment:score", kwargs={"pk": assignment.pk})).content.decode()
    assert proposal.organisation.legal_name in body
    for name in IDENTITY_PAGES:
        assert client.get(reverse(name, kwargs={"pk": proposal.pk})).status_code == 200, name
    for att in files.values():
        assert client.get(private_file_url(att, "file")).status_code == 200, att.kind


def test_staff_still_read_everything_of_a_blind_round(staff_client, assigned):
    _assessor, _rnd, proposal, _a, files = assigned(show_identity=False)
    for name in IDENTITY_PAGES:
        assert staff_client.get(reverse(name, kwargs={"pk": proposal.pk})).status_code == 200, name
    for att in files.values():
        assert staff_client.get(private_file_url(att, "file")).status_code == 200, att.kind


def test_an_assessor_with_a_conflict_or_not_assigned_reads_nothing(client, assigned, assessors):
    from assessment.models import ConflictDeclaration

    _assessor, rnd, proposal, assignment, files = assigned(show_identity=True)
    ConflictDeclaration.objects.filter(round=rnd, proposal=proposal).update(has_conflict=True, reason="Socio")
    for person in (assessors[0], assessors[1]):
        client.force_login(person)
        assert client.get(reverse("projects:proposal", kwargs={"pk": proposal.pk})).status_code == 404
        for att in files.values():
            assert client.get(private_file_url(att, "file")).status_code == 403, att.kind
