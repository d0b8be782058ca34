from django.urls import reverse


def private_file_url(obj, field: str) -> str:
    """The URL of a private upload: the download view checks the viewer's permission."""
    return reverse(
        "core:private_file",
        kwargs={"app_label": obj._meta.app_label, "model_name": obj._meta.model_name, "pk": obj.pk, "field": field},
    )
