"""Reference data every call draws on: Turin's eight districts (circoscrizioni) with their
neighbourhoods, the programme's impact themes and target groups. `ensure_reference_data()` is
idempotent: demo seeding and tests call it."""
from .models import District, ImpactTheme, Neighbourhood, TargetGroup

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


def ensure_reference_data():
    for number, name, hoods in DISTRICTS:
        district, _ = District.objects.get_or_create(number=number, defaults={"name": name})
        for hood in hoods:
            Neighbourhood.objects.get_or_create(district=district, name=hood)
    for order, (code, name, description) in enumerate(THEMES):
        ImpactTheme.objects.get_or_create(code=code, defaults={"name": name, "description": description, "order": order})
    for order, (code, name) in enumerate(TARGET_GROUPS):
        TargetGroup.objects.get_or_create(code=code, defaults={"name": name, "order": order})
