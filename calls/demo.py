"""Demo: the programme, the 2018 call (closed) and an open call to try the submission."""
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from tsf.core.dates import ROME
from tsf.core.pdf import demo_pdf

from .models import (
    FAQ,
    Call,
    CallDocument,
    District,
    ImpactTheme,
    LegalForm,
    Neighbourhood,
    Programme,
    TargetGroup,
)
from .reference import PROGRAMME_EN, ensure_reference_data

SUMMARY_2018 = (
    "Torino Social Factory sostiene progetti di innovazione sociale che rispondano a bisogni emergenti nei "
    "quartieri della città con maggiori situazioni di esclusione socio-economica: 25 idee accedono "
    "all'Incubation Lab, fino a 12 ricevono un contributo fino a 140.000 euro."
)
DESCRIPTION_2018 = """Il bando si rivolge a enti del Terzo settore che propongono servizi e attività sperimentali, \
fondati sulla prossimità e sul welfare di comunità, nelle aree di Torino dove si concentrano povertà urbana, \
vulnerabilità sociali e disoccupazione.

Le proposte ammissibili sono valutate da una commissione; le 25 migliori partecipano all'Incubation Lab \
(marzo-maggio 2018), quattro workshop su identità e missione dell'idea, progettazione del sistema \
prodotto-servizio, competenze, validazione e accesso al mercato, modello di business e di impatto. \
Dopo il laboratorio ogni gruppo presenta una proposta rivista; fino a 12 progetti sono finanziati e hanno \
due anni per realizzarsi, con un anno di accompagnamento (Social Innovation Camp, help desk, supporto alla \
rendicontazione).

Torino Social Factory è promosso dalla Città di Torino, organismo intermedio del PON Città Metropolitane \
2014-2020, con il cofinanziamento dei fondi strutturali e di investimento europei."""
ELIGIBILITY = (
    "Possono partecipare gli enti del Terzo settore con sede operativa a Torino: associazioni di promozione "
    "sociale, organizzazioni di volontariato, cooperative sociali di tipo A e B, imprese sociali, fondazioni e "
    "altri enti del Terzo settore, anche in partenariato tra loro."
)
# English versions (shown under /en/), faithful to the Italian texts above and to the programme's own
# English description (shared/seed).
SUMMARY_2018_EN = (
    "Torino Social Factory supports social innovation projects that answer emerging needs in the city's "
    "neighbourhoods with the most socio-economic exclusion: 25 ideas enter the Incubation Lab, up to 12 receive "
    "a grant of up to 140,000 euros."
)
DESCRIPTION_2018_EN = """The call is addressed to third-sector organisations proposing experimental services and \
activities, based on proximity and community welfare, in the areas of Turin where urban poverty, social \
vulnerabilities and unemployment are concentrated.

Eligible proposals are assessed by a committee; the best 25 take part in the Incubation Lab (March-May \
2018), four workshops on the identity and mission of the idea, product-service system design, skills, \
validation and access to market, business and impact model. After the lab each team submits a revised \
proposal; up to 12 projects are funded and have two years to carry them out, with a year of support (Social \
Innovation Camp, help desk, support with reporting).

Torino Social Factory is promoted by the City of Turin, intermediate body of the National Operational \
Programme "Metropolitan Cities" (PON Metro) 2014-2020, co-financed by the European Structural and Investment \
Funds."""
ELIGIBILITY_EN = (
    "Third-sector organisations with an operational seat in Turin may apply: associations for social promotion, "
    "volunteer organisations, social cooperatives of type A and B, social enterprises, foundations and other "
    "third-sector bodies, also in partnership with one another."
)
NEIGHBOURHOODS_2018 = [
    "Barriera di Milano", "Regio Parco", "Falchera", "Rebaudengo", "Aurora", "Vallette", "Lucento",
    "Borgo Vittoria", "Madonna di Campagna", "Mirafiori Sud", "Mirafiori Nord", "San Salvario", "Nizza Millefonti",
    "San Donato", "Pozzo Strada",
]
FAQS = [
    ("Chi può presentare una proposta?",
     "Gli enti del Terzo settore indicati nel bando. Le persone fisiche possono partecipare come membri del team "
     "di un ente."),
    ("Un ente può presentare più proposte?",
     "Sì, ma ogni proposta deve avere un team e un budget distinti."),
    ("Qual è il contributo massimo?",
     "140.000 euro per progetto; il contributo richiesto non può superare il totale del budget."),
    ("Fino a quando posso modificare la proposta?",
     "Fino all'invio. Dopo l'invio la proposta è bloccata e riceve un numero di protocollo; prima della "
     "scadenza può essere ritirata."),
    ("L'orario di scadenza è quello di Roma?",
     "Sì: la scadenza è verificata dal portale, al secondo, sull'orario ufficiale italiano."),
]
FAQS_EN = [
    ("Who can submit a proposal?",
     "The third-sector organisations listed in the call. Individuals can take part as members of an "
     "organisation's team."),
    ("Can an organisation submit more than one proposal?",
     "Yes, but each proposal must have its own team and budget."),
    ("What is the maximum grant?",
     "140,000 euros per project; the grant requested cannot exceed the total budget."),
    ("Until when can I change my proposal?",
     "Until it is submitted. Once submitted, the proposal is locked and receives a protocol number; before the "
     "deadline it can be withdrawn."),
    ("Is the deadline in Rome time?",
     "Yes: the portal checks the deadline, to the second, against official Italian time."),
]
DOCUMENTS_2018 = [
    ("Testo del bando Torino Social Factory 2018", "Text of the Torino Social Factory 2018 call",
     CallDocument.Kind.CALL_TEXT, "bando-tsf-2018.pdf"),
    ("Modulo di domanda (facsimile)", "Application form (specimen)", CallDocument.Kind.FORM,
     "modulo-domanda-tsf-2018.pdf"),
    ("Domande frequenti", "Frequently asked questions", CallDocument.Kind.FAQ, "faq-tsf-2018.pdf"),
]
SUMMARY_2027 = ("La nuova edizione di Torino Social Factory: idee di innovazione sociale per i quartieri di "
                "Torino, con un laboratorio di incubazione e contributi fino a 140.000 euro.")
SUMMARY_2027_EN = ("The new edition of Torino Social Factory: social innovation ideas for Turin's neighbourhoods, "
                   "with an incubation lab and grants of up to 140,000 euros.")


def _add_english(obj, **texts):
    """Give a demo object its English texts where none was written (a demo seeded before they existed)."""
    missing = {f"{name}_en": text for name, text in texts.items() if not getattr(obj, f"{name}_en")}
    if missing:
        type(obj).objects.filter(pk=obj.pk).update(**missing)


def _add_faq_english(call):
    english = dict(zip(FAQS, FAQS_EN, strict=True))
    for faq in call.faqs.all():
        q_en, a_en = english.get((faq.question_it, faq.answer_it), (None, None))
        if q_en:
            _add_english(faq, question=q_en, answer=a_en)


def _rome(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=ROME)


def seed(ctx):
    ensure_reference_data()
    programme, _ = Programme.objects.get_or_create(
        slug="torino-social-factory",
        defaults={
            "name": "Torino Social Factory",
            "promoter": "Città di Torino",
            "description": "Il programma della Città di Torino per l'innovazione sociale nei quartieri.",
            "funding": "PON Città Metropolitane 2014-2020, Agenzia per la Coesione Territoriale, fondi SIE dell'Unione europea.",
            "website": "https://www.torinosocialfactory.it/", **PROGRAMME_EN,
        },
    )
    call, created = Call.objects.get_or_create(
        slug="torino-social-factory-2018",
        defaults={
            "programme": programme, "title": "Torino Social Factory 2018", "year": 2018, "protocol_prefix": "TSF",
            "summary": SUMMARY_2018, "description": DESCRIPTION_2018, "eligibility": ELIGIBILITY,
            "summary_en": SUMMARY_2018_EN, "description_en": DESCRIPTION_2018_EN, "eligibility_en": ELIGIBILITY_EN,
            "is_published": True,
            "opens_at": _rome(2017, 11, 15, 9), "closes_at": _rome(2018, 1, 31, 12),
            "first_selection_results_on": _rome(2018, 2, 28).date(),
            "incubation_starts_on": _rome(2018, 3, 5).date(), "incubation_ends_on": _rome(2018, 5, 31).date(),
            "revised_opens_at": _rome(2018, 6, 4, 9), "revised_closes_at": _rome(2018, 6, 29, 12),
            "final_assessment_on": _rome(2018, 7, 16).date(), "results_published_on": _rome(2018, 7, 31).date(),
            "acceleration_starts_on": _rome(2018, 9, 17).date(), "implementation_months": 24,
            "incubation_quota": 25, "funding_quota": 12, "max_grant": Decimal("140000.00"),
            "required_attachments": ["statute", "budget"],
            "total_budget": Decimal("1680000.00"), "eligible_legal_forms": [c for c, _l in LegalForm.choices],
            "reminder_offsets": [14, 3, 0],
        },
    )
    if created:
        call.districts.set(District.objects.all())
        call.neighbourhoods.set(Neighbourhood.objects.filter(name__in=NEIGHBOURHOODS_2018))
        call.themes.set(ImpactTheme.objects.all())
        call.target_groups.set(TargetGroup.objects.all())
        for i, ((q, a), (q_en, a_en)) in enumerate(zip(FAQS, FAQS_EN, strict=True)):
            FAQ.objects.create(call=call, question=q, answer=a, question_en=q_en, answer_en=a_en, order=i)
        for i, (title, title_en, kind, name) in enumerate(DOCUMENTS_2018):
            doc = CallDocument(call=call, title=title, title_en=title_en, kind=kind, order=i)
            doc.file.save(name, ContentFile(demo_pdf(title)), save=False)
            doc.save()
    else:
        _add_english(call, summary=SUMMARY_2018_EN, description=DESCRIPTION_2018_EN, eligibility=ELIGIBILITY_EN)
        _add_faq_english(call)
        for doc in call.documents.all():
            title_en = {it: en for it, en, _k, _n in DOCUMENTS_2018}.get(doc.title_it)
            if title_en:
                _add_english(doc, title=title_en)
    ctx.data["programme"] = programme
    ctx.data["call_2018"] = call

    # An open call, so that a visitor can try the whole submission: dates relative to today.
    today = timezone.localdate()
    call_now, created = Call.objects.get_or_create(
        slug="torino-social-factory-2027",
        defaults={
            "programme": programme, "title": "Torino Social Factory 2027", "year": 2027, "protocol_prefix": "TSF",
            "summary": SUMMARY_2027, "summary_en": SUMMARY_2027_EN,
            "description": DESCRIPTION_2018.split("\n\n")[0], "eligibility": ELIGIBILITY, "is_published": True,
            "description_en": DESCRIPTION_2018_EN.split("\n\n")[0], "eligibility_en": ELIGIBILITY_EN,
            "opens_at": datetime.combine(today - timedelta(days=7), time(9), tzinfo=ROME),
            "closes_at": datetime.combine(today + timedelta(days=60), time(12), tzinfo=ROME),
            "first_selection_results_on": today + timedelta(days=90),
            "incubation_starts_on": today + timedelta(days=100), "incubation_ends_on": today + timedelta(days=190),
            "revised_opens_at": datetime.combine(today + timedelta(days=191), time(9), tzinfo=ROME),
            "revised_closes_at": datetime.combine(today + timedelta(days=220), time(12), tzinfo=ROME),
            "final_assessment_on": today + timedelta(days=240),
            "incubation_quota": 25, "funding_quota": 12, "max_grant": Decimal("140000.00"),
            "required_attachments": ["statute", "budget"],
            "total_budget": Decimal("1680000.00"), "reminder_offsets": [14, 3, 0],
        },
    )
    if created:
        call_now.districts.set(District.objects.all())
        call_now.neighbourhoods.set(Neighbourhood.objects.filter(name__in=NEIGHBOURHOODS_2018))
        call_now.themes.set(ImpactTheme.objects.all())
        call_now.target_groups.set(TargetGroup.objects.all())
        for i, ((q, a), (q_en, a_en)) in enumerate(zip(FAQS[:3], FAQS_EN[:3], strict=True)):
            FAQ.objects.create(call=call_now, question=q, answer=a, question_en=q_en, answer_en=a_en, order=i)
    else:
        _add_english(call_now, summary=SUMMARY_2027_EN, description=DESCRIPTION_2018_EN.split("\n\n")[0],
                     eligibility=ELIGIBILITY_EN)
        _add_faq_english(call_now)
    ctx.data["call_open"] = call_now
