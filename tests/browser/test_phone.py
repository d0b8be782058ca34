"""A phone is enough: on the demo of `make run`, every kind of page that each role reaches fits a
390 x 844 screen in Italian (the page itself never scrolls sideways) and axe-core finds no serious or
critical issue on it.

The pages are those of the portal's URL map that each demo account reaches from the home page and
its area (the demo crawl's breadth-first walk, one object per URL pattern); each kind of page is
looked at once in the browser, by the first role that reaches it (the home page and "my area" by
every role, since the header and the area change with the person). One browser, one context per
role; each signed-in context carries the session the test client opened for that person."""
import os
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.abuse.urlmap import portal_url_names
from tests.tsf.test_demo_crawl import CRAWLED, crawl

pytestmark = [pytest.mark.browser, pytest.mark.one_database, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("PHONE_SCREENSHOTS", "test-results/phone")
# What the page is wider than the screen by, and which elements stick out (for the message).
OVERFLOW = """() => {
  const width = window.innerWidth, doc = document.documentElement;
  if (doc.scrollWidth <= width) return null;
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    const parent = el.parentElement && el.parentElement.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1 && !(parent && parent.right > width + 1)) {
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} (${Math.round(r.right)}px)`);
    }
  }
  return {scrollWidth: doc.scrollWidth, width, culprits: out.slice(0, 6)};
}"""
# Controls a finger presses that are smaller than 44 x 44 CSS px (links inside running text excepted,
# as WCAG 2.5.5 does; hidden ones and those inside a bigger pressable label neither).
SMALL_TARGETS = """() => {
  const small = [];
  for (const el of document.querySelectorAll("button, [role=button], input:not([type=hidden]), select, .btn, nav a, .nav-link, .page-link")) {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    if (!r.width || !r.height || s.visibility === "hidden") continue;
    if (el.matches("input[type=checkbox], input[type=radio]")) continue;  // their label is the target
    if (el.closest(".visually-hidden, .visually-hidden-focusable")) continue;
    if (r.height < 44 - 0.5 || r.width < 24) small.push(`${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 3).join(".")} "${(el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return small.slice(0, 5);
}"""


def _axe_findings(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


def _session_client(email):
    from tsf.accounts.models import User

    client = Client()
    if email:
        client.force_login(User.objects.get(email=email))
    return client


def _context(browser, live_server, client):
    context = browser.new_context(base_url=live_server.url, locale="it-IT", viewport=PHONE, is_mobile=False,
                                  has_touch=True, device_scale_factor=1, timezone_id="Europe/Rome")
    context.set_default_timeout(15000)
    if "sessionid" in client.cookies:
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
    return context


def test_every_page_of_every_role_fits_a_phone_and_passes_axe(browser, live_server, settings):
    settings.PRIVATE_PAGE_CACHE_SECONDS = 0
    call_command("seed_demo", force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    always = {reverse("home"), reverse("accounts:my_area")}
    checked_views, problems, seen, small = set(), [], {}, {}
    os.makedirs(SHOTS, exist_ok=True)
    for who in ["anonymous", *CRAWLED]:
        client = _session_client(None if who == "anonymous" else who)
        pages = []
        starts = [reverse("home")] + ([] if who == "anonymous" else [reverse("accounts:my_area")])
        failures, _count = crawl(client, "it", starts, max_objects=1, max_query_variants=0, pages=pages)
        assert not failures, failures
        context = _context(browser, live_server, client)
        page = context.new_page()
        for view, url in pages:
            if view in checked_views and url.split("?")[0] not in always:
                continue
            checked_views.add(view)
            seen.setdefault(who, []).append(url)
            response = page.goto(url, wait_until="load")
            if response is None or response.status >= 400:
                problems.append(f"{who} {url}: HTTP {response.status if response else '?'}")
                continue
            overflow = page.evaluate(OVERFLOW)
            if overflow:
                problems.append(f"{who} {url}: the page scrolls sideways ({overflow['scrollWidth']}px > "
                                f"{overflow['width']}px): {overflow['culprits']}")
            for finding in _axe_findings(page):
                problems.append(f"{who} {url}: axe {finding}")
            if targets := page.evaluate(SMALL_TARGETS):
                small[f"{who} {url}"] = targets
            if overflow:
                page.screenshot(path=f"{SHOTS}/{who.split('@')[0]}-{re.sub(r'[^a-z0-9]+', '-', url)[:80]}.png")
        context.close()
    assert not problems, f"{len(problems)} problems at 390 px:\n" + "\n".join(problems)
    assert not small, "touch targets under 44 px:\n" + "\n".join(f"{k}: {v}" for k, v in small.items())
    # The walk reached most kinds of pages of the URL map (the rest are POST-only actions, downloads
    # and addresses reached from e-mails).
    assert len(checked_views) >= 60, (len(checked_views), len(portal_url_names()))
    assert all(len(urls) >= 2 for urls in seen.values()), seen
