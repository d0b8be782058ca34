"""The public portfolio and project pages: only published pages of projects that reached the
lab, only public fields, filters, flat query counts, the district map, caching headers, the
staff's publishing, the sitemap and the hooks."""
import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from freezegun import freeze_time

from calls.models import District, ImpactTheme, Neighbourhood, TargetGroup
from calls.reference import ensure_reference_data
from projects.hooks import project_page, proposal_page
from projects.models import Proposal, ProposalStatus, PublicProject
from projects.services import ProposalError, publish_public_page, start_revised_version
from projects.sitemaps import ProjectSitemap
from tests.calls.factories import CallFactory
from tests.projects.factories import OrganisationFactory, ProposalFactory, complete
from tsf.core.models import AuditEntry

pytestmark = pytest.mark.django_db

S = ProposalStatus


def lab_project(call, title, *, status=ProposalStatus.REVISED_SUBMITTED, district=6, themes=("poverta-urbana",),
                groups=("abitanti",), published=True, grant=None, summary=None, featured=False, page=True):
    """A submitted proposal moved to `status`, with version 1 in `district` and, unless page=False,
    its public page (published or not)."""
    org = OrganisationFactory(legal_name=f"Cooperativa {title}", legal_representative="Giuseppina Segretissima",
                              address="Via Privata 99")
    proposal = complete(ProposalFactory(call=call, organisation=org), title=title,
                        lines=(Decimal("41234.56"), Decimal("30000.00")))
    v = proposal.versions.get(number=1)
    v.district = District.objects.get(number=district)
    v.save()
    v.neighbourhoods.set(Neighbourhood.objects.filter(district=v.district)[:1])
    v.themes.set(ImpactTheme.objects.filter(code__in=themes))
    v.target_groups.set(TargetGroup.objects.filter(code__in=groups))
    now = timezone.now()
    Proposal.objects.filter(pk=proposal.pk).update(status=status, submitted_at=now, protocol_seq=proposal.pk,
                                                   protocol_number=f"TSF-T-{proposal.pk:04d}")
    proposal.refresh_from_db()
    if page:
        PublicProject.objects.create(
            proposal=proposal, slug=slugify(title), summary=summary or f"{title}: un servizio per il quartiere.",
            is_published=published, published_at=now if published else None, public_grant_amount=grant,
            featured=featured,
        )
    return proposal


@pytest.fixture
def call(db):
    ensure_reference_data()
    return CallFactory(year=2018, title="Torino Social Factory 2018")


def portfolio(client, **params):
    return client.get(reverse("projects:portfolio"), params)


def titles(response):
    return [p.proposal.title for p in response.context["projects"]]


def test_unpublished_and_not_incubated_projects_answer_404(client, call):
    hidden = lab_project(call, "Progetto nascosto", published=False)
    not_selected = lab_project(call, "Progetto non selezionato", status=S.NOT_SELECTED)
    shown = lab_project(call, "Progetto pubblico")
    assert client.get(shown.public_page.get_absolute_url()).status_code == 200
    assert client.get(hidden.public_page.get_absolute_url()).status_code == 404
    assert client.get(not_selected.public_page.get_absolute_url()).status_code == 404
    assert client.get(reverse("projects:public_detail", args=["non-esiste"])).status_code == 404


def test_portfolio_lists_exactly_the_published_incubated_and_funded_projects(client, call):
    lab_project(call, "Incubato A", status=S.ADMITTED_TO_INCUBATION)
    lab_project(call, "Revisionato B", status=S.REVISED_SUBMITTED)
    lab_project(call, "Finanziato C", status=S.FUNDED, grant=Decimal("120000.00"))
    lab_project(call, "Non finanziato D", status=S.NOT_FUNDED)
    lab_project(call, "Bozza pagina E", published=False)
    lab_project(call, "Non selezionato F", status=S.NOT_SELECTED)
    lab_project(call, "Solo ammissibile G", status=S.ADMISSIBLE)
    lab_project(call, "Senza pagina H", page=False)
    response = portfolio(client)
    assert response.status_code == 200
    assert titles(response) == ["Finanziato C", "Incubato A", "Non finanziato D", "Revisionato B"]
    body = response.content.decode()
    assert "4 projects" in body
    assert "Bozza pagina E" not in body and "Non selezionato F" not in body and "Senza pagina H" not in body


def test_public_pages_never_show_private_fields(client, call):
    p = lab_project(call, "Emporio solidale", status=S.FUNDED, grant=Decimal("98500.00"))
    v = p.versions.get(number=1)
    v.social_need = "BISOGNO-RISERVATO"
    v.team_description = "TEAM-RISERVATO"
    v.save()
    org = p.organisation
    for url in (reverse("projects:portfolio"), p.public_page.get_absolute_url()):
        body = client.get(url).content.decode()
        assert "Emporio solidale" in body and org.legal_name in body
        for secret in (org.codice_fiscale, "Giuseppina Segretissima", "Via Privata 99", "41234", "Voce 0",
                       "BISOGNO-RISERVATO", "TEAM-RISERVATO", p.protocol_number, "/files/"):
            assert secret not in body, f"{secret} leaked on {url}"
    body = client.get(p.public_page.get_absolute_url()).content.decode()
    assert "€98,500" in body
    assert "Funded" in body


def test_project_page_shows_what_is_public(client, call):
    p = lab_project(call, "Hub di Barriera", status=S.FUNDED, district=6, themes=("coesione-sociale",),
                    groups=("donne",), grant=Decimal("140000.00"), summary="Un hub aperto sette giorni su sette.")
    body = client.get(p.public_page.get_absolute_url()).content.decode()
    assert "Un hub aperto sette giorni su sette." in body
    assert "District 6" in body and "Social cohesion" in body and "Women" in body  # their English names
    assert 'data-testid="grant"' in body
    with translation.override("it"):
        body = client.get(p.public_page.get_absolute_url()).content.decode()
    assert "Circoscrizione 6" in body and "Coesione sociale" in body and "Donne" in body
    assert "Social cohesion" not in body
    incubated = lab_project(call, "Solo incubato", grant=None)
    body = client.get(incubated.public_page.get_absolute_url()).content.decode()
    assert 'data-testid="grant"' not in body and "Incubated" in body


def test_filters_by_area_theme_target_group_stage_and_search(client, call):
    lab_project(call, "Forno di Mirafiori", district=2, themes=("disoccupazione",), groups=("giovani-disoccupati",),
                status=S.FUNDED)
    lab_project(call, "Emporio di Aurora", district=7, themes=("poverta-urbana",), groups=("famiglie-difficolta",))
    lab_project(call, "Baby parking di Barriera", district=6, themes=("vulnerabilita-sociali",), groups=("donne",),
                status=S.FUNDED)
    assert titles(portfolio(client, district=2)) == ["Forno di Mirafiori"]
    assert titles(portfolio(client, theme="poverta-urbana")) == ["Emporio di Aurora"]
    assert titles(portfolio(client, target_group="donne")) == ["Baby parking di Barriera"]
    assert titles(portfolio(client, stage="funded")) == ["Baby parking di Barriera", "Forno di Mirafiori"]
    assert titles(portfolio(client, stage="incubated")) == ["Emporio di Aurora"]
    assert titles(portfolio(client, q="aurora")) == ["Emporio di Aurora"]
    assert titles(portfolio(client, district=6, stage="funded")) == ["Baby parking di Barriera"]
    response = portfolio(client, district=3)
    assert titles(response) == [] and "No project matches these filters." in response.content.decode()
    # A malformed filter is ignored and shown next to its field, never a server error.
    response = portfolio(client, district="nove", stage="funded")
    assert response.status_code == 200
    assert titles(response) == ["Baby parking di Barriera", "Forno di Mirafiori"]
    assert "invalid-feedback" in response.content.decode()


def test_filter_follows_the_revised_version(client, call):
    p = lab_project(call, "Spostato in Aurora", district=6)
    p.versions.filter(number=1).update(frozen=True)
    v2 = start_revised_version(p, by=None)
    v2.district = District.objects.get(number=7)
    v2.title = "Spostato in Aurora (v2)"
    v2.save()
    assert titles(portfolio(client, district=7)) == ["Spostato in Aurora (v2)"]
    assert titles(portfolio(client, district=6)) == []


def _count_queries(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = portfolio(client, **params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("params", [{}, {"district": 6, "stage": "funded", "theme": "poverta-urbana"}])
def test_portfolio_query_count_is_flat_for_10_and_200_projects(client, call, params):
    for i in range(10):
        lab_project(call, f"Progetto {i:03d}", status=S.FUNDED if i % 2 else S.NOT_FUNDED, district=1 + i % 8,
                    grant=Decimal("50000.00") if i % 2 else None)
    few, response = _count_queries(client, **params)
    for i in range(10, 200):
        lab_project(call, f"Progetto {i:03d}", status=S.FUNDED if i % 2 else S.NOT_FUNDED, district=1 + i % 8,
                    grant=Decimal("50000.00") if i % 2 else None)
    many, response = _count_queries(client, **params)
    assert few == many, f"{few} queries with 10 projects, {many} with 200"
    if not params:
        assert response.context["page_obj"].paginator.count == 200
        assert len(response.context["projects"]) == 12


def test_map_counts_published_projects_per_district(client, call):
    for title, district in [("A", 6), ("B", 6), ("C", 6), ("D", 2), ("E", 7)]:
        lab_project(call, f"Progetto {title}", district=district)
    lab_project(call, "Nascosto", district=2, published=False)
    lab_project(call, "Escluso", district=2, status=S.NOT_SELECTED)
    response = portfolio(client)
    values = {d.number: d.value for d in response.context["district_map"].districts}
    assert values == {1: 0, 2: 1, 3: 0, 4: 0, 5: 0, 6: 3, 7: 1, 8: 0}
    body = response.content.decode()
    assert "<svg" in body and "CC BY-SA 4.0" in body
    row = re.search(r"<th scope=\"row\">Circoscrizione 6[^<]*</th><td class=\"text-end\">(\d+)</td>", body)
    assert row and row.group(1) == "3"


def test_conditional_get_answers_304_and_changes_after_an_edit(client, call):
    p = lab_project(call, "Progetto in cache")
    client.get(reverse("projects:portfolio"))  # sets the CSRF cookie, part of the ETag
    for url in (reverse("projects:portfolio"), p.public_page.get_absolute_url()):
        first = client.get(url)
        assert first.status_code == 200
        assert first.has_header("ETag") and first.has_header("Last-Modified")
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    url = p.public_page.get_absolute_url()
    first = client.get(url)
    with freeze_time(timezone.now() + datetime.timedelta(minutes=5)):
        page = p.public_page
        page.summary = "Un riassunto corretto."
        page.save()
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 200 and "Un riassunto corretto." in again.content.decode()


def test_anonymous_pages_are_served_from_the_page_cache_until_a_change(client, call):
    p = lab_project(call, "Progetto in vetrina")
    for url in (reverse("projects:portfolio"), p.public_page.get_absolute_url()):
        client.get(url)
        assert client.get(url).get("X-Page-Cache") == "hit"
    page = p.public_page
    page.summary = "Un nuovo riassunto."
    page.save()
    fresh = client.get(p.public_page.get_absolute_url())
    assert fresh.get("X-Page-Cache") != "hit" and "Un nuovo riassunto." in fresh.content.decode()


def test_logged_in_visitors_get_the_whole_page(client, call, promoter_user):
    p = lab_project(call, "Progetto")
    client.force_login(promoter_user)
    response = client.get(p.public_page.get_absolute_url())
    assert response.status_code == 200 and not response.has_header("ETag")


def test_project_page_has_open_graph_and_plain_share_links(client, call):
    p = lab_project(call, "Cascina aperta", summary="Un edificio abbandonato torna al quartiere.")
    body = client.get(p.public_page.get_absolute_url()).content.decode()
    assert '<meta property="og:title" content="Cascina aperta">' in body
    assert '<meta property="og:type" content="article">' in body
    assert 'name="twitter:card"' in body
    assert 'content="Un edificio abbandonato torna al quartiere."' in body
    for network in ("facebook", "x", "linkedin", "whatsapp", "email"):
        assert f'data-network="{network}"' in body
    assert "https://www.facebook.com/sharer/sharer.php?u=http" in body


def test_sitemap_lists_published_projects_only(call, rf):
    shown = lab_project(call, "Visibile")
    lab_project(call, "Bozza", published=False)
    lab_project(call, "Non selezionato", status=S.NOT_SELECTED)
    sitemap = ProjectSitemap()
    items = sitemap.items()
    assert items[0] == "projects:portfolio"
    pages = items[1:]
    assert [page.slug for page in pages] == [shown.public_page.slug]
    assert sitemap.location(pages[0]) == shown.public_page.get_absolute_url()
    assert sitemap.location("projects:portfolio") == reverse("projects:portfolio")


def test_sitemap_xml_with_the_project_sitemap_lists_published_pages_in_both_languages(call, rf):
    import xml.etree.ElementTree as ET

    from django.contrib.sitemaps.views import sitemap

    shown = lab_project(call, "Visibile")
    lab_project(call, "Bozza", published=False)
    response = sitemap(rf.get("/sitemap.xml"), sitemaps={"projects": ProjectSitemap})
    response.render()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [u.find("s:loc", ns).text for u in ET.fromstring(response.content).findall("s:url", ns)]
    assert any(loc.endswith("/projects/portfolio/visibile/") and "/en/" not in loc for loc in locs)
    assert any(loc.endswith("/en/projects/portfolio/visibile/") for loc in locs)
    assert not any("bozza" in loc for loc in locs)
    assert shown.public_page.slug == "visibile"


# Staff -----------------------------------------------------------------------------------------

def test_staff_write_publish_and_unpublish_a_page_audited(staff_client, call, client):
    p = lab_project(call, "Orti e lavoro", status=S.FUNDED, page=False)
    url = reverse("projects:staff_public_page", args=[p.pk])
    staff_page = staff_client.get(reverse("projects:staff_proposal", args=[p.pk])).content.decode()
    assert "Write the public page" in staff_page
    response = staff_client.post(url, {"slug": "", "summary": "Agricoltura sociale a Mirafiori Nord.",
                                       "image_alt": "", "public_grant_amount": "75000.00", "website": ""})
    assert response.status_code == 302
    page = PublicProject.objects.get(proposal=p)
    assert page.slug == "orti-e-lavoro" and page.public_grant_amount == Decimal("75000.00")
    assert not page.is_published
    assert client.get(page.get_absolute_url()).status_code == 404
    staff_client.post(reverse("projects:staff_public_publication", args=[p.pk]), {"action": "publish"})
    assert client.get(page.get_absolute_url()).status_code == 200
    staff_client.post(reverse("projects:staff_public_publication", args=[p.pk]), {"action": "unpublish"})
    assert client.get(page.get_absolute_url()).status_code == 404
    actions = list(AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(p),
                                             object_id=str(p.pk)).values_list("action", flat=True))
    assert {"project.public_page.save", "project.public_page.publish", "project.public_page.unpublish"} <= set(actions)


def test_staff_form_errors_are_shown_next_to_the_fields(staff_client, call):
    p = lab_project(call, "Incubato", status=S.REVISED_SUBMITTED, page=False)
    response = staff_client.post(reverse("projects:staff_public_page", args=[p.pk]),
                                 {"summary": "", "public_grant_amount": "5000"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "summary" in form.errors
    assert form.errors["public_grant_amount"] == ["Only a funded project shows a grant amount."]
    assert not PublicProject.objects.filter(proposal=p).exists()


def test_only_lab_projects_can_have_a_page(staff_client, call):
    p = lab_project(call, "Non selezionato", status=S.NOT_SELECTED, page=False)
    response = staff_client.get(reverse("projects:staff_public_page", args=[p.pk]), follow=True)
    assert "Only projects admitted to the Incubation Lab" in response.content.decode()
    assert not PublicProject.objects.filter(proposal=p).exists()


def test_only_staff_write_and_publish_a_page(promoter_client, call):
    q = lab_project(call, "Incubato", published=False)
    assert promoter_client.get(reverse("projects:staff_public_page", args=[q.pk])).status_code in (302, 403, 404)
    assert promoter_client.post(reverse("projects:staff_public_publication", args=[q.pk]),
                                {"action": "publish"}).status_code in (302, 403, 404)
    q.public_page.refresh_from_db()
    assert not q.public_page.is_published


def test_publishing_needs_a_summary(staff_user, call):
    p = lab_project(call, "Senza testo", published=False, summary=" ")
    with pytest.raises(ProposalError):
        publish_public_page(p.public_page, by=staff_user)


# Hooks ------------------------------------------------------------------------------------------

def test_later_apps_add_sections_to_the_project_and_proposal_pages(client, staff_client, call):
    p = lab_project(call, "Con sezioni")

    def extra(request, obj):
        return {"template": "includes/share.html"}

    project_page.section(order=99)(extra)
    proposal_page.section(order=99)(extra)
    try:
        body = client.get(p.public_page.get_absolute_url()).content.decode()
        assert body.count('id="share-title"') == 2
        body = staff_client.get(reverse("projects:staff_proposal", args=[p.pk])).content.decode()
        assert 'id="share-title"' in body
    finally:
        project_page._sections[:] = [e for e in project_page._sections if e.func is not extra]
        proposal_page._sections[:] = [e for e in proposal_page._sections if e.func is not extra]


def test_a_project_page_with_an_image_gets_a_share_image_of_the_right_size(staff_client, call, client, settings,
                                                                          tmp_path, django_capture_on_commit_callbacks):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path / "media"
    p = lab_project(call, "Orti e lavoro", status=S.FUNDED, page=False)
    out = io.BytesIO()
    Image.new("RGB", (2000, 900), "#2a6f3a").save(out, format="JPEG")
    photo = SimpleUploadedFile("orto.jpg", out.getvalue(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):  # the worker's task (eager here) after commit
        response = staff_client.post(reverse("projects:staff_public_page", args=[p.pk]), {
            "slug": "", "summary": "Agricoltura sociale a Mirafiori Nord.", "image": photo,
            "image_alt": "Un orto tra i palazzi", "public_grant_amount": "75000.00", "website": ""})
    assert response.status_code == 302
    page = PublicProject.objects.get(proposal=p)
    with page.share_image.open("rb") as f:
        assert Image.open(f).size == (1200, 630)
    staff_client.post(reverse("projects:staff_public_publication", args=[p.pk]), {"action": "publish"})
    html = client.get(page.get_absolute_url()).content.decode()
    assert f'<meta property="og:image" content="http://testserver{page.share_image.url}">' in html
    assert '<meta property="og:image:width" content="1200">' in html
