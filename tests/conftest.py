"""Fixtures shared by the whole suite: people with roles, logged-in clients, the real services,
and a Chromium driven by Playwright for browser tests."""
import datetime
import os
import time

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "Correct-Horse-9"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def _install_two_factor_force_login():
    """`client.force_login(user)` stands for a complete sign-in: password and, for a person with TOTP
    enrolled, the code (the session records that its person used two factors, as the login's second step
    does: tsf.accounts.permissions.session_used_mfa). `force_login(user, two_factor=False)` is a session
    that used the password only: the roles that require two-factor authentication then give nothing
    (tests/abuse/test_two_factor_gate.py)."""
    from django.test import Client

    from tsf.accounts.permissions import record_two_factor_used

    original = Client.force_login
    if getattr(original, "tsf_two_factor", False):
        return

    def force_login(self, user, backend=None, *, two_factor=True):
        original(self, user, backend)
        if two_factor:
            session = self.session
            record_two_factor_used(session, user)
            session.save()

    force_login.tsf_two_factor = True
    Client.force_login = force_login


def confirm_identity(client, method="mfa"):
    """The person of `client` confirms who they are on allauth's re-authentication page, as they would
    (the password; with the code from their authenticator app for `method` "mfa"): sensitive actions go on
    without asking again for the next few minutes (tests/tsf/test_reauthentication.py walks the pages
    from the sensitive action)."""
    from django.urls import reverse

    if method == "password":
        response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert response.status_code == 302, response
        return
    for step in (0, 1, -1):  # a code is accepted once: the next or the previous one if it was used
        response = client.post(reverse("mfa_reauthenticate"), {"password": PASSWORD, "code": totp_now(step=step)})
        if response.status_code == 302:
            return
    raise AssertionError("the re-authentication with the password and the code was refused")


@pytest.fixture(scope="session", autouse=True)
def _two_factor_force_login():
    _install_two_factor_force_login()


@pytest.fixture
def make_user(db):
    from tests.factories import UserFactory

    def make(email=None, roles=(), mfa=None, **kwargs):
        if email:
            kwargs["email"] = email
        if mfa is None:
            mfa = any(r in ("staff", "assessor") for r in roles)
        return UserFactory(roles=list(roles), mfa=TOTP_SECRET if mfa else None, **kwargs)

    return make


@pytest.fixture
def staff_user(make_user):
    return make_user("officer@example.org", roles=["staff"], full_name="Anna Officer")


@pytest.fixture
def promoter_user(make_user):
    return make_user("promoter@example.org", roles=["promoter"], full_name="Piero Promoter")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def promoter_client(client, promoter_user):
    client.force_login(promoter_user)
    return client


@pytest.fixture
def redis_url(settings):
    """The real Redis the suite must use: a test that needs it fails (never skips) without it."""
    import redis

    url = os.environ.get("REDIS_URL") or settings.REDIS_URL
    if not url:
        pytest.fail("REDIS_URL is not set: the test suite needs a real Redis (see README)")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"Redis at {url} is not reachable: {exc}")
    return url


def _uses_fixture(item, name):
    """The test asks for the fixture `name` (not a parametrize argument of that name)."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    return name in getattr(item, "fixturenames", ()) and name not in params


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Every test that drives Chromium (the `page` or `browser` fixture) or serves the live server is
    marked `browser`, whether or not its module says so, so that `-m "not browser"` leaves out every
    Playwright test. On SQLite (the default install, and `make test`'s first run) the tests marked
    `postgres_only` are deselected, as `-m "not postgres_only"` would, whatever `-m` the command
    gives: they are reported as deselected, never skipped, and run in the PostgreSQL run. On
    PostgreSQL, the tests marked `one_database` (layout only) are deselected the same way.
    Runs first, so that the markers added here are seen by `-m`."""
    from django.conf import settings

    for item in items:
        if not item.get_closest_marker("browser") and any(
                _uses_fixture(item, name) for name in ("page", "browser", "live_server")):
            item.add_marker(pytest.mark.browser)
    # One database for the tests of layout (the phone walk): they prove what Chromium draws, not what
    # the database does, so they run in the SQLite run only (the default install), never twice.
    unwanted = "one_database" if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" \
        else "postgres_only"
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker(unwanted) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


# The clock -----------------------------------------------------------------------------------

# Every test runs at a pinned moment, not at the hour the suite happens to run: a Wednesday
# morning in Rome, far from midnight, the end of a month and the changes of summer time, so that
# the factories' "now + 10 days" and "now - 2 days" never cross a day, a month or a clock change
# that the real clock would make them cross. The pinned clock ticks (a test sees time pass as it
# runs), and it is continuous across the run: the n-th second of the session is PINNED_NOW plus
# n seconds, so what a module- or session-scoped fixture made is never "in the future" for a later
# test. A test that freezes its own moment (`freeze_time(...)`) nests inside it.
# Tests that the process's clock cannot reach run on the real clock, and must not depend on the
# hour: those marked `browser` (Chromium and the live server's thread), and those marked
# `real_clock` (a real Celery worker or a subprocess).
PINNED_NOW = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
_session_started = time.monotonic()


# Modules that bind the clock's functions at import (`from time import monotonic`) must be imported
# before the first pinned test: imported inside it, they would keep freezegun's function, which fails
# (or lies) in every later test that runs on the real clock. Celery's tracer, run by every eager task,
# was one: after a pinned test imported it, e-mails queued in a real-clock test were never sent.
CLOCK_BINDING_MODULES = (
    "celery.app.trace", "celery.worker.request", "celery.worker.state", "celery.events.state",
    "celery.contrib.testing.worker", "celery.backends.redis", "kombu.transport.redis",
    "kombu.transport.virtual.base", "kombu.asynchronous.timer", "kombu.utils.limits", "kombu.pidbox",
    "kombu.simple", "billiard.common", "billiard.pool", "billiard.connection", "billiard.queues",
    "billiard.synchronize", "redis.connection",
    # openpyxl keys its number formats by the datetime classes it sees at import: imported inside a
    # pinned test it knows only freezegun's, and every later XLSX export with a date fails.
    "openpyxl.cell.cell",
)


def pytest_sessionstart(session):
    import importlib

    for name in CLOCK_BINDING_MODULES:
        importlib.import_module(name)


def runs_on_the_real_clock(item):
    return bool(item.get_closest_marker("browser") or item.get_closest_marker("real_clock"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if runs_on_the_real_clock(item):
        yield
        return
    import freezegun.api
    from freezegun import freeze_time

    # Every call to the clock reads the pinned one, whoever makes it: freezegun would otherwise give
    # the real time to a call made a few frames under a module of its ignore list (a request served
    # in a `threading.Thread`, a function called right from pytest). The modules of that list keep
    # their own references to the real clock (threading's timeouts stay real).
    freezegun.api.call_stack_inspection_limit = 0
    moment = PINNED_NOW + datetime.timedelta(seconds=time.monotonic() - _session_started)
    with freeze_time(moment, tick=True):
        yield


@pytest.fixture
def postgres(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: set DATABASE_URL (see README)")
    return connection


def totp_now(secret=TOTP_SECRET, step=0):
    """The TOTP code for a secret as an authenticator app shows it now (RFC 6238); `step` -1 or +1
    gives the previous or next code, which the portal accepts for a phone whose clock drifts."""
    from tsf.accounts.totp import totp_code

    return totp_code(secret, step=step)


# Browser tests -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, locale="it-IT", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        os.makedirs("test-results", exist_ok=True)
        page.screenshot(path=f"test-results/{request.node.name}.png", full_page=True)
    context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def assert_accessible(page, context=""):
    """axe-core in the page: no violation of impact serious or critical."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in bad
    )
    assert not bad, f"axe-core found serious/critical violations on {context or page.url}:\n{details}"


@pytest.fixture(autouse=True)
def _default_language_for_every_test():
    """Every test starts in the portal's default language (Italian), whatever the previous test
    requested; a test that reads English texts asks for English (`english` fixture, /en/ URLs)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def english():
    """Read the English interface: reverse() gives /en/ URLs and messages are in English."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and used TOTP codes live in the cache: no test sees another's."""
    from django.core.cache import cache

    cache.clear()
    yield


_used_totp_codes: set = set()


def fresh_totp_code(email, secret=TOTP_SECRET):
    """A code this person has not used yet: allauth refuses a code used twice, so a second login
    within the same 30 seconds takes the drift-tolerated next code, or waits, as a person would."""
    import time

    while True:
        for step in (0, 1, -1):
            code = totp_now(secret, step)
            if (email, code) not in _used_totp_codes:
                _used_totp_codes.add((email, code))
                return code
        time.sleep(1)


def browser_login(page, email, *, totp=False, password=PASSWORD, language="it"):
    """Log in through the login page of `language` (Italian, the default, at /accounts/login/;
    English at /en/accounts/login/) as a person does: e-mail, password, then (staff, assessors) the
    authenticator's code; waits for "Area personale" ("My area" in English)."""
    import re

    italian = language == "it"
    page.context.clear_cookies()
    page.goto("/accounts/login/" if italian else f"/{language}/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Email")).fill(email)
    page.get_by_label(re.compile(r"^\s*Password")).fill(password)
    page.get_by_role("button", name="Accedi" if italian else "Sign In").click()
    if totp:
        code = page.get_by_label(re.compile(r"^\s*Codice" if italian else r"^\s*Code"))
        code.fill(fresh_totp_code(email))
        code.press("Enter")
    page.get_by_role("heading", name="Area personale" if italian else "My area").wait_for()
    return page
