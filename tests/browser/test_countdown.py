"""The call page and the proposal's steps count down to the deadline in words ("chiude tra 2 giorni e
3 ore"), from the deadline the server writes in Rome time with its offset, whatever the phone's own
time zone; the text changes at most once a minute and is announced politely."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.calls.factories import CallFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROME = ZoneInfo("Europe/Rome")
# Summer time in Rome (UTC+2) at the deadline: an offset a phone in New York must not get wrong.
DEADLINE = datetime(2099, 3, 31, 12, 0, tzinfo=ROME)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="it-IT", viewport={"width": 390, "height": 844},
                                  has_touch=True, timezone_id="America/New_York")
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def _seen(page):
    return page.locator("[data-countdown]").first


def test_the_call_page_counts_down_in_italian_from_rome_time(phone):
    call = CallFactory(opens_at=timezone.now() - timedelta(days=3), closes_at=DEADLINE)
    phone.clock.install(time=DEADLINE - timedelta(days=2, hours=3, minutes=10))
    phone.goto(call.get_absolute_url())
    countdown = _seen(phone)
    assert countdown.get_attribute("data-deadline") == "2099-03-31T12:00:00+02:00"
    assert countdown.get_attribute("aria-live") == "polite"
    assert countdown.inner_text() == "chiude tra 2 giorni e 3 ore"
    # The deadline, the time left and the apply button are on the first screen of a phone, before the FAQ.
    apply = phone.get_by_role("link", name="Presenta una proposta")
    assert apply.bounding_box()["y"] + apply.bounding_box()["height"] < 844
    assert countdown.bounding_box()["y"] < apply.bounding_box()["y"]
    assert phone.get_by_text("martedì 31 marzo 2099, 12:00").is_visible()

    phone.clock.fast_forward(59 * 1000)  # less than a minute: no update yet
    assert countdown.inner_text() == "chiude tra 2 giorni e 3 ore"
    phone.clock.fast_forward("20:00")  # 2 days, 2 hours and 49 minutes left
    assert countdown.inner_text() == "chiude tra 2 giorni e 2 ore"
    phone.clock.fast_forward("48:39:30")  # 2 hours, 9 minutes and 31 seconds left, less the seconds the page took
    assert countdown.inner_text() == "chiude tra 2 ore e 9 minuti"
    phone.clock.fast_forward("02:10:00")
    assert countdown.inner_text() == "Chiuso"


def test_the_proposal_step_counts_down_too_in_english(phone, make_user):
    from django.urls import reverse
    from django.utils import translation

    from tests.conftest import browser_login
    from tests.projects.factories import MembershipFactory, ProposalFactory

    call = CallFactory(opens_at=timezone.now() - timedelta(days=3), closes_at=DEADLINE)
    user = make_user("anna@example.org", roles=["promoter"], language="en")
    membership = MembershipFactory(user=user)
    proposal = ProposalFactory(call=call, organisation=membership.organisation, created_by=user)
    browser_login(phone, "anna@example.org", language="en")
    phone.clock.install(time=DEADLINE - timedelta(hours=5, minutes=30, seconds=30))
    with translation.override("en"):
        phone.goto(reverse("projects:step", kwargs={"pk": proposal.pk, "step": "project"}))
    countdown = _seen(phone)
    assert countdown.inner_text() == "closes in 5 hours and 30 minutes"
    # The step's first field is within the first two screens of the phone, below the stepper.
    title = phone.get_by_label("Title")
    assert title.bounding_box()["y"] < 2 * 844
