"""The legal representative of an organisation, verified by SPID/CIE (issue #18)."""
import pytest
from django.urls import reverse

from tests.forms_as_rendered import read_form
from tests.projects.factories import MembershipFactory, OrganisationFactory
from tests.spid.flow import sign_in
from tsf.accounts.models import User
from tsf.privacy.own import account_section

pytestmark = pytest.mark.django_db

VERIFIED = "Rappresentante legale verificato con SPID/CIE"


def test_the_organisation_form_checks_the_representatives_codice_fiscale(client, promoter_user):
    org = OrganisationFactory(legal_name="Cooperativa Sociale Il Riccio")
    MembershipFactory(user=promoter_user, organisation=org, role="admin")
    client.force_login(promoter_user)
    url = reverse("projects:organisation_edit", args=[org.pk])
    form = read_form(client, url, field="legal_representative_fiscal_code")
    form["legal_representative_fiscal_code"] = "RSSMRA80A01L219X"
    response = form.submit()
    assert response.status_code == 200
    assert "non è un codice fiscale personale valido" in response.content.decode()
    form = read_form(client, url, field="legal_representative_fiscal_code")
    form["legal_representative_fiscal_code"] = "01234567897"  # an organisation's, not a person's
    assert "non è un codice fiscale personale valido" in form.submit().content.decode()
    form = read_form(client, url, field="legal_representative_fiscal_code")
    form["legal_representative_fiscal_code"] = " vrdnna75c45l219t "
    assert form.submit().status_code == 302
    org.refresh_from_db()
    assert org.legal_representative_fiscal_code == "VRDNNA75C45L219T"
    page = client.get(org.get_absolute_url()).content.decode()
    assert "VRDNNA75C45L219T" in page and VERIFIED not in page  # the representative is not in the team


def test_the_representative_signed_in_with_spid_is_shown_verified(client, make_user):
    org = OrganisationFactory(legal_name="Cooperativa Sociale Il Riccio", legal_representative="Anna Verdi",
                              legal_representative_fiscal_code="VRDNNA75C45L219T")
    # Someone else in the team, with a codice fiscale typed but never verified: no mark.
    colleague = make_user("piero@example.org", roles=["promoter"], full_name="Piero Neri",
                          fiscal_code="RSSMRA80A01L219M")
    MembershipFactory(user=colleague, organisation=org)
    client.force_login(colleague)
    assert VERIFIED not in client.get(org.get_absolute_url()).content.decode()
    client.logout()

    sign_in(client, citizen="anna")
    client.post(reverse("spid:complete"), {"email": "anna.verdi@example.org", "accept": "on"})
    anna = User.objects.get(fiscal_code="VRDNNA75C45L219T")
    assert anna.company_fiscal_code == "97654320018"
    my_area = client.get(reverse("accounts:my_area")).content.decode()
    assert "La Sua identità SPID rappresenta l'organizzazione con codice fiscale 97654320018" in my_area
    assert account_section(anna)["rows"][0]["fiscal_code"] == "VRDNNA75C45L219T"
    assert account_section(anna)["rows"][0]["company_fiscal_code"] == "97654320018"

    MembershipFactory(user=anna, organisation=org, role="admin")
    page = client.get(org.get_absolute_url()).content.decode()
    assert VERIFIED in page and "Anna Verdi" in page
    client.force_login(colleague)
    assert VERIFIED in client.get(org.get_absolute_url()).content.decode()

    org.legal_representative_fiscal_code = "BNCGLI85M41L219Q"
    org.save()
    assert VERIFIED not in client.get(org.get_absolute_url()).content.decode()
