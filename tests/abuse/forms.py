"""Read a rendered form as a browser would (its fields and their current values) and post it back
with some fields replaced by hostile values."""
from html.parser import HTMLParser
from urllib.parse import urlencode

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st


class FormReader(HTMLParser):
    """Every <form method=post> of a page: fields (name -> list of values), their kinds, and files."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea, self._first_option = [], None, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "data": {}, "kinds": {}, "files": []}
            self.forms.append(self._form)
        if self._form is None or not a.get("name") and tag not in ("option",):
            return
        name = a.get("name")
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self._form["files"].append(name)
                self._form["kinds"][name] = "file"
            elif kind in ("checkbox", "radio"):
                self._form["kinds"].setdefault(name, kind)
                if "checked" in a:
                    self._form["data"].setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "reset", "image"):
                self._form["kinds"][name] = kind
                self._form["data"].setdefault(name, []).append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            self._form["kinds"][name] = "textarea"
            self._form["data"][name] = [""]
        elif tag == "select":
            self._select, self._first_option = name, None
            self._form["kinds"][name] = "select"
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None and value:
                self._first_option = value
            if "selected" in a:
                self._form["data"].setdefault(self._select, []).append(value)

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            current = self._form["data"][self._textarea][0]
            # A browser drops the newline that follows <textarea>.
            self._form["data"][self._textarea][0] = current + (data[1:] if not current and data[:1] == "\n" else data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._form is not None:
            if self._select not in self._form["data"] and self._first_option:
                self._form["data"][self._select] = [self._first_option]
            self._select = None


def read_form(html, must_have=None):
    """The page's main POST form: the one holding `must_have`, else the one with most fields."""
    reader = FormReader()
    reader.feed(html)
    forms = [f for f in reader.forms if f["kinds"] and "csrfmiddlewaretoken" not in f["kinds"] or len(f["kinds"]) > 1]
    if must_have:
        forms = [f for f in forms if must_have in f["kinds"]] or forms
    assert forms, "no POST form on the page"
    form = max(forms, key=lambda f: len(f["kinds"]))
    form["data"].pop("csrfmiddlewaretoken", None)
    return form


# Hostile values ------------------------------------------------------------------------------

ODD_TEXT = [
    "x" * 100_000,  # far over any max_length
    "\u202eevil\u202c name",  # right-to-left override
    "a\u200db\u200cc\ufeff",  # zero-width joiner / non-joiner / BOM
    "nul\x00byte",
    "lone \ud800 surrogate",  # cannot be encoded in UTF-8: sent as raw invalid bytes
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "💥" * 300,
    "   ",
    "\r\n\t",
]
ODD_NUMBERS = ["1e30", "-1", "NaN", "Infinity", "-Infinity", "1,5", "1.234.567,89", "99999999999999999999999",
               "0.0000001", "", "abc", "1e-30", "-0", "١٢٣"]
ODD_DATES = ["2026-02-30", "0001-01-01", "9999-12-31", "31/12/2025", "", "yesterday", "2025-13-01",
             "2025-01-01T25:00"]

text_values = st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=300))
number_values = st.one_of(st.sampled_from(ODD_NUMBERS), st.integers().map(str),
                          st.floats(allow_nan=True, allow_infinity=True).map(str))
date_values = st.sampled_from(ODD_DATES)


def value_for(kind):
    if kind in ("number",):
        return number_values
    if kind in ("date", "datetime-local", "time"):
        return st.one_of(date_values, text_values)
    if kind in ("select", "checkbox", "radio"):
        return st.one_of(st.sampled_from(["", "0", "-1", "999999999", "not-a-choice"]), text_values)
    return st.one_of(text_values, number_values)


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run"


def bad_files():
    return st.sampled_from([
        ("renamed-executable", lambda: SimpleUploadedFile("relazione.pdf", EXE, content_type="application/pdf")),
        ("empty", lambda: SimpleUploadedFile("vuoto.pdf", b"", content_type="application/pdf")),
        ("huge", lambda: SimpleUploadedFile("enorme.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024),
                                            content_type="application/pdf")),
        ("html-as-image", lambda: SimpleUploadedFile("foto.png", b"<html><script>alert(1)</script>",
                                                     content_type="image/png")),
        ("odd-name", lambda: SimpleUploadedFile("../../\u202egpj.exe", b"%PDF-1.4\n%%EOF\n",
                                                content_type="application/pdf")),
    ])


def post(client, url, data, files=None):
    """POST like a browser: urlencoded (raw bytes, so a lone surrogate goes out as invalid UTF-8), or
    multipart when there are files."""
    if files:
        payload = {k: (v if len(v) > 1 else v[0]) for k, v in data.items()}
        payload = {k: _encodable(v) for k, v in payload.items()}
        return client.post(url, {**payload, **files})
    body = urlencode([(k, item) for k, values in data.items() for item in values], encoding="utf-8",
                     errors="surrogatepass")
    return client.post(url, body, content_type="application/x-www-form-urlencoded")


def _encodable(value):
    if isinstance(value, list):
        return [_encodable(v) for v in value]
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
