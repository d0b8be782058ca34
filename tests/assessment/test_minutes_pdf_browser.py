"""In Italian, as an officer does: open the round, then its minutes, download the minutes as a PDF
and read it back (the committee, the conflict declared, the ranking in its order)."""
import pytest
from django.utils import translation

from assessment import selectors, services
from assessment.models import ConflictDeclaration
from tests.assessment.factories import (
    RoundFactory,
    add_committee,
    assign_cleared,
    close,
    make_criteria,
    make_proposal,
)
from tests.assessment.factories import submit_scores as write_scores
from tests.conftest import browser_login
from tests.factories import SERVICE_ACT
from tests.pdf_text import pdf_is_tagged_pdfa, pdf_text


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_download_the_minutes_pdf_in_italian(page, live_server, make_user):
    staff = make_user("dirigente@example.org", roles=["staff"], full_name="Chiara Ferrero")
    a1 = make_user("valuta1@example.org", roles=["assessor"], full_name="Giulia Rosso")
    a2 = make_user("valuta2@example.org", roles=["assessor"], full_name="Ștefan Wójcik")
    a3 = make_user("valuta3@example.org", roles=["assessor"], full_name="Paolo Bianchi")
    rnd = RoundFactory(quota=2, title="Selezione 2030")
    make_criteria(rnd)
    add_committee(rnd, [a1, a2, a3])
    ps = [make_proposal(rnd.call, title=t, seq=i + 1)
          for i, t in enumerate(["Emporio solidale", "Bottega di riparazioni", "Cortile aperto"])]
    for i, p in enumerate(ps):
        write_scores(assign_cleared(rnd, p, a1), [4 + 2 * i, 6, 5])
        write_scores(assign_cleared(rnd, p, a2), [5 + 2 * i, 5, 6])
    ConflictDeclaration.objects.create(round=rnd, proposal=ps[0], assessor=a3, has_conflict=True,
                                       reason="Parente del legale rappresentante")
    close(rnd)
    rows = selectors.ranking(rnd)
    services.apply_decision(rnd, by=staff, outcomes=services.proposed_outcomes(rnd, rows),
                            minutes="Seduta del 12 marzo 2030, presenti tutti i componenti.", **SERVICE_ACT)
    browser_login(page, staff.email, totp=True)
    with translation.override("it"):
        from django.urls import reverse

        page.goto(reverse("assessment:round", kwargs={"pk": rnd.pk}))
    page.get_by_role("link", name="Verbale della decisione").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica il verbale (PDF)").click()
    assert download.value.suggested_filename.startswith("verbale-") and download.value.suggested_filename.endswith(".pdf")
    content = open(download.value.path(), "rb").read()
    assert pdf_is_tagged_pdfa(content)
    text = pdf_text(content)
    assert "Verbale · Selezione 2030" in text and "Seduta del 12 marzo 2030" in text
    assert "La commissione" in text and all(n in text for n in ("Giulia Rosso", "Ștefan Wójcik", "Paolo Bianchi"))
    assert "Parente del legale rappresentante" in text
    start = text.index("La graduatoria come deliberata")
    order = [text.index(r.proposal.protocol_number, start) for r in rows]
    assert order == sorted(order) and rows[0].proposal == ps[2]  # Cortile aperto first
    assert "Firme" in text and "Chiara Ferrero" in text
