"""The public call page: ETag for anonymous visitors, 304 on If-None-Match, and a new ETag when
the call, its sections or what the clock shows change."""
import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from calls.hooks import call_page
from calls.models import FAQ
from tests.calls.factories import CallFactory

pytestmark = pytest.mark.django_db


def _etag(client, call):
    client.get(call.get_absolute_url())  # the first visit sets the CSRF cookie, part of the ETag
    first = client.get(call.get_absolute_url())
    assert first.status_code == 200 and first.has_header("ETag")
    assert client.get(call.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    return first["ETag"]


def test_call_page_answers_304_until_the_call_changes(client):
    call = CallFactory(closes_at=timezone.now() + datetime.timedelta(days=30))
    etag = _etag(client, call)
    with freeze_time(timezone.now() + datetime.timedelta(seconds=30)):
        FAQ.objects.create(call=call, question="Chi può partecipare?", answer="Gli enti del Terzo settore.")
        response = client.get(call.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200 and "Chi può partecipare?" in response.content.decode()


def test_the_etag_follows_the_clock(client, settings):
    settings.TSF_PAGE_CACHE_SECONDS = 0  # the server-side page cache may keep a clock-only change up to its timeout
    now = timezone.now()
    call = CallFactory(opens_at=now + datetime.timedelta(hours=1), closes_at=now + datetime.timedelta(days=3))
    etag = _etag(client, call)
    with freeze_time(now + datetime.timedelta(hours=2)):
        response = client.get(call.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200 and "Apply" in response.content.decode()


def test_the_etag_follows_the_sections_of_later_stages(client, settings):
    settings.TSF_PAGE_CACHE_SECONDS = 0  # here the section changes without a model signal
    call = CallFactory()
    stamp = {"value": None}

    def fresh(call_pk):
        return stamp["value"]

    call_page.freshness(fresh)
    try:
        etag = _etag(client, call)
        stamp["value"] = timezone.now()
        assert client.get(call.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 200
    finally:
        call_page._freshness.remove(fresh)


def test_logged_in_visitors_and_unpublished_calls_get_no_etag(staff_client):
    hidden = CallFactory(is_published=False)
    response = staff_client.get(hidden.get_absolute_url())
    assert response.status_code == 200 and not response.has_header("ETag")
    public = CallFactory()
    assert not staff_client.get(public.get_absolute_url()).has_header("ETag")
    staff_client.logout()
    assert staff_client.get(hidden.get_absolute_url()).status_code == 404


def test_anonymous_call_page_is_served_from_the_page_cache(client):
    call = CallFactory()
    client.get(call.get_absolute_url())
    again = client.get(call.get_absolute_url())
    assert again.status_code == 200 and again.get("X-Page-Cache") == "hit"
    FAQ.objects.create(call=call, question="Una nuova domanda?", answer="Sì.")
    fresh = client.get(call.get_absolute_url())
    assert fresh.get("X-Page-Cache") != "hit" and "Una nuova domanda?" in fresh.content.decode()
