"""The server-side cache of anonymous public pages (tsf.core.pagecache): served from the cache,
refreshed when what they show changes, never shared with logged-in people, no token to share (a kept page with a form: own CSRF token each)."""
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
def test_cached_page_answers_fast_with_no_token_and_no_cookie(django_assert_max_num_queries):
    """The public pages hold no form that posts (the language switch is links): a kept page is served
    as it was stored, with no CSRF token to make and no cookie."""
    Client().get("/")
    visitor = Client(enforce_csrf_checks=True)
    with django_assert_max_num_queries(0):
        response = visitor.get("/")
    assert response["X-Page-Cache"] == "hit"
    body = response.content.decode()
    assert "csrfmiddlewaretoken" not in body and "__TSF_CSRF_TOKEN__" not in body
    assert not response.cookies
    assert '<a href="/en/" hreflang="en" lang="en">' in body
    # The same page, byte for byte, for the next visitor; and its ETag answers them 304.
    other = Client().get("/")
    assert other.content == response.content
    if response.has_header("ETag"):
        assert Client().get("/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.django_db
@pytest.mark.urls("tests.bench.form_urls")
def test_a_kept_page_with_a_form_gives_each_visitor_their_own_token():
    Client().get("/form/")
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get("/form/")
    assert response["X-Page-Cache"] == "hit"
    token = TOKEN.search(response.content.decode()).group(1)
    assert "__TSF_CSRF_TOKEN__" not in response.content.decode()
    assert "csrftoken" in response.cookies
    other = Client().get("/form/")
    assert TOKEN.search(other.content.decode()).group(1) != token
    # The form of the kept page posts with this visitor's cookie.
    assert visitor.post("/form/", {"csrfmiddlewaretoken": token}).status_code == 200
    assert Client(enforce_csrf_checks=True).post("/form/", {"csrfmiddlewaretoken": token}).status_code == 403


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
@pytest.mark.urls("tests.bench.form_urls")
def test_a_kept_page_with_a_form_answers_304_only_to_the_visitor_whose_token_still_works():
    visitor = Client()
    visitor.get("/form/")  # rendered and cached; sets the visitor's CSRF cookie
    first = visitor.get("/form/")
    assert first["X-Page-Cache"] == "hit" and first.has_header("ETag")
    assert visitor.get("/form/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # Another visitor (another CSRF secret) sending that ETag gets the whole page, with their token.
    other = Client()
    other.get("/form/")
    response = other.get("/form/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200 and response["ETag"] != first["ETag"]


@pytest.mark.django_db
def test_a_kept_page_without_a_form_answers_304_to_every_visitor():
    PostFactory()
    Client().get("/blog/")
    first = Client().get("/blog/")
    assert first["X-Page-Cache"] == "hit" and first.has_header("ETag") and first.has_header("Last-Modified")
    assert Client().get("/blog/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert Client().get("/blog/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


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
