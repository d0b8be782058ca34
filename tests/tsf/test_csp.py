"""The Content-Security-Policy runs only the portal's own script files: no inline script, no inline
event handler anywhere in the templates (the print button of the minutes included)."""
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)


def test_scripts_only_from_the_portals_files():
    script_src = next(p for p in settings.TSF_CSP.split(";") if p.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"]


def test_no_template_has_an_inline_script_or_event_handler():
    found = []
    for path in ROOT.glob("**/templates/**/*.html"):
        if {".venv", "node_modules", "var"} & set(path.relative_to(ROOT).parts):  # var/: tools' own venvs
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}: {m.group(0)[:80]}" for m in INLINE_HANDLER.finditer(text)]
        found += [f"{path.relative_to(ROOT)}: {m.group(0)[:80]}" for m in INLINE_SCRIPT.finditer(text)]
    assert not found, "\n".join(found)


def test_the_print_button_uses_the_print_script(rf):
    """The printable pages (the minutes, the ranking) print with a button and the print script."""
    from django.template.loader import render_to_string

    body = render_to_string("assessment/print_base.html", {}, request=rf.get("/"))
    assert "data-print" in body and "js/print.js" in body and "onclick" not in body
    assert (ROOT / "static" / "js" / "print.js").read_text().count("window.print()") == 1


@pytest.mark.django_db
def test_every_page_says_scripts_only_from_the_portal(client):
    csp = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


@pytest.mark.django_db
def test_no_plugin_content_and_no_script_reads_the_csrf_cookie(client):
    """`make security` (wapiti's csp and cookieflags modules): no <object>/<embed> may load anything,
    and the CSRF cookie a form page sets is out of reach of scripts."""
    response = client.get("/accounts/login/")
    assert "object-src 'none'" in response["Content-Security-Policy"]
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
