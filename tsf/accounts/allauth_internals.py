"""The few places where the portal needs something of django-allauth that allauth does not offer as a
public API, kept in this one module. tests/tsf/test_allauth_internals.py fails, naming the call, when an
upgrade of allauth changes one of them.

What the portal uses publicly elsewhere: the session's authentication records are read with
`allauth.account.authentication.get_authentication_records` (the two-factor gate); re-authentication
with `allauth.account.decorators.reauthentication_required` and the adapters'
`get_reauthentication_methods`; notices with `ACCOUNT_EMAIL_NOTIFICATIONS` and the adapter's `send_mail`;
signals from `allauth.account.signals` and `allauth.mfa.signals`.
"""
import math

from allauth.account.internal.flows.login import record_authentication
from allauth.account.internal.flows.reauthentication import resume_request
from allauth.core.internal.ratelimit import parse_rates

# The adapter method allauth asks for the key of the "login_failed" rate limit (per account); the
# portal's adapter extends it with the client's address (tsf.accounts.adapters.AccountAdapter).
LOGIN_ATTEMPTS_KEY_METHOD = "_get_login_attempts_cache_key"


def record_two_factor_used(request, user, authenticator) -> None:
    """Write in the session that this person has just used their authenticator (as allauth's login and
    re-authentication steps do): enrolling TOTP means typing a valid code. allauth has no public call for
    it; it records a step with this function and then sends `authentication_step_completed`."""
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True)


def rate_limit_seconds(rates: str, per: str) -> int | None:
    """The longest period, in seconds, of the limits in an ACCOUNT_RATE_LIMITS value ("10/m/ip,5/5m/key")
    counted per `per` ("key", "ip", "user"); None if there is none."""
    periods = [r.duration for r in parse_rates(rates or "") if r.per == per]
    return max(periods) if periods else None


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def record_reauthenticated_with_identity(request, user, provider: str, level: int) -> None:
    """Write in the session that this person (signed up with SPID/CIE, no password) has just confirmed
    who they are by signing in again with their digital identity, as allauth's re-authentication pages
    record a password or a code (`reauthenticated`): the sensitive action may go on."""
    record_authentication(request, user, "spid", provider=provider, level=level, reauthenticated=True)


def resume_after_reauthentication(request):
    """Carry out what the person asked before confirming who they are (allauth kept the request in the
    session, its POST included), as allauth's own re-authentication pages do; None when nothing waits."""
    return resume_request(request)
