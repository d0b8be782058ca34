"""Upload checks: types by content (not by name), size limit, safe names, private storage."""
import io
import os
import zipfile

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from tsf.core.uploads import DocumentValidator, ImageValidator, private_storage, sniff, upload_to


@pytest.fixture(autouse=True)
def _messages_in_english(english):
    """These tests read the English messages."""

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00" + b"\x00" * 64 + b"PE\x00\x00" + b"\x00" * 100


def png_bytes():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 102, 204)).save(buf, format="PNG")
    return buf.getvalue()


def docx_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        zf.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        zf.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buf.getvalue()


def messages(exc_info):
    return " ".join(exc_info.value.messages)


@pytest.mark.parametrize(
    ("name", "content"),
    [("programma.pdf", ELF), ("setup.pdf", PE), ("foto.png", PE), ("relazione.docx", ELF), ("budget.pdf", b"just text, not a PDF")],
)
def test_renamed_executable_or_fake_content_is_refused(name, content):
    with pytest.raises(ValidationError) as exc:
        DocumentValidator()(SimpleUploadedFile(name, content))
    assert exc.value.error_list[0].code == "bad_content"
    text = messages(exc)
    assert f"The content of “{name}” is not a real {name.rsplit('.', 1)[1].upper()} file." in text
    assert "Accepted types:" in text and "PDF" in text


def test_a_zip_renamed_docx_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("virus.exe", ELF)
    with pytest.raises(ValidationError) as exc:
        DocumentValidator()(SimpleUploadedFile("offerta.docx", buf.getvalue()))
    assert exc.value.error_list[0].code == "bad_content"


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("Proposta definitiva.pdf", PDF, "application/pdf"),
        ("logo.png", None, "image/png"),
        ("Relazione..finale.docx", None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_real_documents_are_accepted(name, content, mime):
    content = content or (png_bytes() if name.endswith(".png") else docx_bytes())
    upload = SimpleUploadedFile(name, content)
    DocumentValidator()(upload)  # no error
    assert sniff(upload) == mime
    assert upload.tell() == 0  # sniffing leaves the file where it was


def test_image_validator_accepts_images_only():
    ImageValidator()(SimpleUploadedFile("logo.png", png_bytes()))
    with pytest.raises(ValidationError) as exc:
        ImageValidator()(SimpleUploadedFile("statuto.pdf", PDF))
    assert exc.value.error_list[0].code == "bad_extension"
    assert "Files of this type are not accepted. Accepted types: JPG, PNG, WEBP." in messages(exc)


def test_unknown_extension_and_empty_file_are_refused():
    with pytest.raises(ValidationError) as exc:
        DocumentValidator()(SimpleUploadedFile("script.exe", ELF))
    assert "Files of this type are not accepted." in messages(exc)
    with pytest.raises(ValidationError) as exc:
        DocumentValidator()(SimpleUploadedFile("vuoto.pdf", b""))
    assert "The file is empty." in messages(exc)


@override_settings(TSF_UPLOAD_MAX_BYTES=2048)
def test_oversized_file_is_refused_with_the_limit_in_the_message():
    big = PDF + b"0" * 4096
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        DocumentValidator()(SimpleUploadedFile("grande.pdf", big))
    assert exc.value.error_list[0].code == "too_large"
    text = messages(exc)
    assert text.startswith("The file is too large (")
    assert "the limit is 2.0\xa0KB" in text
    DocumentValidator()(SimpleUploadedFile("piccolo.pdf", PDF))  # under the limit: fine


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.pdf", "..\\evil.pdf", "/etc/passwd.pdf", "C:\\Windows\\evil.pdf", ".hidden.pdf", "a\x00b.pdf"]
)
def test_path_like_file_name_is_refused(name):
    with pytest.raises(ValidationError) as exc:
        DocumentValidator()(ContentFile(PDF, name=name))
    assert exc.value.error_list[0].code == "unsafe_name"
    assert "is not allowed: rename the file without folders or special characters." in messages(exc)


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.pdf", "..\\..\\evil.pdf", "/etc/passwd", "..", "...", "", "C:\\x\\y.pdf", "é ü l'offerta (1).pdf", "a" * 300 + ".pdf"],
)
def test_upload_to_never_leaves_its_folder(name):
    path = upload_to("proposals")(None, name)
    parts = path.split("/")
    assert parts[0] == "proposals" and len(parts) == 4
    assert len(parts[2]) == 32  # a random folder per file
    assert ".." not in parts and "\\" not in path and parts[3] and not parts[3].startswith(".")
    full = os.path.realpath(private_storage().path(path))
    assert full.startswith(os.path.realpath(settings.PRIVATE_MEDIA_ROOT) + os.sep)


def test_upload_to_keeps_a_readable_name():
    assert upload_to("proposals")(None, "Piano economico 2018.pdf").endswith("/Piano_economico_2018.pdf")


def test_private_storage_has_no_public_url():
    storage = private_storage()
    assert os.path.realpath(storage.location) == os.path.realpath(settings.PRIVATE_MEDIA_ROOT)
    for public in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        assert not os.path.realpath(storage.location).startswith(os.path.realpath(public))
    with pytest.raises(ValueError):
        storage.url("proposals/2018/x/a.pdf")


class AttachmentForm(forms.Form):
    attachment = forms.FileField(label="Attachment", validators=[DocumentValidator()])


@override_settings(TSF_UPLOAD_MAX_BYTES=2048)
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("programma.pdf", ELF, "is not a real PDF file"),
        ("grande.pdf", PDF + b"0" * 4096, "The file is too large"),
    ],
)
def test_the_message_is_shown_next_to_the_field(name, content, message):
    form = AttachmentForm(data={}, files={"attachment": SimpleUploadedFile(name, content)})
    assert not form.is_valid()
    assert message in form.errors["attachment"][0]
    html = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))
    # crispy-bootstrap5 puts the error under the field, tied to it by id.
    field_block = html[html.index('id="div_id_attachment"') :]
    assert 'id="error_1_id_attachment"' in field_block
    error = field_block[field_block.index('id="error_1_id_attachment"') :]
    assert message in error[:400]
    assert "is-invalid" in field_block


def test_a_good_file_passes_the_form():
    form = AttachmentForm(data={}, files={"attachment": SimpleUploadedFile("ok.pdf", PDF)})
    assert form.is_valid(), form.errors


# Zip bombs --------------------------------------------------------------------------------------


def zip_bomb_odt(megabytes=500, member="content.xml"):
    """A small ODT whose one member inflates to `megabytes` of zeros, written in chunks so the test
    itself stays small in memory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        if member != "mimetype":
            zf.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        chunk = bytes(1024 * 1024)
        with zf.open(member, "w", force_zip64=True) as out:
            for _ in range(megabytes):
                out.write(chunk)
    return buf.getvalue()


@pytest.fixture(scope="module")
def bomb():
    return zip_bomb_odt()


def odt_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", '<?xml version="1.0"?><office:document-content>' + "<text:p>Relazione</text:p>" * 500
                    + "</office:document-content>")
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>')
    return buf.getvalue()


def test_a_zip_bomb_odt_is_refused_without_inflating_it(bomb):
    import tracemalloc

    assert len(bomb) < 1024 * 1024  # under a megabyte on disk, 500 MB inflated
    upload = SimpleUploadedFile("relazione.odt", bomb)
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as exc:
            DocumentValidator()(upload)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024
    assert exc.value.error_list[0].code == "unsafe_archive"
    assert "“relazione.odt” is a compressed file whose declared content is far too large" in messages(exc)


def test_a_bomb_hidden_in_the_mimetype_member_is_refused_too():
    with pytest.raises(ValidationError) as exc:
        DocumentValidator()(SimpleUploadedFile("bando.odt", zip_bomb_odt(megabytes=20, member="mimetype")))
    assert exc.value.error_list[0].code == "unsafe_archive"


def test_an_archive_with_too_many_members_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        for i in range(5001):
            zf.writestr(f"x/{i}", "")
    with pytest.raises(ValidationError) as exc:
        DocumentValidator()(SimpleUploadedFile("offerta.docx", buf.getvalue()))
    assert exc.value.error_list[0].code == "unsafe_archive"


def test_normal_odt_and_docx_still_pass():
    DocumentValidator()(SimpleUploadedFile("relazione.odt", odt_bytes()))
    DocumentValidator()(SimpleUploadedFile("relazione.docx", docx_bytes()))


def test_the_zip_bomb_message_is_shown_next_to_the_field_in_italian(bomb):
    with translation.override("it"):
        form = AttachmentForm(data={}, files={"attachment": SimpleUploadedFile("relazione.odt", bomb)})
        assert not form.is_valid()
        assert "file compresso" in form.errors["attachment"][0]
