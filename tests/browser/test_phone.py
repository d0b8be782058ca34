"""A phone is enough: every page of the portal's URL map, as each role that reaches it, fits a
390 x 844 screen in Italian (the page itself never scrolls sideways, no control under 44 px) and axe-core
finds no serious or critical issue on it.

The pages: every URL name of the URL map (tests/abuse/urlmap.py) that tests/abuse/expectations.py says
answers 200 to a role, with the URL sweep's world (the 2018 demo edition, and a person of each role who
owns nothing in it); then the pages the demo accounts reach from the home page and their area with their
own data (the demo crawl, one object per URL pattern: a promoter's own proposal and grant, an assessor's
scoring, a tutor's team), and every step of promoter@'s draft on the open call.

Lean, since it tests layout and not the database (`one_database`: it runs in the SQLite pass only):
the demo is seeded once; one browser, one context per person; the layout checks run on every page
for every role, axe-core once per kind of page (URL name), except "my area", which every role sees
differently. The test prints where its time goes."""
import os
import re
import time

import pytest
from django.test import Client
from django.urls import resolve, reverse
from playwright.sync_api import Error as PlaywrightError

from tests.abuse import urlmap
from tests.abuse.conftest import ROLES, _build_world
from tests.abuse.expectations import EXPECTED
from tests.tsf.test_demo_crawl import crawl

pytestmark = [pytest.mark.browser, pytest.mark.one_database, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("PHONE_SCREENSHOTS", "test-results/phone")
# The demo accounts whose own data the URL map's outsiders cannot see (a draft, a funded grant, an
# improvement plan, an assigned team, an assignment to score, a pitch to comment), by role. Staff and the
# editor see everything of theirs in the URL map already.
OWN_PAGES = {"promoter@example.org": "promoter", "promoter2@example.org": "promoter",
             "nonfunded@example.org": "promoter", "tutor@example.org": "tutor", "assessor@example.org": "assessor",
             "mentor@example.org": "mentor"}
# Pages whose content depends on who looks at them more than on the URL: axe-core runs on each role's.
AXE_PER_ROLE = {"accounts:my_area"}
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
# as WCAG 2.5.5 does; hidden ones and those inside a bigger pressable label neither). A checkbox or a
# radio button is pressed through its row (the label around or beside it): the row must be 44 px tall.
SMALL_TARGETS = """() => {
  const small = [];
  const name = (el) => `${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 3).join(".")} "${(el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 30)}"`;
  for (const el of document.querySelectorAll("button, [role=button], input:not([type=hidden]), select, .btn, nav a, .nav-link, .page-link")) {
    const s = getComputedStyle(el);
    if (s.visibility === "hidden" || el.closest(".visually-hidden, .visually-hidden-focusable")) continue;
    let target = el;
    if (el.matches("input[type=checkbox], input[type=radio]")) {
      target = (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) || el.closest("label") || el.closest(".form-check");
      if (!target) { small.push(`${name(el)} without a label to press`); continue; }
    }
    const r = target.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    if (r.height < 44 - 0.5 || r.width < 24) small.push(`${name(target)} ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return small.slice(0, 5);
}"""


def _axe_findings(page, axe=[]):  # noqa: B006  (axe-core's script, read once)
    from axe_playwright_python.sync_playwright import Axe

    if not axe:
        axe.append(Axe())
    results = axe[0].run(page)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


def _context(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, locale="it-IT", viewport=PHONE, is_mobile=False,
                                  has_touch=True, device_scale_factor=1, timezone_id="Europe/Rome")
    context.set_default_timeout(15000)
    client = Client()
    if user is not None:
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
    return context, client


class _Walk:
    """Looks at pages in one person's context and gathers what does not fit a phone."""

    def __init__(self):
        self.problems, self.small, self.visited = [], {}, set()
        self.axed, self.files, self.count = set(), set(), 0
        self.seconds = {"load": 0.0, "layout": 0.0, "axe": 0.0}

    def look(self, page, who, role, name, url):
        key = (name, role)
        if key in self.visited or name in self.files:
            return
        self.visited.add(key)
        started = time.monotonic()
        try:
            response = page.goto(url, wait_until="load")
        except PlaywrightError as exc:  # a file the browser downloads (a PDF): not a page
            if "Download is starting" in str(exc) or "ERR_ABORTED" in str(exc):
                self.files.add(name)
                return
            raise
        if response is None or response.status != 200:
            self.problems.append(f"{who} {url} ({name}): HTTP {response.status if response else '?'}")
            return
        if "text/html" not in response.headers.get("content-type", ""):
            self.files.add(name)  # a feed, a calendar file, JSON: not a page
            return
        self.count += 1
        loaded = time.monotonic()
        self.seconds["load"] += loaded - started
        overflow = page.evaluate(OVERFLOW)
        if overflow:
            self.problems.append(f"{who} {url} ({name}): the page scrolls sideways ({overflow['scrollWidth']}px > "
                                 f"{overflow['width']}px): {overflow['culprits']}")
        axe_key = (name, role) if name in AXE_PER_ROLE else name
        if targets := page.evaluate(SMALL_TARGETS):
            self.small[f"{who} {url}"] = targets
        checked = time.monotonic()
        self.seconds["layout"] += checked - loaded
        if axe_key not in self.axed:
            self.axed.add(axe_key)
            findings = _axe_findings(page)
            self.problems += [f"{who} {url} ({name}): axe {finding}" for finding in findings]
            overflow = overflow or findings
            self.seconds["axe"] += time.monotonic() - checked
        if overflow:
            page.screenshot(path=f"{SHOTS}/{who.split('@')[0]}-{re.sub(r'[^a-z0-9]+', '-', url)[:80]}.png")


def test_every_page_of_the_url_map_fits_a_phone_for_every_role(browser, live_server, settings):
    settings.PRIVATE_PAGE_CACHE_SECONDS = 0
    started = time.monotonic()
    world = _build_world()
    kwargs = urlmap.url_kwargs(world.objects)
    os.makedirs(SHOTS, exist_ok=True)
    walk = _Walk()

    # 1. The URL map: every name, as every role the sweep's table lets in.
    names = [n for n in urlmap.portal_url_names() if n in EXPECTED]
    for role in ROLES:
        context, _client = _context(browser, live_server, None if role == "anonymous" else world.users[role])
        page = context.new_page()
        if role == "anonymous":
            # The header's menu folds into a button on a phone: Bootstrap Italia's module opens it.
            page.goto(reverse("home"))
            menu = page.get_by_role("link", name="Progetti", exact=True)
            assert not menu.is_visible()
            page.get_by_role("button", name="Mostra o nascondi la navigazione").click()
            menu.wait_for(state="visible")
            # Opened (its transition over): the focus is inside the menu, on its close button, as a
            # person sees it; Escape during the opening animation is ignored by the module.
            for _ in range(100):  # polled from here: the page's CSP forbids evaluating strings
                if page.evaluate("() => !!(document.activeElement && document.activeElement.closest('.menu-wrapper'))"):
                    break
                page.wait_for_timeout(100)
            page.keyboard.press("Escape")
            menu.wait_for(state="hidden")
        for name in names:
            if EXPECTED[name][role] == "200":
                walk.look(page, role, role, name, urlmap.path_for(name, kwargs))
        context.close()
    mapped = walk.count

    # 2. The demo accounts' own pages (their proposal, grant, team, scoring...), as the crawl finds them,
    # and every step of promoter@'s draft on the open call.
    from tsf.accounts.models import User

    crawled = time.monotonic()
    for who in OWN_PAGES:
        user = User.objects.get(email=who)
        context, client = _context(browser, live_server, user)
        pages = []
        failures, _count = crawl(client, "it", [reverse("home"), reverse("accounts:my_area")], max_objects=1,
                                 max_query_variants=0, pages=pages)
        assert not failures, failures
        urls = [(resolve(url.split("?")[0]).view_name, url) for _view, url in pages]
        if who == "promoter@example.org":
            from projects.models import Proposal
            from projects.steps import STEP_KEYS

            draft = Proposal.objects.get(call__slug="torino-social-factory-2027", created_by=user, status="draft")
            urls += [(f"projects:step {step}", reverse("projects:step", kwargs={"pk": draft.pk, "step": step}))
                     for step in STEP_KEYS]
        page = context.new_page()
        for name, url in urls:
            walk.look(page, who, OWN_PAGES[who], name, url)
        context.close()

    seconds = time.monotonic() - started
    print(f"\nphone walk: {mapped} pages of the URL map and {walk.count - mapped} of the demo accounts' own, "
          f"{len(walk.axed)} axe-core runs, {seconds:.0f} s (seed {world.seed_seconds:.0f} s, the demo accounts' "
          f"part {time.monotonic() - crawled:.0f} s; loading pages {walk.seconds['load']:.0f} s, layout checks "
          f"{walk.seconds['layout']:.0f} s, axe-core {walk.seconds['axe']:.0f} s)")
    assert not walk.problems, f"{len(walk.problems)} problems at 390 px:\n" + "\n".join(walk.problems)
    assert not walk.small, "touch targets under 44 px:\n" + "\n".join(f"{k}: {v}" for k, v in walk.small.items())
    # Every role's pages were looked at, and the own pages of the demo accounts added to them.
    assert mapped >= 300, mapped
    assert {role for _name, role in walk.visited} == set(ROLES)
    assert ("projects:step budget", "promoter") in walk.visited
