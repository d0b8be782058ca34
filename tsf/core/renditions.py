"""What happens to a public image, whichever app shows it (a blog post's cover, a gallery image, an
image of a text, a project page's image): written once here, used by the blog and the projects app.

1. `strip(fieldfile)` (tsf.core.imaging), at upload, in the request: the stored original is rewritten
   from its pixels, upright, without its EXIF/XMP (GPS position, camera, date), so a location is never
   served, not even for the seconds before the worker gets to it. `take_in(obj)` does it for a model
   and empties what was made of the previous image.
2. `make(fieldfile)`, in the worker: copies in the modern formats Pillow writes here, AVIF (Pillow >=
   11.3 wheels bundle libavif) and WebP, at the widths of `WIDTHS` narrower than the original, named
   `<name>-<width>.<format>`. `make_renditions(obj)` makes them for a model and records them.
   What was made, `{"widths": [...], "formats": [...]}`, is kept in the model's renditions field:
   empty (`{}`) means not made yet, and pages then serve the original, its width and height set, so
   nothing is ever broken and nothing moves.
3. `sources(fieldfile, renditions)` gives a `<picture>`'s `<source>` lines, best format first
   (the `{% picture %}` tag of tsf.core.templatetags.public_images writes the element).

A share image (1200 x 630, JPEG) is cut from an image with `share_image(fieldfile, storage, name)`.
Each model with a public image names its fields with a `Slot` (`IMAGE_SLOT`), so that one function
processes every kind.
"""
import io
import os
from dataclasses import dataclass
from functools import cache

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, features

from tsf.core.imaging import SHARE_SIZE, open_image, share_image, strip, without_metadata

__all__ = ["SHARE_SIZE", "WIDTHS", "Slot", "formats", "make", "make_renditions", "remove", "rendition_name",
           "share_image", "sources", "strip", "take_in"]

WIDTHS = (480, 960, 1600)
# Best first: a browser takes the first <source> whose type it reads.
FORMATS = ("avif", "webp")
MIME_TYPES = {"avif": "image/avif", "webp": "image/webp"}
# AVIF at speed 8: a tenth of a second for a 960-pixel copy, about 40% smaller than the WebP copy.
SAVE_OPTIONS = {"avif": {"quality": 50, "speed": 8}, "webp": {"quality": 80, "method": 4}}


@dataclass(frozen=True)
class Slot:
    """The names of a model's fields that hold one public image and what was made from it."""

    image: str = "image"
    width: str = "width"
    height: str = "height"
    renditions: str = "renditions"


@cache
def formats() -> tuple[str, ...]:
    """The modern formats this Pillow writes, best first (AVIF only where Pillow was built with it)."""
    return tuple(fmt for fmt in FORMATS if features.check(fmt))


def rendition_name(name: str, width: int, fmt: str = "webp") -> str:
    root, _ext = os.path.splitext(name)
    return f"{root}-{width}.{fmt}"


def widths_for(original_width: int) -> list[int]:
    """The widths of the copies: those of WIDTHS narrower than the original (none for a small one)."""
    return [w for w in WIDTHS if w < original_width]


def make(fieldfile) -> dict:
    """Write the copies of a stored (already stripped) image; what was made, for `renditions`."""
    if not fieldfile:
        return {}
    storage, name = fieldfile.storage, fieldfile.name
    image, _fmt = open_image(fieldfile)
    clean = without_metadata(image)
    clean = clean.convert("RGBA" if "A" in clean.getbands() else "RGB")
    made_formats = formats()
    widths = widths_for(clean.width)
    for width in widths:
        height = max(1, round(clean.height * width / clean.width))
        copy = clean.resize((width, height), Image.Resampling.LANCZOS)
        for fmt in made_formats:
            buf = io.BytesIO()
            copy.save(buf, format=fmt.upper(), **SAVE_OPTIONS[fmt])
            target = rendition_name(name, width, fmt)
            storage.delete(target)
            storage.save(target, ContentFile(buf.getvalue()))
    return {"widths": widths, "formats": list(made_formats)}


def remove(fieldfile, renditions) -> None:
    """Delete the copies made of an image (its original is the caller's)."""
    if not fieldfile or not renditions:
        return
    for width in renditions.get("widths", ()):
        for fmt in renditions.get("formats", ()):
            try:
                fieldfile.storage.delete(rendition_name(fieldfile.name, width, fmt))
            except OSError:
                pass


def sources(fieldfile, renditions, original_width=None) -> list[tuple[str, str]]:
    """(MIME type, srcset) of each format made, best first; none before the copies exist. The
    original, at its own width, ends each srcset: a screen wider than the largest copy takes it."""
    if not fieldfile or not renditions or not renditions.get("widths"):
        return []
    url = fieldfile.storage.url
    original = f", {fieldfile.url} {original_width}w" if original_width else ""
    return [
        (MIME_TYPES[fmt], ", ".join(f"{url(rendition_name(fieldfile.name, w, fmt))} {w}w" for w in renditions["widths"])
         + original)
        for fmt in FORMATS if fmt in renditions.get("formats", ())
    ]


def take_in(obj) -> None:
    """An image just stored on `obj` (its `IMAGE_SLOT`): its metadata removed now, its size read
    upright, its copies still to make (renditions empty)."""
    slot = obj.IMAGE_SLOT
    width, height = strip(getattr(obj, slot.image))
    setattr(obj, slot.width, width or None)
    setattr(obj, slot.height, height or None)
    setattr(obj, slot.renditions, {})
    obj.save(update_fields=[slot.image, slot.width, slot.height, slot.renditions])


def make_renditions(obj) -> bool:
    """The one processing of a public image: its AVIF/WebP copies written, then recorded on its row if
    the row still holds that file (an image replaced or deleted meanwhile keeps nothing of it). Does
    nothing for an image already done: safe to repeat. Whether it made something."""
    slot = obj.IMAGE_SLOT
    fieldfile = getattr(obj, slot.image)
    if not fieldfile or getattr(obj, slot.renditions):
        return False
    name = fieldfile.name
    made = make(fieldfile)
    model = type(obj)
    with transaction.atomic():
        fresh = model._default_manager.select_for_update().filter(pk=obj.pk).first()
        if fresh is None or getattr(fresh, slot.image).name != name:
            transaction.on_commit(lambda: remove(fieldfile, made))
            return False
        if getattr(fresh, slot.renditions):  # made meanwhile by another worker: the same files
            return False
        setattr(fresh, slot.renditions, made)
        fresh.save(update_fields=[slot.renditions])  # an auto_now field moves too (the page's ETag)
    setattr(obj, slot.renditions, made)
    return True


def forget_share_image(obj) -> None:
    """The share image of a post or a project page no longer fits it (a new image, title or gallery):
    emptied now, its file deleted after commit; the worker makes the next one, and until then the
    page's social card shows the image itself (or the portal's)."""
    old = obj.share_image.name
    if not old:
        return
    storage = obj.share_image.storage
    obj.share_image.name = ""
    obj.save(update_fields=["share_image"])
    transaction.on_commit(lambda: storage.delete(old))


def record_share_image(obj, name: str, storage, *, still_fits=lambda fresh: True) -> bool:
    """Record the share image `name` just made for `obj` (a post, a project page), unless the row is
    gone, another share image was recorded meanwhile, or `still_fits(fresh row)` says the image it
    was cut from changed: then the file is deleted after commit. True when recorded."""
    with transaction.atomic():
        fresh = type(obj).objects.select_for_update().filter(pk=obj.pk).first()
        if fresh is None or fresh.share_image or not still_fits(fresh):
            transaction.on_commit(lambda: storage.delete(name))
            return False
        fresh.share_image.name = name
        fresh.save(update_fields=["share_image"])
    obj.share_image.name = name
    return True
