"""The server-side cache of anonymous public pages (tsf.core.pagecache): served from the cache,
refreshed when what they show changes, never shared with logged-in people, own CSRF token each."""
import re

import pytest
from django.test import Client

from tests.blog.factories import PostFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.django_db
def test_anonymous_blog_list_is_cached_and_refreshed_when_a_post_is_published(client):
    PostFactory(title="Primo racconto dal quartiere")
    first = client.get("/blog/")
    assert first.status_code == 200 and "X-Page-Cache" not in first
    second = Client().get("/blog/")
    assert second["X-Page-Cache"] == "hit"
    assert "Primo racconto dal quartiere" in second.content.decode()

    PostFactory(title="Secondo racconto dal mercato")
    third = Client().get("/blog/")
    assert "X-Page-Cache" not in third
    assert "Secondo racconto dal mercato" in third.content.decode()


@pytest.mark.django_db
def test_cached_page_answers_fast_and_each_visitor_gets_their_own_csrf_token(django_assert_max_num_queries):
    Client().get("/")
    visitor = Client(enforce_csrf_checks=True)
    with django_assert_max_num_queries(0):
        response = visitor.get("/")
    assert response["X-Page-Cache"] == "hit"
    token = TOKEN.search(response.content.decode()).group(1)
    assert "__TSF_CSRF_TOKEN__" not in response.content.decode()
    assert "csrftoken" in response.cookies
    other = Client().get("/")
    assert TOKEN.search(other.content.decode()).group(1) != token
    # The language switch of the cached page works with this visitor's cookie.
    switched = visitor.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert switched.status_code == 302


@pytest.mark.django_db
def test_logged_in_people_never_get_the_cached_page(client, promoter_user):
    Client().get("/")
    assert Client().get("/")["X-Page-Cache"] == "hit"
    client.force_login(promoter_user)
    response = client.get("/")
    assert "X-Page-Cache" not in response
    assert "Piero Promoter" in response.content.decode() or "Log out" in response.content.decode() or \
        "Esci" in response.content.decode()


@pytest.mark.django_db
def test_cached_pages_answer_304_only_to_the_visitor_whose_token_still_works():
    PostFactory()
    visitor = Client()
    visitor.get("/blog/")  # rendered and cached; sets the visitor's CSRF cookie
    first = visitor.get("/blog/")
    assert first["X-Page-Cache"] == "hit" and first.has_header("ETag") and first.has_header("Last-Modified")
    assert visitor.get("/blog/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # Another visitor (another CSRF secret) sending that ETag gets the whole page, with their token.
    other = Client()
    other.get("/")
    response = other.get("/blog/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200 and response["ETag"] != first["ETag"]


@pytest.mark.django_db
def test_languages_and_query_strings_are_cached_apart():
    PostFactory()
    italian = Client().get("/blog/")
    english = Client().get("/en/blog/")
    assert italian.content != english.content
    assert Client().get("/en/blog/")["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in Client().get("/blog/?page=1")


@pytest.mark.django_db
def test_timeout_zero_turns_the_cache_off(settings):
    settings.TSF_PAGE_CACHE_SECONDS = 0
    Client().get("/")
    assert "X-Page-Cache" not in Client().get("/")
