"""A small, dependency-free PDF writer for receipts: one A4 page of text (Helvetica, WinAnsi, so
Italian accented letters print correctly), long lines wrapped."""
import textwrap


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def text_pdf(title: str, rows: list[tuple[str, str]], footer: str = "") -> bytes:
    ops = [b"BT", b"/F2 16 Tf", b"56 780 Td", b"(" + _escape(title) + b") Tj", b"0 -30 Td"]
    for label, value in rows:
        ops += [b"/F2 10 Tf", b"(" + _escape(label) + b") Tj", b"0 -14 Td", b"/F1 11 Tf"]
        for line in textwrap.wrap(str(value), 88) or [""]:
            ops += [b"(" + _escape(line) + b") Tj", b"0 -14 Td"]
        ops.append(b"0 -6 Td")
    if footer:
        ops += [b"0 -10 Td", b"/F1 9 Tf"]
        for line in textwrap.wrap(footer, 100):
            ops += [b"(" + _escape(line) + b") Tj", b"0 -12 Td"]
    ops.append(b"ET")
    stream = b"\n".join(ops)
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        font % b"Helvetica",
        font % b"Helvetica-Bold",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out
