"""Post a form exactly as the browser renders it.

`read_form(client, url)` GETs a page (in the active language: Italian unless a test asks for
English) and reads one of its <form>s as a browser would submit it: every input with its `value`
as written in the HTML (localised numbers and dates included), checked boxes and radios only,
each select's selected option (or its first one), textareas, hidden fields. The test then changes a
few fields, typed as a person would ("80.000,00", "15/03/2027"), and `submit()` POSTs the whole
form to its action. A value the page renders and the view cannot read back fails the test, as it
fails a person.

    form = read_form(staff_client, url, field="grant_12")
    form["grant_12"] = "140.000,00"
    response = form.submit(button="Rivedi la decisione")
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

_VOID_SKIP = {"submit", "button", "image", "reset", "file"}

# What a browser accepts as the value of these inputs (HTML's "valid ... string"): anything else is
# shown empty and sent empty, e.g. a date rendered the Italian way into <input type="date">.
_WIRE = {
    "number": re.compile(r"^-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "datetime-local": re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$"),
    "time": re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$"),
    "month": re.compile(r"^\d{4}-\d{2}$"),
}
_IT_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ ,]+(\d{1,2})[:.](\d{2}))?$")


def as_browser_sends(kind, typed):
    """What the browser sends for what a person typed (or picked) in an input of type `kind`, in an
    Italian browser: the date picker shows gg/mm/aaaa and sends 2027-03-15; a number field takes
    "7,5" and sends 7.5. A value the browser refuses raises ValueError."""
    if kind not in _WIRE or typed == "":
        return typed
    m = _IT_DATE.match(typed.strip())
    if m and kind in ("date", "datetime-local"):
        d, mo, y, h, mi = m.groups()
        typed = f"{y}-{int(mo):02d}-{int(d):02d}"
        if kind == "datetime-local":
            typed += f"T{int(h or 0):02d}:{mi or '00'}"
    if kind == "number" and re.match(r"^-?\d+,\d+$", typed.strip()):
        typed = typed.strip().replace(",", ".")
    if not _WIRE[kind].match(typed.strip()):
        raise ValueError(f"a browser does not accept {typed!r} in an <input type={kind}>")
    return typed.strip().replace(" ", "T") if kind == "datetime-local" else typed.strip()


class _Form:
    def __init__(self, attrs):
        self.attrs = attrs
        self.fields: list[list] = []  # [name, value, kind]; kind: the input's type, select, textarea
        self.shown_empty: list[str] = []  # inputs whose rendered value a browser would not accept
        self.buttons: list[dict] = []  # {name, value, text}


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._select = None  # [name, options[(value, selected)], multiple]
        self._option = None  # [value or None, text, selected]
        self._textarea = None  # [name, text]
        self._button = None  # dict being read
        self.detached: list[dict] = []  # buttons with a form="id" attribute

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = _Form(a)
            self.forms.append(self._form)
            return
        form = self._form
        if tag == "button" and a.get("form") and "disabled" not in a and a.get("type", "submit").lower() == "submit":
            # a submit button of another form of the page (its form="id" attribute), as a stepper's
            self._button = {"name": a.get("name"), "value": a.get("value", ""), "text": "", "form": a["form"]}
            return
        if form is None or ("disabled" in a and tag in ("input", "select", "textarea", "button")):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            name = a.get("name")
            if kind in ("submit", "image"):
                form.buttons.append({"name": name, "value": a.get("value", ""), "text": a.get("value", "")})
            if not name or kind in _VOID_SKIP:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append([name, a.get("value", "on"), kind])
                else:
                    form.fields.append([name, None, kind])  # known, not sent
            else:
                value = a.get("value", "")
                if kind in _WIRE and value and not _WIRE[kind].match(value):
                    form.shown_empty.append(f"{name}={value!r} (type={kind})")
                    value = ""
                form.fields.append([name, value, kind])
        elif tag == "select":
            self._select = [a.get("name"), [], "multiple" in a]
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "", "selected" in a]
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]
        elif tag == "button":
            if a.get("type", "submit").lower() == "submit":
                self._button = {"name": a.get("name"), "value": a.get("value", ""), "text": "", "form": a.get("form")}

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data
        if self._textarea is not None:
            self._textarea[1] += data
        if self._button is not None:
            self._button["text"] += data

    def _close_option(self):
        if self._option is not None and self._select is not None:
            value, text, selected = self._option
            self._select[1].append((text.strip() if value is None else value, selected))
        self._option = None

    def handle_endtag(self, tag):
        if tag == "option":
            self._close_option()
        elif tag == "select" and self._select is not None:
            self._close_option()
            name, options, multiple = self._select
            self._select = None
            if not name or self._form is None:
                return
            chosen = [v for v, sel in options if sel]
            if not chosen and options and not multiple:
                chosen = [options[0][0]]
            if not chosen:
                self._form.fields.append([name, None, "select"])
            for v in chosen:
                self._form.fields.append([name, v, "select"])
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._textarea = None
            if name and self._form is not None:
                # A newline right after <textarea> is not part of the value.
                self._form.fields.append([name, text[1:] if text.startswith("\n") else text, "textarea"])
        elif tag == "button" and self._button is not None:
            self._button["text"] = " ".join(self._button["text"].split())
            if self._button["form"]:
                self.detached.append(self._button)
            elif self._form is not None:
                self._form.buttons.append(self._button)
            self._button = None
        elif tag == "form":
            self._form = None


class RenderedForm:
    """One form of a rendered page: read its fields, change some, submit it."""

    def __init__(self, client, page_url, form: _Form):
        self.client = client
        self.page_url = page_url
        self.attrs = form.attrs
        self.fields = [list(f) for f in form.fields]
        self.buttons = form.buttons
        self.shown_empty = form.shown_empty

    # Reading and changing ---------------------------------------------------------------
    def names(self):
        return [f[0] for f in self.fields]

    def __contains__(self, name):
        return name in self.names()

    def __getitem__(self, name):
        values = [f[1] for f in self.fields if f[0] == name]
        if not values:
            raise KeyError(f"no field {name!r} in the form; it has {sorted(set(self.names()))}")
        return values[0]

    def getlist(self, name):
        return [f[1] for f in self.fields if f[0] == name and f[1] is not None]

    def __setitem__(self, name, value):
        """Type into a field (it must be on the page). For a checkbox: True/False ticks or clears it."""
        matches = [f for f in self.fields if f[0] == name]
        if not matches:
            raise KeyError(f"no field {name!r} in the form; it has {sorted(set(self.names()))}")
        field = matches[0]
        if field[2] == "checkbox":
            field[1] = ("on" if value is True else None) if isinstance(value, bool) else value
        else:
            field[1] = as_browser_sends(field[2], value)
        for extra in matches[1:]:
            self.fields.remove(extra)

    def tick(self, name, checked=True):
        self[name] = checked

    def data(self):
        out: dict[str, list[str]] = {}
        for name, value, _kind in self.fields:
            if value is not None:
                out.setdefault(name, []).append(value)
        return out

    # Sending ----------------------------------------------------------------------------
    @property
    def action(self):
        return urljoin(self.page_url, self.attrs.get("action") or self.page_url)

    def submit(self, button=None, *, follow=False, **extra):
        """POST the form to its action; `button` is the visible text (or name, or "name=value") of
        the submit button clicked, whose name/value are sent as a browser does. Buttons outside the
        form that name it (form="id") count as its own, as in a browser."""
        data = self.data()
        if button is not None:
            chosen = [b for b in self.buttons if button in (b["text"], b["name"], f"{b['name']}={b['value']}")]
            if not chosen:
                raise KeyError(f"no button {button!r}; the form has {[b['text'] for b in self.buttons]}")
            if chosen[0]["name"]:
                data.setdefault(chosen[0]["name"], []).append(chosen[0]["value"])
        method = (self.attrs.get("method") or "get").lower()
        parts = urlsplit(self.action)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if method == "post":
            return self.client.post(path, data, follow=follow, **extra)
        return self.client.get(path, data, follow=follow, **extra)


def forms_in(html: str):
    parser = _Parser()
    parser.feed(html)
    parser.close()
    for button in parser.detached:
        for form in parser.forms:
            if form.attrs.get("id") == button["form"]:
                form.buttons.append(button)
    return parser.forms


def form_from_response(client, response, *, field=None, button=None, index=None, url=None):
    """The form of `response` that holds `field` (a field name), or the button `button` (its text),
    or the `index`-th form of the page."""
    assert response.status_code == 200, f"the page answered {response.status_code}"
    forms = forms_in(response.content.decode())
    if field is not None:
        forms = [f for f in forms if any(x[0] == field for x in f.fields)]
    if button is not None:
        forms = [f for f in forms if any(button in (b["text"], b["name"]) for b in f.buttons)]
    if index is not None:
        forms = forms[index:index + 1]
    assert forms, f"no such form on the page (field={field!r}, button={button!r}, index={index!r})"
    assert len(forms) == 1 or index is not None, f"{len(forms)} forms match: give field, button or index"
    page_url = url or response.wsgi_request.get_full_path()
    # A value the browser cannot show (a localised date in a date picker, "140000,00" in a number
    # field) is lost on the way back: the page is wrong, whatever the view does with it.
    assert not forms[0].shown_empty, f"the browser would show these fields empty: {forms[0].shown_empty}"
    return RenderedForm(client, page_url, forms[0])


def read_form(client, url, **which):
    """GET `url` and read one of its forms (see `form_from_response`)."""
    return form_from_response(client, client.get(url), url=url, **which)
