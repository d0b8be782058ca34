"""What signing in with SPID/CIE changes: the two-factor gate of staff and assessors, the policy that
promoters submit only with a verified identity, and the identity providers' registry."""
import pytest
from django.urls import reverse

from tests.spid.flow import sign_in
from tsf.spid import conf, registry
from tsf.spid.models import SignInPolicy

pytestmark = pytest.mark.django_db

REGISTRY = """<?xml version="1.0"?>
<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">
  <md:EntityDescriptor entityID="https://idp.example.it/">
    <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
      <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.it/sso"/>
    </md:IDPSSODescriptor>
    <md:Organization><md:OrganizationName xml:lang="it">Esempio IdP</md:OrganizationName>
      <md:OrganizationDisplayName xml:lang="it">Esempio ID</md:OrganizationDisplayName>
      <md:OrganizationURL xml:lang="it">https://idp.example.it/</md:OrganizationURL></md:Organization>
  </md:EntityDescriptor>
</md:EntitiesDescriptor>
"""


def test_staff_signed_in_with_spid_level_2_pass_the_two_factor_gate_without_totp(client, make_user):
    make_user("officer@example.org", roles=["staff"], mfa=False, full_name="Mario Rossi",
              fiscal_code="RSSMRA80A01L219M")
    sign_in(client)
    assert client.get(reverse("accounts:people")).status_code == 200


def test_staff_signed_in_with_a_password_only_still_meet_the_gate(client, make_user):
    user = make_user("officer@example.org", roles=["staff"], mfa=False, fiscal_code="RSSMRA80A01L219M",
                     fiscal_code_verified=True)
    client.force_login(user, two_factor=False)
    response = client.get(reverse("accounts:people"))
    assert response.status_code == 302 and "/2fa/" in response["Location"]


def test_promoters_submit_only_with_a_verified_identity_when_staff_ask_it(promoter_user):
    from calls.reference import ensure_reference_data
    from projects import services
    from tests.calls.factories import CallFactory
    from tests.projects.factories import MembershipFactory, OrganisationFactory, ProposalFactory, complete

    ensure_reference_data()
    organisation = OrganisationFactory()
    MembershipFactory(user=promoter_user, organisation=organisation)
    proposal = complete(ProposalFactory(call=CallFactory(year=2030), organisation=organisation))
    SignInPolicy.objects.create(pk=1, promoters_need_spid=True)
    with pytest.raises(services.IdentityNotVerified) as refused:
        services.submit_proposal(proposal, promoter_user)
    assert "SPID" in str(refused.value)
    proposal.refresh_from_db()
    assert proposal.status == "draft"
    promoter_user.fiscal_code, promoter_user.fiscal_code_verified = "RSSMRA80A01L219M", True
    promoter_user.save()
    services.submit_proposal(proposal, promoter_user)
    proposal.refresh_from_db()
    assert proposal.protocol_number


def test_the_registry_is_read_from_its_address_and_lists_its_identity_providers(tmp_path, settings):
    source = tmp_path / "registry.xml"
    source.write_text(REGISTRY)
    settings.SPID_IDP_METADATA_DIR = tmp_path / "idps"
    settings.SPID_IDP_REGISTRY_URL = f"file://{source}"
    assert registry.refresh_all() == {"spid": 1}
    assert [idp.name for idp in conf.registry_idps(conf.SPID)] == ["Esempio ID"]
    assert registry.refresh_all() == {}  # fresh: not read again
    source.write_text("not xml")
    assert registry.refresh_all(force=True) == {"spid": None}  # a bad download keeps the list
    assert [idp.name for idp in conf.registry_idps(conf.SPID)] == ["Esempio ID"]


def test_the_login_page_shows_the_spid_and_cie_buttons(client):
    text = client.get(reverse("account_login")).content.decode()
    assert "Entra con SPID" in text and "Entra con CIE" in text and "SPID Test IdP" in text
    text = client.get(reverse("account_signup")).content.decode()
    assert "Entra con SPID" in text


def test_staff_set_the_policy_on_its_page(staff_client, client):
    from tests.forms_as_rendered import read_form

    form = read_form(staff_client, reverse("spid:policy"), field="promoters_need_spid")
    form["promoters_need_spid"] = "yes"
    response = form.submit()
    assert response.status_code == 302
    assert SignInPolicy.objects.get(pk=1).promoters_need_spid is True
    page = staff_client.get(reverse("spid:policy")).content.decode()
    assert "devono avere un'identità verificata" in page


def test_closing_an_account_unlinks_its_codice_fiscale(make_user):
    from tsf.privacy import registry
    from tsf.privacy.services import erasure_plan

    user = make_user("m@example.org", roles=["promoter"], fiscal_code="RSSMRA80A01L219M", fiscal_code_verified=True)
    assert any("codice fiscale" in str(item.what) for item in erasure_plan(user))
    step = next(s for s in registry.steps() if s.key == "spid")
    step.apply(user, "Persona 1")
    user.refresh_from_db()
    assert user.fiscal_code is None and not user.fiscal_code_verified
