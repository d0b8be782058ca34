"""Reading back a generated PDF as a person (or a screen reader) would: its text, and whether it is
tagged and declares PDF/A."""
import io
import re

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """Every page's text, whitespace collapsed to single spaces."""
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages)).strip()


def pdf_fonts(content: bytes) -> list[tuple[str, bool]]:
    """[(font name, embedded?)] of every font the pages use."""
    reader = PdfReader(io.BytesIO(content))
    out = []
    for page in reader.pages:
        for font in (page["/Resources"].get_object().get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            out.append((str(font.get("/BaseFont")),
                        any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))))
    return out


def pdf_is_tagged_pdfa(content: bytes) -> bool:
    """What can be checked without a validator (veraPDF itself is not packaged for pip, apt or npm): the
    PDF declares PDF/A-3 level A in its XMP metadata (pdfaid:part 3, conformance A), is tagged
    (MarkInfo Marked, a structure tree: what PDF/UA builds on), names its language, and embeds every
    font it uses. Not checked: the full PDF/A and PDF/UA rule sets (colour profiles, the order and
    roles of the structure elements, alternative texts)."""
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    marked = root.get("/MarkInfo", {}).get("/Marked")
    metadata = root["/Metadata"].get_object().get_data().decode("utf-8", "replace")
    declared = (re.search(r'pdfaid:part(="|>)3', metadata) is not None
                and re.search(r'pdfaid:conformance(="|>)A', metadata) is not None)
    fonts = pdf_fonts(content)
    return (bool(marked) and "/StructTreeRoot" in root and declared and bool(str(root.get("/Lang") or ""))
            and bool(fonts) and all(embedded for _name, embedded in fonts))
