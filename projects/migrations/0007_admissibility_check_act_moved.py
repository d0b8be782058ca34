# The act approving the admissibility list now lives once on the list (0006 moved the values).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0006_admissibility_list"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="admissibilitycheck",
            name="act_date",
        ),
        migrations.RemoveField(
            model_name="admissibilitycheck",
            name="act_number",
        ),
        migrations.RemoveField(
            model_name="admissibilitycheck",
            name="act_official",
        ),
    ]
