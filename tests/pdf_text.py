"""Reading back a generated PDF as a person (or a screen reader) would: its text, and whether it is
tagged and declares PDF/A."""
import io
import re

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """Every page's text, whitespace collapsed to single spaces."""
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages)).strip()


def pdf_is_tagged_pdfa(content: bytes) -> bool:
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    marked = root.get("/MarkInfo", {}).get("/Marked")
    metadata = root["/Metadata"].get_object().get_data().decode("utf-8", "replace")
    return bool(marked) and "/StructTreeRoot" in root and "pdfaid:part" in metadata
