"""Private uploads: stored outside every public URL, checked by content, served after a
permission check (see views.private_file).

    attachment = models.FileField(upload_to=uploads.upload_to("proposals"), storage=uploads.private_storage,
                                  validators=[uploads.DocumentValidator()], max_length=255)

(max_length=255: the stored path is `<prefix>/<year>/<32 hex>/<name>`, longer than the default 100.)
"""
import os
import re
import uuid
import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, with no public URL."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @cached_property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private files have no public URL: use tsf.core.views.private_file")


_private = PrivateStorage()


def private_storage():
    return _private


# What each kind of upload accepts: the extension and the type recognised from the content.
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
IMAGE_TYPES = {k: v for k, v in DOCUMENT_TYPES.items() if k in ("png", "jpg", "jpeg")} | {"webp": "image/webp"}

# Folders (either slash), control characters, and hidden names (".htaccess", "..") are refused.
_UNSAFE_NAME = re.compile(r"[/\\\x00-\x1f\x7f]|^\.")


# Archive checks (ODT/DOCX/XLSX... are zip files): only the central directory is read, and a
# member is opened as a stream and read a few bytes at most, so a "zip bomb" costs nothing.
ARCHIVE_MAX_MEMBERS = 5000
ARCHIVE_MAX_TOTAL_BYTES = 200 * 1024 * 1024  # declared uncompressed size of all members
ARCHIVE_MAX_RATIO = 100  # uncompressed / compressed, for members over ARCHIVE_RATIO_FROM bytes
ARCHIVE_RATIO_FROM = 1024 * 1024
_MIMETYPE_MAX_BYTES = 200


class UnsafeArchive(ValueError):
    """The archive declares sizes or ratios no real document has (a "zip bomb")."""


def check_archive(zf: zipfile.ZipFile) -> None:
    """Raises UnsafeArchive when the declared member count, total size or compression ratio is absurd.
    Nothing is decompressed."""
    infos = zf.infolist()
    if len(infos) > ARCHIVE_MAX_MEMBERS:
        raise UnsafeArchive("too many members")
    total = 0
    for info in infos:
        total += info.file_size
        if total > ARCHIVE_MAX_TOTAL_BYTES:
            raise UnsafeArchive("declared size too large")
        if info.file_size > ARCHIVE_RATIO_FROM and info.file_size > ARCHIVE_MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeArchive("compression ratio too high")


def read_member_head(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """At most `limit` bytes of a member, decompressed as a stream (never the whole member)."""
    with zf.open(name) as member:
        return member.read(limit)


def sniff(fileobj) -> str | None:
    """The MIME type recognised from the first bytes of the content (None if unknown).
    Raises UnsafeArchive for a zip whose declared sizes are absurd."""
    pos = fileobj.tell() if hasattr(fileobj, "tell") else 0
    fileobj.seek(0)
    head = fileobj.read(8192)
    mime = None
    kind = filetype.guess(head)
    if kind is not None:
        mime = kind.mime
    if head.startswith(b"PK") or mime in (None, "application/zip"):
        # Office Open XML and OpenDocument are zip files: check the archive (even when the first
        # bytes already name the type), then look inside.
        fileobj.seek(0)
        try:
            with zipfile.ZipFile(fileobj) as zf:
                check_archive(zf)
                names = set(zf.namelist())
                if mime not in (None, "application/zip"):
                    pass  # recognised from the first bytes
                elif "mimetype" in names:
                    raw = read_member_head(zf, "mimetype", _MIMETYPE_MAX_BYTES)
                    mime = raw.decode("ascii", "replace").strip()
                elif "word/document.xml" in names:
                    mime = DOCUMENT_TYPES["docx"]
                elif "xl/workbook.xml" in names:
                    mime = DOCUMENT_TYPES["xlsx"]
                elif "ppt/presentation.xml" in names:
                    mime = DOCUMENT_TYPES["pptx"]
        except UnsafeArchive:
            fileobj.seek(pos)
            raise
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
            pass
    fileobj.seek(pos)
    return mime


@deconstructible
class UploadValidator:
    """Refuses a file whose content is not one of the allowed types (whatever its name says),
    that is larger than the limit, or whose name is path-like or hidden."""

    def __init__(self, kinds: tuple[str, ...] | None = None, max_bytes: int | None = None):
        self.kinds = tuple(kinds) if kinds else tuple(DOCUMENT_TYPES)
        self.max_bytes = max_bytes

    def allowed(self) -> dict:
        every = DOCUMENT_TYPES | IMAGE_TYPES
        return {k: every[k] for k in self.kinds}

    def __call__(self, file):
        raw_name = getattr(file, "_original_name", None) or getattr(file, "name", "") or ""
        name = os.path.basename(str(raw_name))
        if _UNSAFE_NAME.search(str(raw_name)) and not getattr(file, "_committed", False):
            raise ValidationError(
                _("The file name “%(name)s” is not allowed: rename the file without folders or special characters."),
                code="unsafe_name",
                params={"name": str(raw_name)[:80]},
            )
        if getattr(file, "_committed", False):
            return  # already stored and checked
        limit = self.max_bytes or settings.TSF_UPLOAD_MAX_BYTES
        if file.size is not None and file.size > limit:
            raise ValidationError(
                _("The file is too large (%(size)s): the limit is %(limit)s. Please upload a smaller file."),
                code="too_large",
                params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            )
        if not file.size:
            raise ValidationError(_("The file is empty."), code="empty")
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        allowed = self.allowed()
        accepted = ", ".join(sorted({k.upper() for k in allowed if k != "jpeg"}))
        if ext not in allowed:
            raise ValidationError(
                _("Files of this type are not accepted. Accepted types: %(types)s."),
                code="bad_extension",
                params={"types": accepted},
            )
        try:
            mime = sniff(file)
        except UnsafeArchive:
            raise ValidationError(
                _("“%(name)s” is a compressed file whose declared content is far too large or too compressed "
                  "for a real document, so it was not accepted. Please save the document again and upload it."),
                code="unsafe_archive",
                params={"name": name[:80]},
            ) from None
        if mime != allowed[ext]:
            raise ValidationError(
                _("The content of “%(name)s” is not a real %(ext)s file. Accepted types: %(types)s."),
                code="bad_content",
                params={"name": name[:80], "ext": ext.upper(), "types": accepted},
            )

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and (self.kinds, self.max_bytes) == (other.kinds, other.max_bytes)


def DocumentValidator():  # noqa: N802 - reads like a class where it is used
    return UploadValidator(tuple(DOCUMENT_TYPES))


def ImageValidator():  # noqa: N802
    return UploadValidator(tuple(IMAGE_TYPES))


@deconstructible
class upload_to:  # noqa: N801 - used like a function in model fields
    """A safe storage path: `<prefix>/<year>/<random>/<cleaned name>`; the person's file name is
    kept for download but can never leave the folder."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, instance, filename):
        # Both separators count (a name typed on Windows), then only safe characters remain.
        base = str(filename).replace("\\", "/").rsplit("/", 1)[-1].lstrip(".")
        try:
            base = get_valid_filename(base)
        except SuspiciousFileOperation:
            base = "file"
        return f"{self.prefix}/{timezone.now():%Y}/{uuid.uuid4().hex}/{base[-120:]}"

    def __eq__(self, other):
        return isinstance(other, upload_to) and self.prefix == other.prefix
