"""What happens to a public image when it is saved: its location and camera metadata are removed
(the stored original is rewritten from its pixels, turned upright first), a few smaller copies are
made in WebP (`<name>-<width>.webp`), and pages serve them with `srcset`/`sizes`, the width and
height set so nothing moves while they load.

`process(fieldfile)` does it once and returns the widths made; `srcset(name, widths)` and
`rendition_url(name, width)` read them back. A share image (1200 x 630, JPEG) is cut from a cover
with `share_image(fieldfile, name)`.
"""
import io
import os

from django.core.files.base import ContentFile
from PIL import Image

from tsf.core.imaging import SHARE_SIZE, open_image, share_image, without_metadata

__all__ = ["SHARE_SIZE", "WIDTHS", "process", "remove", "rendition_name", "share_image", "srcset"]

WIDTHS = (480, 960, 1600)
WEBP_QUALITY = 80
SAVE_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}


def rendition_name(name: str, width: int) -> str:
    root, _ext = os.path.splitext(name)
    return f"{root}-{width}.webp"


def process(fieldfile) -> tuple[list[int], tuple[int, int]]:
    """Rewrite the stored image without metadata and write its WebP renditions; the widths made
    (only those smaller than the original; none for a small image) and the upright size."""
    if not fieldfile:
        return [], (0, 0)
    storage, name = fieldfile.storage, fieldfile.name
    image, fmt = open_image(fieldfile)
    clean = without_metadata(image)
    out = io.BytesIO()
    save_format = SAVE_FORMATS.get(fmt, "PNG")
    if save_format == "JPEG":
        clean.convert("RGB").save(out, format="JPEG", quality=90, optimize=True)
    else:
        clean.save(out, format=save_format)
    storage.delete(name)
    stored = storage.save(name, ContentFile(out.getvalue()))
    if stored != name:  # the storage kept the old name free: never expected, but keep them equal
        fieldfile.name = stored
        name = stored
    widths = []
    for width in WIDTHS:
        if width >= clean.width:
            break
        height = round(clean.height * width / clean.width)
        copy = clean.resize((width, height), Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        copy.save(buf, format="WEBP", quality=WEBP_QUALITY, method=4)
        target = rendition_name(name, width)
        storage.delete(target)
        storage.save(target, ContentFile(buf.getvalue()))
        widths.append(width)
    return widths, clean.size


def remove(fieldfile, widths) -> None:
    if not fieldfile:
        return
    for width in widths or ():
        try:
            fieldfile.storage.delete(rendition_name(fieldfile.name, width))
        except OSError:
            pass


def srcset(fieldfile, widths, original_width=None) -> str:
    """`srcset` of an image: its renditions and the original at its own width."""
    if not fieldfile or not widths:
        return ""
    parts = [f"{fieldfile.storage.url(rendition_name(fieldfile.name, w))} {w}w" for w in widths]
    if original_width:
        parts.append(f"{fieldfile.url} {original_width}w")
    return ", ".join(parts)
