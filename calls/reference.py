"""Reference data every call draws on: Turin's eight districts (circoscrizioni) with their
neighbourhoods, the programme's impact themes and target groups, with their English versions (the
programme's own English words, shared/seed). `ensure_reference_data()` is idempotent: demo seeding
and tests call it."""
from .models import District, ImpactTheme, Neighbourhood, Programme, TargetGroup

# From the City's open data (shared/data/torino-circoscrizioni.geojson): number, name, neighbourhoods.
DISTRICTS = [
    (1, "Circoscrizione 1 - Centro, Crocetta", ["Centro", "Crocetta"]),
    (2, "Circoscrizione 2 - Santa Rita, Mirafiori Nord, Mirafiori Sud", ["Santa Rita", "Mirafiori Nord", "Mirafiori Sud"]),
    (3, "Circoscrizione 3 - San Paolo, Cenisia, Pozzo Strada, Cit Turin, Borgata Lesna",
     ["San Paolo", "Cenisia", "Pozzo Strada", "Cit Turin", "Borgata Lesna"]),
    (4, "Circoscrizione 4 - San Donato, Campidoglio, Parella", ["San Donato", "Campidoglio", "Parella"]),
    (5, "Circoscrizione 5 - Borgo Vittoria, Madonna di Campagna, Lucento, Vallette",
     ["Borgo Vittoria", "Madonna di Campagna", "Lucento", "Vallette"]),
    (6, "Circoscrizione 6 - Barriera di Milano, Regio Parco, Barca, Bertolla, Falchera, Rebaudengo, Villaretto",
     ["Barriera di Milano", "Regio Parco", "Barca", "Bertolla", "Falchera", "Rebaudengo", "Villaretto"]),
    (7, "Circoscrizione 7 - Aurora, Vanchiglia, Sassi, Madonna del Pilone",
     ["Aurora", "Vanchiglia", "Sassi", "Madonna del Pilone"]),
    (8, "Circoscrizione 8 - San Salvario, Cavoretto, Borgo Po, Nizza Millefonti, Lingotto, Filadelfia",
     ["San Salvario", "Cavoretto", "Borgo Po", "Nizza Millefonti", "Lingotto", "Filadelfia"]),
]

THEMES = [
    ("poverta-urbana", "Povertà urbana", "Contrasto alla povertà e alla deprivazione materiale nei quartieri."),
    ("vulnerabilita-sociali", "Vulnerabilità sociali", "Sostegno a persone e famiglie in condizione di fragilità."),
    ("disoccupazione", "Disoccupazione", "Inserimento lavorativo, formazione e nuove opportunità di impiego."),
    ("integrazione-culturale", "Integrazione culturale", "Inclusione delle persone di origine straniera e dialogo interculturale."),
    ("coesione-sociale", "Coesione sociale", "Relazioni di prossimità, partecipazione e cura dei beni comuni."),
]

TARGET_GROUPS = [
    ("abitanti", "Abitanti del quartiere"),
    ("famiglie-immigrate", "Famiglie immigrate"),
    ("famiglie-difficolta", "Famiglie in difficoltà economica"),
    ("donne", "Donne"),
    ("giovani-disoccupati", "Giovani disoccupati"),
    ("studenti", "Studenti"),
    ("anziani", "Anziani"),
    ("disabilita-psichica", "Persone con disabilità psichica"),
    ("detenuti", "Persone detenute"),
    ("msna", "Minori stranieri non accompagnati"),
    ("altri", "Altri"),
]

# English versions, by number or code (the Italian tuples above are read by migration 0002 as they are).
DISTRICT_NAMES_EN = {
    number: name.replace("Circoscrizione", "District", 1) for number, name, _hoods in DISTRICTS
}
THEMES_EN = {
    "poverta-urbana": ("Urban poverty", "Tackling poverty and material deprivation in the neighbourhoods."),
    "vulnerabilita-sociali": ("Social vulnerabilities", "Support for people and families in fragile circumstances."),
    "disoccupazione": ("Unemployment", "Job placement, training and new employment opportunities."),
    "integrazione-culturale": ("Cultural integration",
                               "Inclusion of people of foreign origin and intercultural dialogue."),
    "coesione-sociale": ("Social cohesion", "Neighbourly relations, participation and care for the commons."),
}
TARGET_GROUPS_EN = {
    "abitanti": "Inhabitants of the neighbourhood",
    "famiglie-immigrate": "Immigrant families",
    "famiglie-difficolta": "Families with economic difficulties",
    "donne": "Women",
    "giovani-disoccupati": "Unemployed young people",
    "studenti": "Students",
    "anziani": "Senior citizens",
    "disabilita-psichica": "People with psychic disabilities",
    "detenuti": "Prisoners",
    "msna": "Unaccompanied foreign minors",
    "altri": "Others",
}
# The programme (created by migration 0002), by its slug.
PROGRAMME_SLUG = "torino-social-factory"
PROGRAMME_EN = {
    "promoter_en": "City of Turin",
    "description_en": "The City of Turin's programme for social innovation in the neighbourhoods.",
    "funding_en": "National Operational Programme \"Metropolitan Cities\" (PON Metro) 2014-2020, National Agency "
                  "for Territorial Cohesion, European Structural and Investment Funds.",
}


def add_english(district_model, theme_model, group_model, programme_model=None):
    """Give the programme and the standard districts, themes and target groups their English version
    where none was given yet (an English text staff wrote is kept). Works with the migrations' models too."""
    for number, name in DISTRICT_NAMES_EN.items():
        district_model.objects.filter(number=number, name_en__isnull=True).update(name_en=name)
    for code, (name, description) in THEMES_EN.items():
        theme_model.objects.filter(code=code, name_en__isnull=True).update(name_en=name)
        theme_model.objects.filter(code=code, description_en__isnull=True).update(description_en=description)
    for code, name in TARGET_GROUPS_EN.items():
        group_model.objects.filter(code=code, name_en__isnull=True).update(name_en=name)
    if programme_model is not None:
        for field, text in PROGRAMME_EN.items():
            programme_model.objects.filter(slug=PROGRAMME_SLUG, **{f"{field}__isnull": True}).update(**{field: text})


def ensure_reference_data():
    # The Italian names by their own fields, whatever the active language; then the English ones.
    for number, name, hoods in DISTRICTS:
        district, _ = District.objects.get_or_create(number=number, defaults={"name_it": name})
        for hood in hoods:
            Neighbourhood.objects.get_or_create(district=district, name=hood)
    for order, (code, name, description) in enumerate(THEMES):
        ImpactTheme.objects.get_or_create(code=code, defaults={"name_it": name, "description_it": description,
                                                                  "order": order})
    for order, (code, name) in enumerate(TARGET_GROUPS):
        TargetGroup.objects.get_or_create(code=code, defaults={"name_it": name, "order": order})
    add_english(District, ImpactTheme, TargetGroup, Programme)
