"""Sign in to a running portal over HTTP as a person does, for `make security` (tsf.security).

The login page is read for its CSRF token, the e-mail and password are posted, and for staff and
assessors the authenticator's code (RFC 6238, from the TOTP secret `seed_demo` prints) is posted on
the second step. The session is then checked: "my area" must answer 200 and the role's own page
too (for staff and assessors that page opens only after the code), so a scan never runs anonymous
while believing it is signed in. Only the standard library: the scanner runs in its own environment.
"""
import base64
import hashlib
import hmac
import http.cookiejar
import re
import struct
import time
import urllib.error
import urllib.parse
import urllib.request

LOGIN_PATH = "/accounts/login/"
MFA_PATH = "/accounts/2fa/authenticate/"
MY_AREA_PATH = "/my-area/"
# A page the role opens and a person without it does not (staff and assessors: only after the code);
# tutors and mentors have no page of their own beside "my area", which proves the sign-in.
ROLE_PAGES = {
    "promoter": "/projects/mine/",
    "staff": "/staff/people/",
    "assessor": "/assessment/mine/",
    "editor": "/blog/manage/",
}
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"|value="([^"]+)"\s+name="csrfmiddlewaretoken"')


class SignInError(RuntimeError):
    pass


def totp_code(secret_b32, at=None, step=0, digits=6, period=30):
    """The code an authenticator app shows for a base32 secret (RFC 6238, HMAC-SHA1)."""
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    counter = int(time.time() if at is None else at) // period + step
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


class Session:
    """A cookie jar and an opener bound to one portal address (follows redirects like a browser)."""

    def __init__(self, base_url):
        self.base_url = base_url.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path, data=None, timeout=60):
        url = self.base_url + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers={  # noqa: S310 - our own local server
            "Referer": url, "Accept-Language": "it", "User-Agent": "tsf-security-check"})
        try:
            with self.opener.open(req, timeout=timeout) as resp:
                return resp.status, urllib.parse.urlsplit(resp.geturl()).path, resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, urllib.parse.urlsplit(exc.geturl()).path, exc.read().decode("utf-8", "replace")

    def cookies(self):
        return {cookie.name: cookie.value for cookie in self.jar}

    def answers(self, path):
        """The status of `path` without following a redirect to the login (200 only if served)."""
        status, final_path, _ = self.request(path)
        return status if final_path == path else 302


def _csrf_token(html):
    match = _CSRF_INPUT.search(html)
    if not match:
        raise SignInError("no CSRF token in the form")
    return match.group(1) or match.group(2)


def sign_in(base_url, email, password, role, totp_secret=None):
    """A Session signed in as `email` (password, then the TOTP code when a secret is given), checked:
    "my area" and the role's page answer 200. Raises SignInError otherwise."""
    session = Session(base_url)
    status, _, html = session.request(LOGIN_PATH)
    if status != 200:
        raise SignInError(f"the login page answered {status}")
    status, path, html = session.request(LOGIN_PATH, {
        "csrfmiddlewaretoken": _csrf_token(html), "login": email, "password": password})
    if path == MFA_PATH:
        if not totp_secret:
            raise SignInError(f"{email} is asked for a TOTP code and no secret was given")
        status, path, html = session.request(MFA_PATH, {
            "csrfmiddlewaretoken": _csrf_token(html), "code": totp_code(totp_secret)})
    if status != 200 or path in (LOGIN_PATH, MFA_PATH):
        raise SignInError(f"signing in as {email} ended on {path} ({status})")
    check_signed_in(session, role)
    return session


def check_signed_in(session, role):
    """Raise SignInError unless "my area" and the role's own page answer 200 for this session."""
    for path in (MY_AREA_PATH, ROLE_PAGES.get(role)):
        if path and session.answers(path) != 200:
            raise SignInError(f"as {role}, {path} does not answer 200: the session is not signed in")
