"""Public images without their metadata, and the share image of a page: what every app that shows
an uploaded image to the public uses (the blog's renditions, the project pages' share images)."""
import io

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

SHARE_SIZE = (1200, 630)


def open_image(fieldfile):
    """The stored image, loaded, and its format."""
    fieldfile.open("rb")
    try:
        data = fieldfile.read()
    finally:
        fieldfile.close()
    image = Image.open(io.BytesIO(data))
    fmt = image.format or "PNG"
    image.load()
    return image, fmt


def without_metadata(image: Image.Image) -> Image.Image:
    """The pixels only: upright as the camera meant it, no EXIF (GPS, camera, date), no XMP."""
    image = ImageOps.exif_transpose(image)
    mode = image.mode
    if mode not in ("RGB", "RGBA", "L", "LA"):
        mode = "RGBA" if "A" in image.getbands() or image.info.get("transparency") is not None else "RGB"
    clean = Image.new(mode, image.size)
    clean.paste(image.convert(mode))
    return clean


SAVE_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}


def strip(fieldfile) -> tuple[int, int]:
    """Rewrite a stored public image from its pixels, at upload: upright, no metadata (a GPS position
    is never served). Returns its (upright) size."""
    if not fieldfile:
        return 0, 0
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
    return clean.size


def share_image(fieldfile, storage, name: str) -> str:
    """A 1200 x 630 JPEG cut from the middle of the image (what Facebook, X and LinkedIn show);
    returns its stored name."""
    image, _fmt = open_image(fieldfile)
    card = ImageOps.fit(without_metadata(image).convert("RGB"), SHARE_SIZE, Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    card.save(buf, format="JPEG", quality=85, optimize=True)
    storage.delete(name)
    return storage.save(name, ContentFile(buf.getvalue()))
