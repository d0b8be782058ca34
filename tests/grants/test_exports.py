"""Transparency: the art. 26-27 table (page and CSV) and the 360Giving JSON, validated against the
schema shipped in grants/schema/."""
import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants import giving, services
from tests.factories import SERVICE_ACT
from tests.grants.factories import PDF, make_grant, past_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def grants(staff_user):
    call = past_call()
    g1 = make_grant(call, by=staff_user, amount=Decimal("138500.00"), signed=True)
    g2 = make_grant(call, by=staff_user, amount=Decimal("52000.50"))
    services.mark_tranche_paid(g1.tranches.get(order=1), paid_on=date(2025, 2, 1), by=staff_user, **SERVICE_ACT)
    revoked = make_grant(call, by=staff_user, amount=Decimal("60000.00"))
    services.revoke_grant(revoked, by=staff_user, reason="Rinuncia del beneficiario.", **SERVICE_ACT)
    return g1, g2, revoked


def test_360giving_json_validates_against_the_shipped_schema(client, grants):
    g1, g2, revoked = grants
    response = client.get(reverse("grants:giving360"))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert giving.errors_of(data) == []
    assert len(data["grants"]) == 2  # the revoked grant is not published
    first = next(g for g in data["grants"] if g["id"] == f"360G-cittaditorino-{g1.cup}")
    assert first["recipientOrganization"][0]["id"] == f"IT-CF-{g1.proposal.organisation.codice_fiscale}"
    assert first["fundingOrganization"][0]["id"] == "IT-CF-00514490010"
    assert first["amountAwarded"] == 138500.0
    assert first["amountDisbursed"] == 55400.0
    assert first["currency"] == "EUR"
    for g in data["grants"]:
        assert giving.errors_of(g, kind="grant") == []


def test_360giving_names_its_publisher_licence_and_prefix_and_the_footers_department(client, grants, settings):
    """The package names who publishes it and under which licence; the grant ids start with the
    prefix 360Giving issued (a setting); the funder's department is the one the footer shows."""
    settings.TSF_GIVING_ID_PREFIX = "360G-comuneditorino"
    settings.TSF_PUBLISHER = {**settings.TSF_PUBLISHER, "department": "Divisione Prova"}
    data = json.loads(client.get(reverse("grants:giving360")).content)
    assert giving.errors_of(data) == []
    assert data["publisher"]["identifier"] == "IT-CF-00514490010"
    assert data["publisher"]["name"] == "Città di Torino – Divisione Prova"
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert {g["id"] for g in data["grants"]} == {f"360G-comuneditorino-{g.cup}" for g in grants[:2]}
    assert all(g["fundingOrganization"][0]["department"] == "Divisione Prova" for g in data["grants"])
    footer = client.get(reverse("home")).content.decode().split('id="footer"')[1]
    assert "Divisione Prova" in footer


def test_360giving_ids_follow_the_standards_rules_and_the_prefix_is_checked(client, grants, settings):
    """Grant ids: the publisher prefix ("360G-..."), a dash, the CUP; letters, digits and dashes only. A prefix
    that breaks the rules stops the portal's checks; the placeholder is flagged by `check --deploy`."""
    data = json.loads(client.get(reverse("grants:giving360")).content)
    ids = [g["id"] for g in data["grants"]]
    assert ids and all(giving.GRANT_ID_PATTERN.match(i) for i in ids)
    assert all(t["id"].startswith(g["id"] + "-") for g in data["grants"] for t in g.get("disbursementTransaction", []))
    assert giving.check_prefix() == []
    assert [w.id for w in giving.check_prefix_issued()] == ["grants.W001"]  # still the placeholder
    for wrong in ("cittaditorino", "360G-città di Torino", "360G-", "360G-torino/"):
        settings.TSF_GIVING_ID_PREFIX = wrong
        assert [e.id for e in giving.check_prefix()] == ["grants.E001"], wrong
    settings.TSF_GIVING_ID_PREFIX = "360G-ComuneDiTorino"
    assert giving.check_prefix() == [] and giving.check_prefix_issued() == []


def test_the_schema_check_is_real(grants):
    """A broken grant is refused: the validation is not a rubber stamp."""
    data = giving.package([grants[0]])
    assert giving.errors_of(data) == []
    data["grants"][0]["currency"] = "EURO"
    assert any("'EURO' is not one of" in e for e in giving.errors_of(data))
    data = giving.package([grants[0]])
    del data["grants"][0]["awardDate"]
    assert giving.errors_of(data)
    data = giving.package([grants[0]])
    del data["grants"][0]["fundingOrganization"][0]["name"]
    assert giving.errors_of(data)
    assert giving.errors_of({"version": "1.4", "grants": []})


def test_transparency_page_and_csv(client, grants):
    g1, g2, revoked = grants
    page = client.get(reverse("grants:transparency"))
    html = page.content.decode()
    assert page.status_code == 200
    assert g1.proposal.organisation.legal_name in html and g1.proposal.organisation.codice_fiscale in html
    assert "PON Città Metropolitane 2014-2020" in html
    assert revoked.proposal.organisation.legal_name in html  # a revoked grant stays in the table, marked
    assert "Revoked" in html
    assert reverse("grants:project", kwargs={"cup": g1.cup}) in html
    response = client.get(reverse("grants:transparency") + "?format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    first = text.splitlines()[0]
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ","))
    assert rows[0][:3] == ["Beneficiario", "Codice fiscale", "Importo (EUR)"]
    assert len(rows) == 4
    header = rows[0]
    by_cf = {r[1]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    row = by_cf[g1.proposal.organisation.codice_fiscale]
    assert row["Importo (EUR)"] in ("138500.00", "138500,00") and row["CUP"] == g1.cup
    assert row["Progetto"].endswith(f"/grants/transparency/{g1.cup}/") and row["Stato"] == "Attribuito"
    assert by_cf[revoked.proposal.organisation.codice_fiscale]["Stato"] == "Revocato"


def test_transparency_links_to_the_published_project_page(client, grants):
    from projects.models import PublicProject

    g1 = grants[0]
    PublicProject.objects.create(proposal=g1.proposal, slug="forno-sociale", summary="Un forno di quartiere.",
                                 is_published=True)
    html = client.get(reverse("grants:transparency")).content.decode()
    assert reverse("projects:public_detail", kwargs={"slug": "forno-sociale"}) in html
    assert reverse("grants:project", kwargs={"cup": grants[1].cup}) in html


def test_public_project_page(client, grants):
    g1 = grants[0]
    response = client.get(reverse("grants:project", kwargs={"cup": g1.cup}))
    assert response.status_code == 200
    assert g1.title in response.content.decode()
    assert client.get(reverse("grants:project", kwargs={"cup": grants[2].cup})).status_code == 404


def test_agreement_is_a_private_file(client, grants, make_user):
    g1 = grants[0]
    url = reverse("core:private_file", kwargs={"app_label": "grants", "model_name": "grant", "pk": g1.pk,
                                                "field": "agreement"})
    assert client.get(url).status_code == 302  # to the login
    client.force_login(make_user("stranger@example.org", roles=["promoter"]))
    assert client.get(url).status_code == 403


def test_pdf_fixture_is_a_pdf():
    assert SimpleUploadedFile("a.pdf", PDF).read().startswith(b"%PDF")


def test_home_page_figures(client, grants):
    html = client.get("/en/").content.decode()
    assert "euros awarded" in html
    assert "190,500" in html or "190,501" in html  # 138,500 + 52,000.50, the revoked one left out


def test_transparency_search(client, grants):
    g1, g2, _revoked = grants
    url = reverse("grants:transparency")
    html = client.get(url, {"q": g2.proposal.organisation.codice_fiscale}).content.decode()
    assert g2.proposal.organisation.legal_name in html and g1.proposal.organisation.legal_name not in html
    assert "52,000.50" in html or "52.000,50" in html  # the total of what is shown
