"""Settings for the test suite: the real settings, with what only tests need changed."""
import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")

from .settings import *  # noqa: E402,F403
from .settings import BASE_DIR  # noqa: E402

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# `make test` runs the SQLite and PostgreSQL passes side by side: each gives its own folders
# (TEST_MEDIA_ROOT, TEST_PRIVATE_MEDIA_ROOT, TEST_STATIC_ROOT), so that one pass never sees the other's files.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("TEST_PRIVATE_MEDIA_ROOT") or BASE_DIR / "var" / "test-private")
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT") or BASE_DIR / "var" / "test-media")
ADMIN_ENABLED = True  # the admin's guards are tested (tests/tsf/test_admin.py turns it off too)
STATIC_ROOT = Path(os.environ.get("TEST_STATIC_ROOT") or BASE_DIR / "var" / "test-static")
os.makedirs(STATIC_ROOT, exist_ok=True)
# Request and unit tests run tasks eagerly; the tests that prove the real worker use Redis.
CELERY_TASK_ALWAYS_EAGER = True
# Each test process has its own cache (rate limits, used TOTP codes), cleared before each test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each test closes its connections (live-server threads and the test database's teardown).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# The signed-in person is read from the database on every request (tsf.accounts.backends), so
# that query counts do not depend on a snapshot being fresh; the snapshot's own tests turn it on.
TSF_USER_SNAPSHOT_SECONDS = 0
# SQLite: the test database is a file beside the configured one (Django's default is a private
# in-memory database), so that tests running requests in threads (concurrent submissions, the live
# server of the browser tests) share it as the requests of `make run` share db.sqlite3.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and DATABASES["default"]["NAME"] != ":memory:":  # noqa: F405
    _name = Path(DATABASES["default"]["NAME"])  # noqa: F405
    DATABASES["default"].setdefault("TEST", {}).setdefault(  # noqa: F405
        "NAME", str(_name.with_name(f"test_{_name.name}")))
# SPID/CIE: the portal's own test identity providers; a smaller key (made once under var/test-spid).
SPID_TEST_IDP = True
SPID_CERT_DIR = BASE_DIR / "var" / "test-spid"
SPID_IDP_METADATA_DIR = SPID_CERT_DIR / "idps"
SPID_KEY_SIZE = 2048
SPID_REQUIRED_FOR_PROMOTERS = False
SAML_SESSION_COOKIE_SAMESITE = "Lax"
SPID_IDP_REGISTRY_URL = ""  # no registry is read in tests (tests/spid/test_registry.py gives a local file)
CIE_IDP_METADATA_URL = ""
