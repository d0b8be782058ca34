"""The texts of a call and its reference data have an English version where staff give one: under
/en/ a visitor reads it, and the Italian text where no English was given; under the Italian pages
the Italian text, always."""
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from calls.models import FAQ, Call, CallDocument, District, ImpactTheme, TargetGroup
from calls.reference import ensure_reference_data
from tests.calls.factories import CallFactory, ProgrammeFactory
from tsf.core.pdf import demo_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ensure_reference_data()
    call = CallFactory(
        title_it="Bando delle botteghe di quartiere", title_en="Neighbourhood workshops call",
        summary_it="Idee per i quartieri.", summary_en="Ideas for the neighbourhoods.",
        description_it="Il bando sostiene il welfare di comunità.", description_en="",
        eligibility_it="Enti del Terzo settore con sede a Torino.",
        eligibility_en="Third-sector organisations based in Turin.",
    )
    call.districts.set(District.objects.filter(number=6))
    call.themes.set(ImpactTheme.objects.filter(code="poverta-urbana"))
    call.target_groups.set(TargetGroup.objects.filter(code__in=["msna", "donne"]))
    FAQ.objects.create(call=call, order=0, question_it="Chi può partecipare?", answer_it="Gli enti del Terzo settore.",
                       question_en="Who may take part?", answer_en="Third-sector organisations.")
    FAQ.objects.create(call=call, order=1, question_it="Serve lo SPID?", answer_it="No, basta un indirizzo e-mail.")
    for order, (title_it, title_en) in enumerate([("Testo del bando", "Text of the call"), ("Modulo di budget", "")]):
        doc = CallDocument(call=call, order=order, title_it=title_it, title_en=title_en)
        doc.file.save(f"doc-{order}.pdf", ContentFile(demo_pdf(title_it)), save=False)
        doc.save()
    return call


def _page(client, call, lang):
    with translation.override(lang):
        url = call.get_absolute_url()
    assert url.startswith("/en/") == (lang == "en")
    return client.get(url).content.decode()


def test_english_page_shows_the_english_versions_and_the_italian_where_none(client, call):
    body = _page(client, call, "en")
    for english in ("Neighbourhood workshops call", "Third-sector organisations based in Turin.", "City of Turin",
                    "District 6 - Barriera di Milano", "Urban poverty", "Tackling poverty and material deprivation",
                    "Unaccompanied foreign minors", "Women", "Who may take part?", "Third-sector organisations.",
                    "Text of the call"):
        assert english in body, english
    # No English written: the Italian shows, rather than nothing.
    for italian in ("Il bando sostiene il welfare di comunità.", "Serve lo SPID?", "No, basta un indirizzo e-mail.",
                    "Modulo di budget"):
        assert italian in body, italian
    # The call's own texts (the header and footer name the municipality as it is called, in both languages).
    main = body[body.index("<main"):body.index("</main>")]
    for replaced in ("Povertà urbana", "Circoscrizione 6", "Chi può partecipare?", "Testo del bando", "Città di Torino"):
        assert replaced not in main, replaced


def test_italian_page_shows_only_the_italian(client, call):
    body = _page(client, call, "it")
    for italian in ("Bando delle botteghe di quartiere", "Enti del Terzo settore con sede a Torino.", "Città di Torino",
                    "Circoscrizione 6 - Barriera di Milano", "Povertà urbana", "Minori stranieri non accompagnati",
                    "Chi può partecipare?", "Testo del bando", "Il bando sostiene il welfare di comunità."):
        assert italian in body, italian
    for english in ("Neighbourhood workshops call", "Urban poverty", "District 6", "Who may take part?",
                    "Text of the call"):
        assert english not in body, english


def test_call_list_in_english_and_search_in_either_language(client, call):
    with translation.override("en"):
        url = reverse("calls:index")
    body = client.get(url).content.decode()
    assert "Neighbourhood workshops call" in body and "Ideas for the neighbourhoods." in body
    for q in ("botteghe", "workshops"):
        assert "Neighbourhood workshops call" in client.get(url, {"q": q}).content.decode(), q


def test_reference_data_has_english_names_from_the_migration():
    """A fresh installation (migrations only) already reads its districts, themes and target groups in
    English under /en/."""
    with translation.override("en"):
        assert District.objects.get(number=1).name == "District 1 - Centro, Crocetta"
        assert ImpactTheme.objects.get(code="coesione-sociale").name == "Social cohesion"
        assert TargetGroup.objects.get(code="anziani").name == "Senior citizens"
    with translation.override("it"):
        assert District.objects.get(number=1).name == "Circoscrizione 1 - Centro, Crocetta"
        assert ImpactTheme.objects.get(code="coesione-sociale").name == "Coesione sociale"
    # The untranslated column keeps the Italian, for the reads that go around the translations.
    assert TargetGroup.objects.filter(code="anziani").values_list("name_it", flat=True).get() == "Anziani"


def _form_data(programme, **overrides):
    data = {
        "programme": programme.pk, "title_it": "Torino Social Factory 2031", "title_en": "",
        "slug": "tsf-2031", "year": "2031", "protocol_prefix": "TSF",
        "summary_it": "Un bando per i quartieri.", "summary_en": "A call for the neighbourhoods.",
        "description_it": "Descrizione completa.", "description_en": "Full description.",
        "eligibility_it": "Enti del Terzo settore.", "eligibility_en": "",
        "is_published": "on", "opens_at": "2031-03-01T09:00", "closes_at": "2031-03-29T12:00",
        "implementation_months": "24", "incubation_quota": "25", "funding_quota": "12", "max_grant": "140000.00",
        "total_budget": "1680000.00", "reminder_offsets": "14, 3, 0",
        "docs-TOTAL_FORMS": "0", "docs-INITIAL_FORMS": "0", "docs-MIN_NUM_FORMS": "0", "docs-MAX_NUM_FORMS": "1000",
        "faqs-TOTAL_FORMS": "1", "faqs-INITIAL_FORMS": "0", "faqs-MIN_NUM_FORMS": "0", "faqs-MAX_NUM_FORMS": "1000",
        "faqs-0-question_it": "Quando chiude?", "faqs-0-answer_it": "Il 29 marzo alle 12.",
        "faqs-0-question_en": "When does it close?", "faqs-0-answer_en": "On 29 March at noon.", "faqs-0-order": "0",
    }
    data.update(overrides)
    return data


def test_staff_form_has_the_english_beside_the_italian_and_saves_both(staff_client):
    with translation.override("it"):
        url = reverse("calls:staff_create")
        body = staff_client.get(url).content.decode()
    assert "Descrizione completa (inglese)" in body and "Descrizione completa" in body
    assert "Domanda (inglese)" in body and "Facoltativo: compare nelle pagine in inglese" in body
    response = staff_client.post(url, _form_data(ProgrammeFactory()))
    assert response.status_code == 302, response.content.decode()[:2000]
    call = Call.objects.get(slug="tsf-2031")
    assert (call.summary_it, call.summary_en) == ("Un bando per i quartieri.", "A call for the neighbourhoods.")
    assert (call.description_it, call.description_en) == ("Descrizione completa.", "Full description.")
    assert not call.eligibility_en and not call.title_en  # left empty: the Italian shows under /en/
    faq = call.faqs.get()
    assert (faq.question_it, faq.question_en, faq.answer_en) == ("Quando chiude?", "When does it close?",
                                                                  "On 29 March at noon.")
    assert Call.objects.filter(pk=call.pk, title="Torino Social Factory 2031").exists()  # Italian in the column

    # Editing the call under /en/ shows each version in its own field, and changing the English keeps the Italian.
    with translation.override("en"):
        edit = reverse("calls:staff_edit", args=[call.slug])
    form = staff_client.get(edit).context["form"]
    assert form["description_it"].value() == "Descrizione completa."
    assert form["eligibility_en"].value() in (None, "")
    response = staff_client.post(edit, _form_data(call.programme, **{
        "eligibility_en": "Third-sector organisations.", "faqs-TOTAL_FORMS": "0"}))
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.eligibility_it, call.eligibility_en) == ("Enti del Terzo settore.", "Third-sector organisations.")
    body = _page(staff_client, call, "en")
    assert "Third-sector organisations." in body and "When does it close?" in body and "Full description." in body
    assert "Torino Social Factory 2031" in body


def test_admin_edits_the_english_beside_the_italian(client, make_user, call):
    """The Django admin shows each version of the translated texts as its own field."""
    admin = make_user("admin@example.org", roles=["staff"], is_staff=True, is_superuser=True)
    client.force_login(admin)
    with translation.override("it"):
        pages = [reverse("admin:calls_call_change", args=[call.pk]),
                 reverse("admin:calls_impacttheme_change", args=[ImpactTheme.objects.first().pk]),
                 reverse("admin:calls_district_change", args=[District.objects.get(number=6).pk])]
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert "(inglese)" in body, url
    body = client.get(pages[0]).content.decode()
    assert 'name="description_en"' in body and 'name="faqs-0-question_en"' in body and 'name="title_it"' in body
