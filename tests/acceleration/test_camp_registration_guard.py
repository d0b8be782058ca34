"""The public registration form of the Social Innovation Camp against robots: a honeypot field that
people never see, and at most 5 registrations per client address in a window of 10 minutes, counted
by django-ratelimit in the suite's cache (LocMem, cleared before each test by tests/conftest.py)."""
import html
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from acceleration import services, views
from acceleration.forms import HONEYPOT_FIELD
from acceleration.models import CampRegistration
from tests.acceleration.factories import make_camp
from tsf.core.models import AuditEntry
from tsf.notifications.models import Notification

pytestmark = pytest.mark.django_db

THANKS = "Thank you: your registration is waiting for approval. We will write to you by e-mail."
TOO_MANY = ("Too many registrations from your connection in the last few minutes: please try again in "
            "10 minutes.")
DUPLICATE = "This e-mail address is already registered for the camp."


@pytest.fixture
def camp():
    return make_camp(days_from_today=10)


def register_url(camp):
    return reverse("acceleration:camp_register", kwargs={"pk": camp.pk})


def person(n, **extra):
    return {"full_name": f"Esperta Numero {n}", "email": f"esperta{n}@example.org",
            "organisation": "Fondazione Esempio", "kind": "mentor", "consent": "on", **extra}


def text(response):
    return html.unescape(response.content.decode())


def saved(camp):
    return sorted(CampRegistration.objects.filter(camp=camp).values_list("email", flat=True))


def register(client, camp, n, **extra):
    return client.post(register_url(camp), person(n, **extra))


class _InputWithAncestors(HTMLParser):
    """The attributes of the <input name=...> and those of the elements around it."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, name):
        super().__init__(convert_charrefs=True)
        self.name, self.stack, self.found = name, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") == self.name:
            self.found.append((attrs, [a for _t, a in self.stack]))
        if tag not in self.VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break


def honeypot_inputs(page_html):
    parser = _InputWithAncestors(HONEYPOT_FIELD)
    parser.feed(page_html)
    return parser.found


# Honeypot ------------------------------------------------------------------------------------


def test_honeypot_filled_in_looks_like_success_but_saves_nothing(client, camp, staff_user):
    response = client.post(register_url(camp), person(1, **{HONEYPOT_FIELD: "https://spam.example"}),
                           follow=True)
    assert response.redirect_chain == [(camp.get_absolute_url(), 302)]
    assert response.status_code == 200 and THANKS in text(response)
    # a robot filling in only the honeypot is answered the same
    response = client.post(register_url(camp), {HONEYPOT_FIELD: "x"})
    assert response.status_code == 302 and response.url == camp.get_absolute_url()
    assert not CampRegistration.objects.exists()
    assert not AuditEntry.objects.filter(action="camp.register").exists()
    assert not Notification.objects.filter(recipient=staff_user).exists()
    # the same answers with the hidden field left empty, as a person sends them, are registered
    response = register(client, camp, 1, **{HONEYPOT_FIELD: ""})
    assert response.status_code == 302
    assert list(CampRegistration.objects.values_list("email", flat=True)) == ["esperta1@example.org"]
    assert Notification.objects.filter(recipient=staff_user).exists()


def test_robots_caught_by_the_honeypot_do_not_use_up_the_addresss_registrations(client, camp):
    """People behind the same address as a robot (an office, a university) can still register."""
    for _ in range(8):
        client.post(register_url(camp), person(9, **{HONEYPOT_FIELD: "spam"}))
    for n in range(1, 6):
        assert register(client, camp, n).status_code == 302
    assert len(saved(camp)) == 5


def test_the_honeypot_is_hidden_from_people_screen_readers_and_the_keyboard(client, camp):
    pages = [client.get(register_url(camp)),
             client.post(register_url(camp), person(1, consent=""))]  # shown again with an error
    assert pages[1].context["form"].errors
    for response in pages:
        assert response.status_code == 200
        (found,) = honeypot_inputs(response.content.decode())
        attrs, around = found
        assert attrs.get("type", "text") == "text"
        assert attrs.get("tabindex") == "-1"
        assert attrs.get("value", "") == ""
        assert attrs.get("autocomplete") == "off"
        assert any("visually-hidden" in (a.get("class") or "").split() and a.get("aria-hidden") == "true"
                   for a in around), around
        assert any(a.get("method", "").lower() == "post" for a in around), "the honeypot is outside the form"
        assert HONEYPOT_FIELD not in response.context["form"].fields


# Rate limit per client address ---------------------------------------------------------------


def test_a_sixth_registration_from_one_address_within_ten_minutes_is_refused(client, camp):
    # Start at the beginning of the address's 10-minute window (django-ratelimit's windows are fixed).
    window_left = views._registrations_from(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1"))["time_left"]
    start = timezone.now() + timedelta(seconds=window_left + 1)
    with freeze_time(start, tick=True) as clock:
        for n in range(1, 6):
            response = register(client, camp, n)
            assert response.status_code == 302, (n, text(response))
        response = register(client, camp, 6)
        assert response.status_code == 429
        assert TOO_MANY in text(response)
        assert 'value="esperta6@example.org"' in response.content.decode()  # what was typed is kept
        assert saved(camp) == [f"esperta{n}@example.org" for n in range(1, 6)]

        # another connection is not held back by this one
        response = client.post(register_url(camp), person(7), REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 302

        # still within the 10 minutes
        clock.move_to(start + timedelta(minutes=9))
        response = register(client, camp, 6)
        assert response.status_code == 429
        assert "the last few minutes: please try again in 1 minute." in text(response)  # the window's end
        assert not CampRegistration.objects.filter(email="esperta6@example.org").exists()

        # after them, the address may register again
        clock.move_to(start + timedelta(minutes=10, seconds=1))
        response = register(client, camp, 6)
        assert response.status_code == 302
    assert CampRegistration.objects.filter(email="esperta6@example.org").count() == 1


def test_registrations_that_are_refused_do_not_count(client, camp, monkeypatch):
    for n in range(1, 4):
        assert register(client, camp, n).status_code == 302
    # refused by the form: an address already registered, a missing consent
    response = register(client, camp, 1, full_name="Di Nuovo")
    assert response.status_code == 200 and DUPLICATE in text(response)
    response = register(client, camp, 4, consent="")
    assert response.status_code == 200 and "We need your consent" in text(response)

    # refused by the service: the same address registered by another request between the form's
    # check and the service's (two tabs, a double click on a slow connection)
    real = services.register_for_camp

    def racing_twin(camp, **data):
        real(camp, **data)  # the twin request wins the race
        return real(camp, **data)

    monkeypatch.setattr(services, "register_for_camp", racing_twin)
    response = register(client, camp, 4)
    assert response.status_code == 200 and DUPLICATE in text(response)
    monkeypatch.undo()
    assert CampRegistration.objects.filter(email="esperta4@example.org").count() == 1  # the twin's

    # none of the refusals counted: two more registrations pass, the third is one too many
    assert register(client, camp, 5).status_code == 302
    assert register(client, camp, 6).status_code == 302
    response = register(client, camp, 7)
    assert response.status_code == 429
    assert "Too many registrations from your connection in the last few minutes" in text(response)
    assert saved(camp) == [f"esperta{n}@example.org" for n in range(1, 7)]
