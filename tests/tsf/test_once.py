"""The parts of the layout rendered once per process and language (`{% once %}`: the head's links,
the brand, the footer) still follow the language of each page and the settings."""
import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_the_footer_follows_each_page_s_language(client):
    italian = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    english = client.get("/en/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    italian_again = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Dichiarazione di accessibilità" in italian
    assert "Accessibility statement" in english and "Dichiarazione di accessibilità" not in english
    assert italian_again == italian or "Dichiarazione di accessibilità" in italian_again
    assert 'href="/en/' in english.split('id="footer"')[1]
    assert 'href="/en/' not in italian.split('id="footer"')[1]


def test_a_changed_setting_shows_at_once(client, settings):
    client.get("/accounts/login/")  # the footer is kept with the default publisher
    with override_settings(TSF_PUBLISHER={**settings.TSF_PUBLISHER, "name": "Comune di Prova"}):
        footer = client.get("/accounts/login/").content.decode().split('id="footer"')[1]
    assert "Comune di Prova" in footer
    assert "Comune di Prova" not in client.get("/accounts/login/").content.decode()
