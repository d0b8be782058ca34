"""Pages behind a login kept for the person who saw them (tsf.core.pagecache.private_page_cache)
and the signed-in person read from a snapshot (tsf.accounts.backends): fast when nothing changed,
never shared, never stale after a change, and a role taken away or an account closed takes
effect on the very next request."""
import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client

from tsf.accounts import services as account_services
from tsf.notifications import services as notifications

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MY_AREA = "/my-area/"
PORTFOLIO = "/grants/staff/"


@pytest.fixture(autouse=True)
def _user_snapshot(settings):
    settings.TSF_USER_SNAPSHOT_SECONDS = 300


def _badge(response):
    match = re.search(r'tsf-badge-count">(\d+)<', response.content.decode())
    return int(match.group(1)) if match else 0


@pytest.mark.django_db
def test_a_page_seen_again_comes_from_the_cache_without_queries(staff_client, django_assert_max_num_queries):
    first = staff_client.get(PORTFOLIO)
    assert first.status_code == 200 and "X-Page-Cache" not in first
    assert first["Cache-Control"] == "private"
    # Session only: the person, their roles and their two-factor state come from the snapshot.
    with django_assert_max_num_queries(1):
        second = staff_client.get(PORTFOLIO)
    assert second["X-Page-Cache"] == "hit"
    assert second["Cache-Control"] == "private"
    assert second.content.decode().replace(TOKEN.search(second.content.decode()).group(1), "") == \
        first.content.decode().replace(TOKEN.search(first.content.decode()).group(1), "")


@pytest.mark.django_db
def test_a_kept_page_is_never_shown_to_someone_else(make_user):
    anna = make_user("anna@example.org", roles=["staff"], full_name="Anna Officer")
    bruno = make_user("bruno@example.org", roles=["staff"], full_name="Bruno Officer")
    first, second = Client(), Client()
    first.force_login(anna)
    second.force_login(bruno)
    assert "Anna Officer" in first.get(MY_AREA).content.decode()
    assert first.get(MY_AREA)["X-Page-Cache"] == "hit"
    other = second.get(MY_AREA)
    assert "X-Page-Cache" not in other
    assert "Bruno Officer" in other.content.decode() and "Anna Officer" not in other.content.decode()


@pytest.mark.django_db
def test_each_request_gets_its_own_csrf_token(staff_client):
    staff_client.get(MY_AREA)
    cached = staff_client.get(MY_AREA)
    assert cached["X-Page-Cache"] == "hit"
    body = cached.content.decode()
    assert "__TSF_CSRF_TOKEN__" not in body
    token = TOKEN.search(body).group(1)
    # The logout form of the cached page works with this person's token.
    assert staff_client.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302


@pytest.mark.django_db
def test_a_new_notification_and_reading_it_show_at_once(promoter_client, promoter_user):
    assert _badge(promoter_client.get(MY_AREA)) == 0
    notifications.notify([promoter_user], "call_closing", {}, email=False)
    fresh = promoter_client.get(MY_AREA)
    assert "X-Page-Cache" not in fresh
    assert _badge(fresh) == 1
    assert promoter_client.get(MY_AREA)["X-Page-Cache"] == "hit"
    promoter_client.post("/notifications/read-all/")
    assert _badge(promoter_client.get(MY_AREA)) == 0


@pytest.mark.django_db
def test_a_message_is_shown_once_and_never_kept(staff_client, rf):
    staff_client.get(MY_AREA)  # kept
    # A message waiting (as after a redirect): the page is made fresh to show it, and not kept.
    storage = CookieStorage(rf.get("/"))
    staff_client.cookies["messages"] = storage._encode([Message(messages.SUCCESS, "Saved: everything is fine")])
    shown = staff_client.get(MY_AREA)
    assert "X-Page-Cache" not in shown
    assert "Saved: everything is fine" in shown.content.decode()
    again = staff_client.get(MY_AREA)
    assert "Saved: everything is fine" not in again.content.decode()


@pytest.mark.django_db
def test_a_role_taken_away_closes_the_page_at_the_next_request(staff_client, staff_user, make_user):
    assert staff_client.get(PORTFOLIO).status_code == 200
    assert staff_client.get(PORTFOLIO)["X-Page-Cache"] == "hit"
    boss = make_user("boss@example.org", roles=["staff"])
    account_services.revoke_role(staff_user, "staff", by=boss)
    assert staff_client.get(PORTFOLIO).status_code == 403


@pytest.mark.django_db
def test_a_closed_account_and_a_changed_password_end_the_session(staff_client, staff_user, make_user):
    staff_client.get(MY_AREA)
    assert staff_client.get(MY_AREA)["X-Page-Cache"] == "hit"
    staff_user.set_password("A-new-one-42!")
    staff_user.save()
    response = staff_client.get(MY_AREA)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    other = make_user("other@example.org", roles=["promoter"])
    browser = Client()
    browser.force_login(other)
    assert browser.get(MY_AREA).status_code == 200
    other.is_active = False
    other.save()
    assert browser.get(MY_AREA).status_code == 302


@pytest.mark.django_db
def test_without_a_cache_the_pages_are_made_as_usual(staff_client, settings):
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }}
    for _ in range(2):
        response = staff_client.get(PORTFOLIO)
        assert response.status_code == 200 and "X-Page-Cache" not in response


@pytest.mark.django_db
def test_a_lost_generation_counter_never_brings_an_old_page_back(promoter_client, promoter_user):
    """If the cache drops the counter (evicted under memory pressure), a page kept before a change
    is not served again, however many changes follow: the counter starts again from a value no
    kept page carries."""
    from django.core.cache import cache

    from tsf.core import pagecache

    assert _badge(promoter_client.get(MY_AREA)) == 0  # kept, without the notification
    kept_in = cache.get(pagecache.PRIVATE_GENERATION_KEY)
    notifications.notify([promoter_user], "call_closing", {}, email=False)
    cache.delete(pagecache.PRIVATE_GENERATION_KEY)
    for _ in range(50):  # later changes move the counter again, up to the kept page's generation
        if (cache.get(pagecache.PRIVATE_GENERATION_KEY) or 0) >= kept_in:
            break
        pagecache.invalidate_private()
    fresh = promoter_client.get(MY_AREA)
    assert "X-Page-Cache" not in fresh and _badge(fresh) == 1
