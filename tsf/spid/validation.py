"""The SPID rules a Response must meet beyond what pysaml2 checks (signature, InResponseTo of an
outstanding request of this browser, NotBefore/NotOnOrAfter, audience): AgID's technical rules and
the checks of its conformance tool (spid-sp-test's test responses). A refused Response raises
SpidResponseError; the ACS then shows the error page and signs nobody in."""
import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from saml2.saml import NAMEID_FORMAT_ENTITY, NAMEID_FORMAT_TRANSIENT
from saml2.time_util import str_to_time

from . import conf


class SpidResponseError(Exception):
    def __init__(self, reason, user_message=""):
        super().__init__(reason)
        self.user_message = user_message


def _instant(value):
    if not value:
        return None
    try:
        return datetime.datetime(*str_to_time(value)[:6], tzinfo=datetime.UTC)
    except (ValueError, TypeError):
        return None


def _fail(reason):
    raise SpidResponseError(reason)


def check_response(response, *, entity_id, acs_url, level, idp=None):
    """Raise SpidResponseError unless `response` (pysaml2's AuthnResponse, already verified) meets the
    SPID rules for this request."""
    message = response.response
    now = timezone.now()
    tolerance = datetime.timedelta(seconds=settings.SPID_ACCEPTED_TIME_DIFF)
    if message.version != "2.0":
        _fail("Response version")
    if not message.destination or message.destination != acs_url:
        _fail("Response Destination")
    if not message.in_response_to:
        _fail("Response InResponseTo")
    issued = _instant(message.issue_instant)
    if issued is None or abs(issued - now) > tolerance:
        _fail("Response IssueInstant")
    if message.issuer is None or not (message.issuer.text or "").strip():
        _fail("Response Issuer")
    if message.issuer.format and message.issuer.format != NAMEID_FORMAT_ENTITY:
        _fail("Response Issuer Format")
    if idp and message.issuer.text.strip() != idp:
        _fail("Response Issuer is not the identity provider asked")
    assertion = response.assertion
    if assertion is None:
        _fail("Assertion")
    if assertion.version != "2.0" or not assertion.id:
        _fail("Assertion version or ID")
    issued = _instant(assertion.issue_instant)
    if issued is None or abs(issued - now) > tolerance:
        _fail("Assertion IssueInstant")
    if assertion.issuer is None or assertion.issuer.format != NAMEID_FORMAT_ENTITY:
        _fail("Assertion Issuer Format")
    if (assertion.issuer.text or "").strip() != (message.issuer.text or "").strip():
        _fail("Assertion Issuer")
    subject = assertion.subject
    if subject is None or subject.name_id is None or not (subject.name_id.text or "").strip():
        _fail("Subject NameID")
    if subject.name_id.format != NAMEID_FORMAT_TRANSIENT or not subject.name_id.name_qualifier:
        _fail("Subject NameID Format or NameQualifier")
    confirmations = subject.subject_confirmation or []
    if not confirmations:
        _fail("SubjectConfirmation")
    for confirmation in confirmations:
        if confirmation.method != "urn:oasis:names:tc:SAML:2.0:cm:bearer":
            _fail("SubjectConfirmation Method")
        data = confirmation.subject_confirmation_data
        if data is None or data.recipient != acs_url:
            _fail("SubjectConfirmationData Recipient")
        if data.in_response_to != message.in_response_to:
            _fail("SubjectConfirmationData InResponseTo")
        until = _instant(data.not_on_or_after)
        if until is None or until < now - tolerance:
            _fail("SubjectConfirmationData NotOnOrAfter")
    conditions = assertion.conditions
    if conditions is None:
        _fail("Conditions")
    not_before, not_after = _instant(conditions.not_before), _instant(conditions.not_on_or_after)
    if not_before is None or not_after is None or not_before > now + tolerance or not_after < now - tolerance:
        _fail("Conditions NotBefore/NotOnOrAfter")
    audiences = [a.text.strip() for r in conditions.audience_restriction or [] for a in r.audience or [] if a.text]
    if entity_id not in audiences:
        _fail("Conditions Audience")
    statements = assertion.authn_statement or []
    if not statements:
        _fail("AuthnStatement")
    for statement in statements:
        context = statement.authn_context
        ref = context.authn_context_class_ref.text.strip() if context and context.authn_context_class_ref else ""
        got = next((n for n, url in conf.LEVELS.items() if url == ref), None)
        if got is None:
            _fail("AuthnContextClassRef")
        if got < level:
            raise SpidResponseError("level", _(
                "The identity provider signed you in at SPID level %(got)s: this service needs level %(level)s. "
                "Nobody has been signed in.") % {"got": got, "level": level})
    if not assertion.attribute_statement or not any(s.attribute for s in assertion.attribute_statement):
        _fail("AttributeStatement")
    names = {a.name for s in assertion.attribute_statement for a in s.attribute}
    if "fiscalNumber" not in names:
        _fail("fiscalNumber missing")


def remember_assertion(assertion_info):
    """An assertion is accepted once: its ID is kept until it expires; a second use is refused."""
    assertion_id = (assertion_info or {}).get("assertion_id")
    if not assertion_id:
        raise SpidResponseError("Assertion ID")
    until = _instant((assertion_info or {}).get("not_on_or_after"))
    seconds = max(60, int((until - timezone.now()).total_seconds()) + 60) if until else 600
    if not cache.add(f"tsf:spid:assertion:{assertion_id}", 1, timeout=seconds):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("This answer from the identity provider was already used. Nobody has been "
                                 "signed in: start again."))


def level_of(session_info) -> int | None:
    ref = (session_info or {}).get("authn_info") or []
    for item in ref:
        for n, url in conf.LEVELS.items():
            if item and item[0] == url:
                return n
    return None
