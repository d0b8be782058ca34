"""Italian first, English second: the catalogue is complete and pages speak the visitor's language."""
from pathlib import Path

import polib
import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "it" / "LC_MESSAGES" / "django.po"


def test_italian_catalogue_is_complete_and_clean():
    po = polib.pofile(str(PO))
    assert len(po) > 500
    assert po.untranslated_entries() == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.django_db
def test_pages_speak_italian_by_default_and_english_under_en(client):
    it = client.get("/").content.decode()
    assert "Leggi il bando" in it and "Vai al contenuto" in it and "Dichiarazione di accessibilità" in it
    en = client.get("/en/").content.decode()
    assert "Read the call" in en and "Skip to content" in en and "Accessibility statement" in en


@pytest.mark.django_db
def test_emails_follow_the_recipients_language(make_user, django_capture_on_commit_callbacks):
    from django.core import mail

    from tsf.notifications.services import notify

    it_user = make_user(language="it", full_name="Maria Bianchi")
    en_user = make_user(language="en", full_name="John Smith")
    with django_capture_on_commit_callbacks(execute=True):
        notify([it_user, en_user], "message", {"subject": "Esito", "text": "Testo"})
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert bodies[it_user.email].startswith("Gentile Maria Bianchi") or "Maria Bianchi" in bodies[it_user.email]
    assert "Città di Torino" in bodies[it_user.email]
    assert "City of Turin" in bodies[en_user.email]
