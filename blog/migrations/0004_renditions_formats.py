"""`renditions` becomes what was made, `{"widths": [...], "formats": [...]}`, empty until the worker
made the copies (blog.renditions). The copies made before were WebP only: a list of widths becomes
{"widths": ..., "formats": ["webp"]}; an empty list (a small image, or one never processed) becomes
{}, so the worker's periodic pass makes its copies."""
from django.db import migrations, models


def _to_dict(value):
    if isinstance(value, list):
        return {"widths": value, "formats": ["webp"]} if value else {}
    return value or {}


def _to_list(value):
    return list(value.get("widths", [])) if isinstance(value, dict) else (value or [])


def convert(apps, schema_editor, how=_to_dict):
    for model, field in (("GalleryImage", "renditions"), ("InlineImage", "renditions"), ("Post", "cover_renditions")):
        Model = apps.get_model("blog", model)
        for pk, value in Model.objects.values_list("pk", field).iterator():
            new = how(value)
            if new != value:
                Model.objects.filter(pk=pk).update(**{field: new})


def back(apps, schema_editor):
    convert(apps, schema_editor, how=_to_list)


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0003_images_renditions_inline'),
    ]

    operations = [
        migrations.AlterField(
            model_name='galleryimage',
            name='renditions',
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AlterField(
            model_name='inlineimage',
            name='renditions',
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AlterField(
            model_name='post',
            name='cover_renditions',
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(convert, back),
    ]
