"""Every URL of the portal, requested by every role with someone else's objects: the answer is the one
in expectations.EXPECTED, never a server error, never someone else's private data, every response
with the security headers; a POST by the wrong role changes nothing in the database."""
import re

import pytest
from django.test import override_settings

from tests.abuse import urlmap
from tests.abuse.conftest import ROLES, changed_tables, db_writes
from tests.abuse.expectations import ADMIN, ADMIN_OWN, EXPECTED

pytestmark = pytest.mark.django_db

HSTS_SECONDS = 31536000
PRODUCTION_HEADERS = override_settings(SECURE_HSTS_SECONDS=HSTS_SECONDS, SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
                                       SECURE_HSTS_PRELOAD=True, SECURE_SSL_REDIRECT=False)

# URLs whose POST changes only the poster's own things (their account, notifications, a
# new organisation or proposal of their own, a public registration form): not "someone else's".
OWN_POSTS = {
    "accounts:profile", "accounts:my_area", "notifications:mark_all_read",
    "projects:organisation_create", "projects:start", "acceleration:camp_register",
    # Anyone: an accessibility report, a newsletter subscription.
    "accessibility:feedback", "newsletter:subscribe",
    "privacy:consents", "privacy:copy_request",
}
# Who may change state through a URL with the sweep's objects. Unlisted: staff when staff may see the
# page, nobody otherwise. Pages of the team (proposal, reports, uploads) and of the assigned assessor
# or approved expert belong to nobody the sweep plays.
NOBODY = set()
POST_ALLOWED = {
    **{n: {"staff", "editor"} for n in EXPECTED if n.startswith("blog:manage")},
    **{n: {"staff", "editor"} for n in EXPECTED if n.startswith("newsletter:issue")},
    "projects:step": NOBODY, "projects:submit": NOBODY, "projects:withdraw": NOBODY,
    "projects:attachment_delete": NOBODY, "projects:member_remove": NOBODY, "projects:organisation_edit": NOBODY,
    "incubation:deliverable_upload": NOBODY, "incubation:revised": NOBODY, "incubation:revised_step": NOBODY,
    "grants:report_edit": NOBODY, "assessment:declare": NOBODY, "assessment:score": NOBODY,
    "acceleration:pitch_feedback": NOBODY, "acceleration:slot_book": NOBODY, "notifications:open": NOBODY,
    "acceleration:improvement_action": NOBODY,
}


def _outcome(response):
    if response.status_code in (301, 302, 303):
        location = response["Location"].split("?")[0]
        if location.startswith("/en/"):
            location = location[3:]
        return "login" if location == "/accounts/login/" else "->" + location
    return str(response.status_code)


def _expected(name):
    if name.startswith(urlmap.ADMIN_NAMESPACE + ":"):
        return ADMIN_OWN.get(name, ADMIN)
    return EXPECTED[name]


# The funded organisation's codice fiscale is public by law on the transparency pages (d.lgs. 33/2013,
# art. 27: beneficiary and its fiscal data), nowhere else.
TRANSPARENCY = {"grants:transparency", "grants:project", "grants:giving360"}


def _shows(body, marker):
    """Whether the page shows the marker as a whole (an e-mail address inside a longer one, as
    promoter@example.org in abuse.promoter@example.org, is another person's)."""
    return re.search(rf"(?<![\w.+-]){re.escape(marker)}", body) is not None


def _private_markers(world, name):
    o = world.objects
    version = o.victim.versions.order_by("-number").first()
    markers = [o.victim_member.email, version.team_description[:60]]
    return markers if name in TRANSPARENCY else [o.victim_org.codice_fiscale, *markers]


# Pages where a role may legitimately read the victim's private data (staff everywhere; tutors on
# the cohort's pages, by design).
def _may_read_private(name, role):
    return role == "staff" or (role == "tutor" and EXPECTED.get(name, {}).get("tutor") == "200"
                               and name.split(":")[0] in ("incubation", "projects", "core"))


def _check_headers(response, https):
    problems = []
    csp = response.get("Content-Security-Policy", "")
    if "default-src 'self'" not in csp or "frame-ancestors 'none'" not in csp:
        problems.append(f"CSP {csp!r}")
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options {response.get('X-Frame-Options')!r}")
    if response.get("Referrer-Policy") != "same-origin":
        problems.append(f"Referrer-Policy {response.get('Referrer-Policy')!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"X-Content-Type-Options {response.get('X-Content-Type-Options')!r}")
    if https and f"max-age={HSTS_SECONDS}" not in response.get("Strict-Transport-Security", ""):
        problems.append(f"HSTS {response.get('Strict-Transport-Security')!r}")
    return problems


def test_every_url_is_classified(world):
    """A URL added to the portal must be put in expectations.EXPECTED with its answer per role, and
    the sweep must know which object to put in its arguments."""
    missing = sorted(set(urlmap.portal_url_names()) - set(EXPECTED))
    assert not missing, f"URLs without an expected answer per role (add them to expectations.py): {missing}"
    with_args = {n for n, p in urlmap.walk() if p.pattern.regex.groupindex or p.pattern.converters}
    unfilled = sorted({n for n in with_args if not n.startswith("admin:")}
                      - set(urlmap.url_kwargs(world.objects)) - set(urlmap.RAW_PATHS))
    assert not unfilled, f"URLs whose arguments the sweep cannot fill (add them to urlmap.url_kwargs): {unfilled}"


def _classified():
    """The portal's URLs that the table classifies (test_every_url_is_classified reports the others)."""
    return [n for n in urlmap.portal_url_names() if n in EXPECTED]


def _sweep(world, as_role, names, roles, language, https=True):
    kwargs = urlmap.url_kwargs(world.objects)
    wrong, headers, leaks = [], [], []
    clients = {role: as_role(role) for role in roles}
    o = world.objects
    ids = {"round": o.round.pk, "open_call": o.open_call.pk, "grant": o.grant.pk, "lab": o.lab.pk,
           "victim": o.victim.pk}
    with PRODUCTION_HEADERS:
        for name in names:
            path = (urlmap.admin_path(name, language) if name.startswith("admin:")
                    else urlmap.path_for(name, kwargs, language))
            for role in roles:
                response = clients[role].get(path, secure=https)
                got, want = _outcome(response), _expected(name)[role].format(**ids)
                if got != want:
                    wrong.append(f"{name} {path} as {role}: got {got}, expected {want}")
                headers += [f"{name} {path} as {role}: {p}" for p in _check_headers(response, https)]
                if got == "200" and not _may_read_private(name, role) and not response.streaming:
                    body = response.content.decode("utf-8", "replace")
                    leaks += [f"{name} {path} as {role} shows {m!r}" for m in _private_markers(world, name)
                              if _shows(body, m)]
    return wrong, headers, leaks


def test_get_every_url_as_every_role_in_italian(world, as_role):
    wrong, headers, leaks = _sweep(world, as_role, _classified(), ROLES, "it")
    assert not [w for w in wrong if " 500" in w], "\n".join(wrong)
    assert not wrong, "Unexpected answers:\n" + "\n".join(wrong)
    assert not leaks, "Someone else's private data shown:\n" + "\n".join(leaks)
    assert not headers, "Missing security headers:\n" + "\n".join(headers)


def test_get_every_url_in_english_and_the_admin(world, as_role):
    """The /en/ prefix resolves to the same views with the same guards (anonymous and the outsider
    promoter), and every Django admin URL sends non-admins to the admin login."""
    wrong, headers, leaks = _sweep(world, as_role, _classified(), ("anonymous", "promoter"), "en")
    w2, h2, l2 = _sweep(world, as_role, urlmap.admin_url_names(), ("anonymous", "promoter", "staff"), "it")
    wrong, headers, leaks = wrong + w2, headers + h2, leaks + l2
    assert not wrong, "Unexpected answers:\n" + "\n".join(wrong)
    assert not leaks, "Someone else's private data shown:\n" + "\n".join(leaks)
    assert not headers, "Missing security headers:\n" + "\n".join(headers)


def test_security_headers_over_plain_http_have_no_hsts_but_the_rest(world, as_role):
    """HSTS is only sent over HTTPS (a browser ignores it over HTTP); the rest is always there."""
    client = as_role("anonymous")
    with PRODUCTION_HEADERS:
        response = client.get("/")
    assert "Strict-Transport-Security" not in response
    assert not _check_headers(response, https=False)


def _post_allowed(name):
    if name in POST_ALLOWED:
        return POST_ALLOWED[name]
    staff = EXPECTED[name]["staff"]
    return {"staff"} if staff in ("200", "405") or staff.startswith("->") else NOBODY


def _post_body(world):
    o = world.objects
    return {
        "confirm": "1", "confirmed": "on", "action": "approve", "decision": "approve", "status": "closed",
        "start": "1", "submit": "1", "publish": "1", "next": "1", "remove": str(o.attachment.pk),
        "reason": "Abuse test", "note": "Abuse test", "text": "Abuse test", "body": "Abuse test",
        "message": "Abuse test", "role": "staff", "roles": ["staff"], "user": str(world.users["promoter"].pk),
        "proposal": str(o.victim.pk), "amount": "1000", "title": "Abuse test", "outcome": "approved",
    }


def test_post_to_every_url_as_the_wrong_role_changes_nothing(world, as_role):
    body = _post_body(world)
    kwargs = urlmap.url_kwargs(world.objects)
    problems = []
    clients = {role: as_role(role) for role in ROLES}
    before = db_writes()
    world.users["promoter"].save(update_fields=["full_name"])
    assert db_writes() != before, "the write counter must see a change (control)"
    for name in _classified():
        if name in OWN_POSTS or name.startswith(("account_", "mfa_")):
            continue
        path = urlmap.path_for(name, kwargs)
        for role in sorted(set(ROLES) - _post_allowed(name)):
            before = db_writes()
            response = clients[role].post(path, body)
            changed = changed_tables(before, db_writes())
            if response.status_code >= 500 or changed:
                problems.append(f"POST {name} {path} as {role}: {response.status_code}, changed {changed}")
    assert not problems, "\n".join(problems)


QUERY_PARAMS = ("q", "page", "format", "report", "unread", "topic", "status", "state", "short", "print", "next",
                "call", "tag", "sort", "role", "kind", "invito", "changed", "category", "action", "district",
                "theme", "year", "legal_form", "outcome", "round", "neighbourhood", "target_group", "lang")
HOSTILE_QUERIES = {
    "NUL bytes and markup": "&".join(f"{p}=a%00b%3Cscript%3E" for p in QUERY_PARAMS),
    "invalid UTF-8 and RTL": "&".join(f"{p}=%ED%A0%80%E2%80%AE%FF" for p in QUERY_PARAMS),
    "hostile numbers": "&".join(f"{p}={v}" for p, v in zip(QUERY_PARAMS, [
        "1e30", "-1", "xlsx", "-1", "NaN", "99999999999999999999", "-0", "1,5", "//evil.example.org/", "inf"] * 3,
        strict=False)) + "&page=999999&format=csv&next=https://evil.example.org/",
}


def test_hostile_query_strings_never_break_a_page(world, as_role):
    """Search boxes, filters, pagination and export links get hostile query strings: never a 500 and
    never a redirect to another site."""
    kwargs = urlmap.url_kwargs(world.objects)
    clients = {}
    problems = []
    for name in _classified():
        roles = [r for r in ("staff", "editor", "tutor", "assessor", "promoter", "anonymous")
                 if EXPECTED[name][r] == "200"]
        if not roles or name in ("account_logout",):
            continue
        role = roles[0]
        client = clients.setdefault(role, as_role(role))
        path = urlmap.path_for(name, kwargs)
        for label, query in HOSTILE_QUERIES.items():
            response = client.get(f"{path}?{query}")
            location = response.get("Location", "")
            if response.status_code >= 500 or "evil.example.org" in location:
                problems.append(f"{name} {path} as {role} with {label}: {response.status_code} {location}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ["/grants/transparency/%00/", "/projects/join/a%00b/", "/blog/?q=%00",
                                  "/en/calls/?q=x%00y", "/files/projects%00/attachment/1/file/"])
def test_a_nul_byte_in_the_address_is_a_bad_request_not_a_server_error(client, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert not _check_headers(response, https=False)


def _hostile_fill(form, variant):
    from tests.abuse.forms import ODD_DATES, ODD_NUMBERS, ODD_TEXT

    data = {k: list(v) for k, v in form["data"].items()}
    for i, (name, kind) in enumerate(sorted(form["kinds"].items())):
        if kind in ("hidden", "file") or name == "csrfmiddlewaretoken":
            continue
        if kind == "number":
            value = ODD_NUMBERS[(i + variant) % len(ODD_NUMBERS)]
        elif kind in ("date", "datetime-local", "time"):
            value = ODD_DATES[(i + variant) % len(ODD_DATES)]
        elif kind in ("select", "checkbox", "radio"):
            value = ["-1", "not-a-choice", "999999999"][(i + variant) % 3]
        else:
            value = ODD_TEXT[(i + variant) % len(ODD_TEXT)]
        data[name] = [value]
    return data


def test_every_form_of_every_page_survives_hostile_values(world, as_role):
    """Every POST form on every page a role can open, filled with hostile values in every field and
    sent as that role: never a server error (the hypothesis tests go deeper on the main forms)."""
    from django.db import transaction

    from tests.abuse.forms import FormReader, post

    kwargs = urlmap.url_kwargs(world.objects)
    clients, problems, sent = {}, [], 0
    for name in _classified():
        if name in ("account_logout", "account_login", "account_reauthenticate") or name.startswith("mfa_"):
            continue
        for role in ("staff", "editor", "tutor", "promoter", "anonymous"):
            if EXPECTED[name][role] != "200":
                continue
            client = clients.setdefault(role, as_role(role))
            path = urlmap.path_for(name, kwargs)
            page = client.get(path)
            if "html" not in page.get("Content-Type", ""):
                break
            reader = FormReader()
            reader.feed(page.content.decode())
            for form in reader.forms:
                if not any(k not in ("csrfmiddlewaretoken",) and v not in ("hidden",) for k, v in form["kinds"].items()):
                    continue
                target = form["action"] or path
                if target.startswith(("/accounts/logout", "/en/accounts/logout", "/i18n/")):
                    continue
                for variant in (0, 1):
                    with transaction.atomic():
                        response = post(client, target, _hostile_fill(form, variant))
                        transaction.set_rollback(True)
                    sent += 1
                    if response.status_code >= 500:
                        problems.append(f"{name} {path} form -> {target} as {role} (variant {variant}): "
                                        f"{response.status_code}")
            break  # one role per page: the first that may open it
    assert sent > 50, f"only {sent} forms were sent: the sweep lost its forms"
    assert not problems, "\n".join(problems)
