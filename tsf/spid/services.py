"""SPID/CIE identities and the portal's accounts.

A person is matched by codice fiscale, kept once on the account (`User.fiscal_code`, with
`fiscal_code_verified` once an identity provider vouched for it). The first sign-in of an unknown
codice fiscale creates the account with the attributes received (after the person confirms them);
if an account with the same e-mail address exists, the person links it by confirming its password.
"""
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.it import codicefiscale

from tsf.core.audit import record as audit

PENDING_KEY = "tsf_spid_pending"


class IdentityError(Exception):
    pass


@dataclass(frozen=True)
class Identity:
    fiscal_code: str
    first_name: str
    family_name: str
    email: str
    provider: str
    idp: str
    level: int
    company_fiscal_number: str = ""

    @property
    def full_name(self):
        return f"{self.first_name} {self.family_name}".strip()

    def as_dict(self):
        return asdict(self)

    def session_record(self):
        return {"provider": self.provider, "idp": self.idp, "level": self.level, "fiscal_code": self.fiscal_code,
                "at": timezone.now().isoformat()}


def _first(ava, name):
    values = ava.get(name) or []
    return str(values[0]).strip() if values else ""


def compact_fiscal_code(value: str) -> str:
    """TINIT-RSSMRA80A01L219M -> RSSMRA80A01L219M (the SPID form carries the country)."""
    value = (value or "").strip().upper()
    if value.startswith("TINIT-"):
        value = value[6:]
    return codicefiscale.compact(value)


def identity_from_attributes(ava: dict, *, provider: str, idp: str, level: int) -> Identity:
    fiscal = compact_fiscal_code(_first(ava, "fiscalNumber"))
    if not codicefiscale.is_valid(fiscal):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("The identity provider did not send a valid codice fiscale. Nobody has been "
                                 "signed in."))
    company = _first(ava, "companyFiscalNumber").upper().replace(" ", "")
    for prefix in ("VATIT-", "TINIT-"):
        company = company.removeprefix(prefix)
    if len(company) > 16 or not company.isalnum():
        company = ""
    return Identity(fiscal_code=fiscal, first_name=_first(ava, "name").title(),
                    family_name=_first(ava, "familyName").title(), email=_first(ava, "email").lower(),
                    provider=provider, idp=idp, level=int(level), company_fiscal_number=company)


def identity_from_session(data) -> Identity | None:
    try:
        return Identity(**data)
    except TypeError:
        return None


@dataclass(frozen=True)
class Resolution:
    action: str  # "login", "link" (an account with this e-mail exists) or "create"
    user: object = None


def resolve(identity: Identity) -> Resolution:
    User = get_user_model()
    user = User.objects.filter(fiscal_code=identity.fiscal_code).first()
    if user is not None:
        if not user.is_active:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("This account has been closed. Nobody has been signed in."))
        _mark_verified(user, identity)
        return Resolution("login", user)
    if identity.email:
        existing = User.objects.filter(email__iexact=identity.email).first()
        if existing is not None:
            return Resolution("link", existing)
    return Resolution("create")


def _mark_verified(user, identity):
    changed = []
    if not user.fiscal_code_verified:
        user.fiscal_code_verified = True
        changed.append("fiscal_code_verified")
    if identity.company_fiscal_number and user.company_fiscal_code != identity.company_fiscal_number:
        user.company_fiscal_code = identity.company_fiscal_number
        changed.append("company_fiscal_code")
    if changed:
        user.save(update_fields=changed)


@transaction.atomic
def create_account(identity: Identity, *, email: str, language: str = "it"):
    """The first sign-in of a new person: the account, with the codice fiscale verified and the e-mail
    address given by the identity provider (verified) or typed by the person (to confirm)."""
    from allauth.account.models import EmailAddress

    User = get_user_model()
    email = email.strip().lower()
    if User.objects.filter(fiscal_code=identity.fiscal_code).exists():
        raise IdentityError(_("An account with this codice fiscale already exists: sign in again."))
    if User.objects.filter(email__iexact=email).exists():
        raise IdentityError(_("An account with this e-mail address already exists: link it with its password."))
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=None, full_name=identity.full_name,
                                            fiscal_code=identity.fiscal_code, fiscal_code_verified=True,
                                            company_fiscal_code=identity.company_fiscal_number,
                                            language=language)
    except IntegrityError as exc:
        raise IdentityError(_("An account with this codice fiscale or e-mail address already exists.")) from exc
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=(email == identity.email))
    from tsf.accounts.models import RoleGrant

    RoleGrant.objects.get_or_create(user=user, role="promoter")
    audit(user, "account.spid_signup", user, note=f"{identity.provider}:{identity.idp}")
    return user


@transaction.atomic
def link_account(user, identity: Identity):
    """An existing account (its password confirmed by the caller) takes the verified codice fiscale."""
    User = get_user_model()
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.fiscal_code and locked.fiscal_code != identity.fiscal_code:
        raise IdentityError(_("This account is already linked to another codice fiscale."))
    if User.objects.filter(fiscal_code=identity.fiscal_code).exclude(pk=user.pk).exists():
        raise IdentityError(_("Another account already has this codice fiscale."))
    locked.fiscal_code = identity.fiscal_code
    locked.fiscal_code_verified = True
    if not locked.full_name:
        locked.full_name = identity.full_name
    if identity.company_fiscal_number:
        locked.company_fiscal_code = identity.company_fiscal_number
    locked.save(update_fields=["fiscal_code", "fiscal_code_verified", "full_name", "company_fiscal_code"])
    audit(locked, "account.spid_link", locked, note=f"{identity.provider}:{identity.idp}")
    return locked


def is_spid_session(request) -> bool:
    return bool(request.session.get("tsf_spid"))


def spid_level(request) -> int:
    record = request.session.get("tsf_spid") or {}
    return int(record.get("level") or 0)




def set_policy(*, by, promoters_need_spid):
    """Staff set whether promoters need an identity verified with SPID/CIE to submit (None: the
    installation's default, SPID_REQUIRED_FOR_PROMOTERS)."""
    from tsf.accounts.permissions import require_role

    from .models import SignInPolicy

    require_role(by, "staff")
    with transaction.atomic():
        policy, _created = SignInPolicy.objects.select_for_update().get_or_create(pk=1)
        before = policy.promoters_need_spid
        policy.promoters_need_spid = promoters_need_spid
        policy.changed_by = by
        policy.save()
        audit(by, "spid.policy", policy, changes={"promoters_need_spid": [before, promoters_need_spid]})
    return policy
