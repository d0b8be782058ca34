"""In Italian, as a promoter does: open the submitted proposal, its receipt, download the receipt as
a PDF and read back the organisation's name with its Romanian and Polish letters."""
import pytest
from django.utils import translation

from tests.conftest import browser_login
from tests.pdf_text import pdf_is_tagged_pdfa, pdf_text


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_promoter_downloads_the_receipt_pdf_in_italian(page, live_server, submitted, promoter_user):
    org = submitted.organisation
    org.legal_name = "Asociația Ștefan Łódź-Żółć"
    org.save(update_fields=["legal_name"])
    browser_login(page, promoter_user.email)
    with translation.override("it"):
        page.goto(submitted.get_absolute_url())
    page.get_by_role("link", name="Ricevuta").click()
    page.get_by_text(submitted.protocol_number).first.wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica il PDF").click()
    assert download.value.suggested_filename == f"{submitted.protocol_number}.pdf"
    content = open(download.value.path(), "rb").read()
    assert pdf_is_tagged_pdfa(content)
    text = pdf_text(content)
    assert "Asociația Ștefan Łódź-Żółć" in text
    assert "Ricevuta di presentazione" in text and submitted.protocol_number in text
