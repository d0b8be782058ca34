"""On the demo that `make run` seeds, every page that every demo account can reach answers without a
server error, in Italian and in English, with DEBUG off.

The demo is seeded once for the module, as `make run` does, on the database under test (SQLite, the
default install, or PostgreSQL). Each account the seed prints signs in through the login page (and
the authenticator's code, from the secret the seed prints, for staff and assessors), then a breadth-first
crawl follows every same-site link and GET form from the home page and my area."""
import io
import re
import time
import traceback
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import translation

from tests.conftest import totp_now

pytestmark = pytest.mark.django_db

MAX_PAGES = 400  # per account and language
# Every kind of page, with a few of its objects and a few of its filters: the demo has 25 proposals and
# dozens of posts, and each one's page is the same view on similar data.
MAX_OBJECTS = 5  # distinct paths per URL pattern (view)
MAX_QUERY_VARIANTS = 4  # per path: filters and pages, not every combination of them
# The demo accounts of the README, one per role and situation (the seed prints a few more people of the
# same roles: other assessors, tutors and mentors, who see the same pages on other objects).
CRAWLED = ("staff@example.org", "promoter@example.org", "promoter2@example.org", "nonfunded@example.org",
           "tutor@example.org", "assessor@example.org", "assessor2@example.org", "mentor@example.org",
           "editor@example.org")
SITE_HOSTS = {"", "testserver", "127.0.0.1", "localhost", "127.0.0.1:8000", "localhost:8000"}
# Leaving the session, the Django admin, files served by whitenoise or the media storage.
SKIP = re.compile(r"^(/en)?/(accounts/logout/|admin/|django-admin/|static/|media/|i18n/)")


class _Links(HTMLParser):
    """The <a href> links of a page, and its GET forms filled as a person leaves them (every option
    of each <select> tried once, the others at their default)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.forms = [], []
        self._form = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            method = (a.get("method") or "get").lower()
            self._form = {"action": a.get("action") or "", "fields": [], "selects": {}} if method == "get" else None
        elif self._form is None:
            return
        elif tag in ("input", "button") and a.get("name") and "disabled" not in a:
            kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "image", "reset", "file"):
                self._form["fields"].append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["selects"][self._select] = []
        elif tag == "option" and self._select:
            self._form["selects"][self._select].append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None

    def urls(self, base):
        found = [urljoin(base, href) for href in self.links]
        for form in self.forms:
            action = urljoin(base, form["action"])
            defaults = {name: next((v for v, sel in opts if sel), opts[0][0] if opts else "")
                        for name, opts in form["selects"].items()}
            found.append(_with_query(action, form["fields"] + list(defaults.items())))
            for name, opts in form["selects"].items():
                for value, _selected in opts:
                    chosen = {**defaults, name: value}
                    found.append(_with_query(action, form["fields"] + list(chosen.items())))
        return found


def _with_query(action, pairs):
    return urlsplit(action)._replace(query=urlencode(pairs), fragment="").geturl()


def _same_site(url, language):
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in SITE_HOSTS:
        return None
    path = parts.path or "/"
    if SKIP.match(path) or path.startswith("/en/") != (language == "en"):
        return None
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{path}?{query}" if query else path


def _view(path, language):
    """The URL pattern a path matches: its view, whatever the object."""
    with translation.override(language):
        try:
            return resolve(path).route
        except Resolver404:
            return path


def _where(exc):
    """The innermost frame of the portal's own code, where the error happened."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/.venv/" not in f.filename
              and "site-packages" not in f.filename]
    frame = frames[-1] if frames else traceback.extract_tb(exc.__traceback__)[-1]
    return f"{frame.filename.rsplit('/', 2)[-2:][0]}/{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"


def crawl(client, language, starts, *, max_objects=MAX_OBJECTS, max_query_variants=MAX_QUERY_VARIANTS, pages=None):
    """Breadth-first over the pages reachable from `starts`: the failures, and the pages seen. `pages`,
    when given, receives (view, url) for each HTML page that answered 200."""
    seen, failures = set(), []
    per_path, per_view = Counter(), {}
    queue = deque(u for u in (_same_site(s, language) for s in starts) if u)
    visited = 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        path, _, query = url.partition("?")
        per_path[path] += 1
        if per_path[path] > 1 + max_query_variants:
            continue
        view = _view(path, language)
        paths = per_view.setdefault(view, set())
        if path not in paths and len(paths) >= max_objects:
            continue
        paths.add(path)
        visited += 1
        try:
            response = client.get(url)
        except Exception as exc:  # the test client re-raises what the view raised: that is a 500
            failures.append(f"{url}: {type(exc).__name__}: {str(exc)[:300]} ({_where(exc)})")
            continue
        if response.status_code >= 500:
            failures.append(f"{url}: HTTP {response.status_code}")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(_same_site(urljoin(url, response["Location"]), language) or "")
            continue
        if response.streaming:  # a download: read to the end, as the browser does (and the client closes it)
            for _chunk in response.streaming_content:
                pass
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        if pages is not None and response.status_code == 200:
            pages.append((view, url))
        parser = _Links()
        parser.feed(response.content.decode(response.charset or "utf-8", "replace"))
        queue.extend(u for u in (_same_site(link, language) for link in parser.urls(url)) if u and u not in seen)
    return failures, visited


def _accounts(printed):
    """The demo accounts as `make run` prints them, each with its TOTP secret when it has one."""
    accounts, current = {}, None
    for line in printed.splitlines():
        if m := re.match(r"^\s+([\w.+-]+@[\w.-]+)\s", line):
            current = m.group(1)
            accounts[current] = None
        elif current and (m := re.search(r"TOTP secret[^:]*:\s*([A-Z2-7=]+)", line)):
            accounts[current] = m.group(1)
    return accounts


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo of `make run`, seeded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        started = time.monotonic()
        call_command("seed_demo", force=True, stdout=out)
        seconds = time.monotonic() - started
        yield {"accounts": _accounts(out.getvalue()), "seed_seconds": seconds}
        transaction.set_rollback(True)


def sign_in(email, secret):
    """A client signed in as a person does: e-mail and password, then the authenticator's code."""
    from tsf.accounts.demo import DEMO_PASSWORD

    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{email} cannot sign in with the demo password"
    if secret:
        assert response["Location"] == reverse("mfa_authenticate"), f"{email} is not asked for the code"
        response = client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})
        assert response.status_code == 302, f"{email}'s TOTP code is refused"
    assert client.get(reverse("accounts:my_area")).status_code == 200, f"{email} does not reach my area"
    return client


def test_the_demo_prints_every_account_the_crawl_plays(demo):
    accounts = demo["accounts"]
    missing = [email for email in CRAWLED if email not in accounts]
    assert not missing, f"not among the demo accounts printed by seed_demo: {missing}"
    assert accounts["staff@example.org"] and accounts["assessor@example.org"], "no TOTP secret printed"


# Italian, the default language, crawls a few objects and filters of each view; English crawls every
# view too, with fewer of them (its failures are those of words and formats, not of the data).
@pytest.mark.parametrize("language,max_objects,max_query_variants", [("it", MAX_OBJECTS, MAX_QUERY_VARIANTS), ("en", 2, 1)])
def test_every_page_every_demo_account_reaches_answers_without_a_server_error(demo, language, max_objects,
                                                                              max_query_variants):
    assert not settings.DEBUG, "the crawl must see the pages as production serves them"
    failures, pages = [], {}
    for who in ["anonymous", *CRAWLED]:
        client = Client() if who == "anonymous" else sign_in(who, demo["accounts"][who])
        with translation.override(language):
            starts = [reverse("home")] + ([] if who == "anonymous" else [reverse("accounts:my_area")])
        found, pages[who] = crawl(client, language, starts, max_objects=max_objects,
                                  max_query_variants=max_query_variants)
        failures += [f"{who}: {f}" for f in found]
    assert not failures, f"{len(failures)} pages answer with a server error ({language}):\n" + "\n".join(failures)
    assert all(n >= 10 for n in pages.values()), f"the crawl reached too few pages: {pages}"


def test_promoter_finds_a_draft_on_the_open_call_with_every_step_to_look_at(demo):
    """Right after `make run`, promoter@ has a draft on the open call, partly written: the first steps
    filled, the budget started with its lines, the rest to do."""
    from calls.models import Call
    from projects.models import Proposal

    client = sign_in("promoter@example.org", None)
    draft = Proposal.objects.get(call__slug="torino-social-factory-2027", created_by__email="promoter@example.org")
    assert draft.status == "draft" and Call.objects.get(pk=draft.call_id).is_open()
    area = client.get(reverse("accounts:my_area")).content.decode()
    assert "Portineria di comunità a Barriera di Milano" in area
    assert reverse("projects:proposal", kwargs={"pk": draft.pk}) in area or \
        reverse("projects:step", kwargs={"pk": draft.pk, "step": "budget"}) in area
    for step in ("project", "need", "solution", "impact", "team", "budget", "attachments", "review"):
        page = client.get(reverse("projects:step", kwargs={"pk": draft.pk, "step": step}))
        assert page.status_code == 200, step
    budget = client.get(reverse("projects:step", kwargs={"pk": draft.pk, "step": "budget"})).content.decode()
    assert "Arredi, computer e bacheca digitale" in budget and "52.000,00" in budget
    review = client.get(reverse("projects:step", kwargs={"pk": draft.pk, "step": "review"})).content.decode()
    assert "Portineria di comunità a Barriera di Milano" in review
