"""The reference data every installation needs, on an empty database too: Turin's eight districts
with their neighbourhoods, the programme's impact themes and target groups, and the programme
itself, so that staff can create a call in the portal's own pages from the first day."""
from django.db import migrations

PROGRAMME = {
    "slug": "torino-social-factory",
    "name": "Torino Social Factory",
    "promoter": "Città di Torino",
    "description": "Il programma della Città di Torino per l'innovazione sociale nei quartieri.",
    "funding": "PON Città Metropolitane 2014-2020, Agenzia per la Coesione Territoriale, fondi SIE dell'Unione europea.",
    "website": "https://www.torinosocialfactory.it/",
}


def load(apps, schema_editor):
    from calls.reference import DISTRICTS, TARGET_GROUPS, THEMES

    District = apps.get_model("calls", "District")
    Neighbourhood = apps.get_model("calls", "Neighbourhood")
    ImpactTheme = apps.get_model("calls", "ImpactTheme")
    TargetGroup = apps.get_model("calls", "TargetGroup")
    Programme = apps.get_model("calls", "Programme")
    for number, name, hoods in DISTRICTS:
        district, _ = District.objects.get_or_create(number=number, defaults={"name": name})
        for hood in hoods:
            Neighbourhood.objects.get_or_create(district=district, name=hood)
    for order, (code, name, description) in enumerate(THEMES):
        ImpactTheme.objects.get_or_create(code=code, defaults={"name": name, "description": description, "order": order})
    for order, (code, name) in enumerate(TARGET_GROUPS):
        TargetGroup.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    Programme.objects.get_or_create(slug=PROGRAMME["slug"], defaults=PROGRAMME)


class Migration(migrations.Migration):
    dependencies = [("calls", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
