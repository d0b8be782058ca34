"""TOTP with allauth's public pieces: an authenticator enrolled with a known secret (the demo and the
bench seeds, the tests) is allauth's `Authenticator` model with the secret encrypted by the MFA adapter,
as allauth's own set-up page stores it; and the code an authenticator app shows for a secret (RFC 6238,
with allauth's MFA_TOTP_PERIOD and MFA_TOTP_DIGITS)."""
import base64
import hashlib
import hmac
import struct
import time


def enrol_totp(user, secret: str):
    """Enrol TOTP for `user` with the base32 `secret`; returns the allauth `Authenticator`."""
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": get_adapter().encrypt(secret)})


def totp_code(secret: str, *, at: float | None = None, step: int = 0) -> str:
    """The code for `secret` at the time `at` (now by default); `step` -1 or +1 gives the previous or
    next one (a phone whose clock drifts)."""
    from allauth.mfa import app_settings

    counter = int(time.time() if at is None else at) // app_settings.TOTP_PERIOD + step
    key = base64.b32decode(secret.encode("ascii"), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10 ** app_settings.TOTP_DIGITS:0{app_settings.TOTP_DIGITS}}"
