"""Demo people: one per role, with a shared password; staff and assessors have TOTP enrolled with
a secret derived from their address, so it is the same every time the seed runs."""
import base64
import hashlib

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from .models import Role, User
from .services import grant_role
from .totp import enrol_totp

DEMO_PASSWORD = "Torino-Social-2018"

DEMO_PEOPLE = [
    ("staff@example.org", "Chiara Ferrero", [Role.STAFF]),
    ("promoter@example.org", "Marco Bianchi", [Role.PROMOTER]),
    ("promoter2@example.org", "Aisha Diallo", [Role.PROMOTER]),
    ("tutor@example.org", "Luca Martini", [Role.TUTOR]),
    ("assessor@example.org", "Giulia Rosso", [Role.ASSESSOR]),
    ("assessor2@example.org", "Paolo Conti", [Role.ASSESSOR]),
    ("mentor@example.org", "Elena Greco", [Role.MENTOR]),
    ("editor@example.org", "Davide Gallo", [Role.EDITOR]),
]


def demo_totp_secret(email: str) -> str:
    digest = hashlib.sha256(f"tsf-demo-totp:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode("ascii")


def ensure_person(email, full_name, roles, password=DEMO_PASSWORD, mfa=None):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    for role in roles:
        grant_role(user, role)
    if mfa is None:
        mfa = any(r in (Role.STAFF, Role.ASSESSOR) for r in roles)
    secret = None
    if mfa:
        secret = demo_totp_secret(email)
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            enrol_totp(user, secret)
    return user, secret


def seed(ctx):
    for email, name, roles in DEMO_PEOPLE:
        user, secret = ensure_person(email, name, roles)
        ctx.users[email] = user
        ctx.accounts.append((email, ", ".join(str(r.label) for r in roles), secret))
