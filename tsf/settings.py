"""Settings of the Torino Social Factory portal, read from the environment (twelve-factor).

Every value that differs between a laptop and production comes from an environment variable;
the defaults are the ones of the demo (`make run`): SQLite, eager tasks, e-mails as files.
"""
import datetime
import warnings
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

# pysaml2 (SPID/CIE) names a cipher mode that cryptography moved: a warning at every start, about a
# mode the portal never uses (SPID's messages are signed, not encrypted with CFB).
warnings.filterwarnings("ignore", message="CFB has been moved", module="saml2.*")

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-key-change-me" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address used in e-mails, feeds and social cards. Unset, pages use the address they
# were requested at and background e-mails http://127.0.0.1:8000 (`make run` sets it to the host
# and port it serves); see tsf.core.sharing.site_url.
SITE_URL = env.str("SITE_URL", default="").rstrip("/")

INSTALLED_APPS = [
    # Before the admin: English versions of reference data and of the texts staff write.
    "modeltranslation",
    "tsf.accounts.admin_site.PortalAdminConfig",  # the Django admin behind allauth's login and TOTP
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap_italia_template",
    "django_prose_editor",  # the rich-text editor's script and styles, as static files (blog)
    "rules.apps.AutodiscoverRulesConfig",
    # the portal, in the pipeline's order
    "tsf.core",
    "tsf.accounts",
    "tsf.notifications",
    "tsf.privacy",
    "djangosaml2",
    "tsf.spid",
    "tsf.accessibility",
    "calls",
    "projects",
    "assessment",
    "incubation",
    "grants",
    "acceleration",
    "blog",
    "newsletter",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "djangosaml2.middleware.SamlSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tsf.core.middleware.UploadSizeLimitMiddleware",
    "tsf.accounts.middleware.TwoFactorGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After allauth's: a person without a password confirms who they are with SPID/CIE (tsf.spid).
    "tsf.spid.middleware.SpidReauthenticationMiddleware",
    "tsf.core.middleware.SecurityHeadersMiddleware",
    "tsf.core.middleware.SocialCardMiddleware",
    # Innermost: kept public pages are served before the URL is resolved (tsf.core.pagecache).
    "tsf.core.pagecache.AnonymousPageCacheMiddleware",
]

ROOT_URLCONF = "tsf.urls"
WSGI_APPLICATION = "tsf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tsf.core.context_processors.portal",
            ],
            "builtins": ["tsf.core.templatetags.money"],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (each gunicorn worker keeps its own for a minute, checked before reuse):
# opening a PostgreSQL connection costs more than the queries of most pages.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The default install (`make run`) serves several requests at once (a double click, two people):
    # WAL lets pages read while one request writes; an atomic block takes the write lock when it
    # starts (IMMEDIATE), so a second writer waits its turn, up to 20 s, instead of failing halfway
    # with "database is locked"; transactions run one after the other, as row locks make them on
    # PostgreSQL.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    })
else:
    # Django's choice fields read their options with `.iterator()`, which on PostgreSQL opens a
    # server-side cursor: three round trips (DECLARE, FETCH, CLOSE) for a list of ten districts.
    # No query of the portal reads more rows than fit in memory, so results come in one trip.
    DATABASES["default"].setdefault("DISABLE_SERVER_SIDE_CURSORS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # Django's and allauth's, reading the signed-in person from a snapshot in the cache.
    "tsf.accounts.backends.ModelBackend",
    "tsf.accounts.backends.AuthenticationBackend",
    # The person tsf.spid.views resolved from a SPID/CIE answer, signed in by djangosaml2.
    "tsf.spid.backends.SpidBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# The Django admin (behind the portal's login and two-factor gate): on with DEBUG, off in production
# unless ADMIN_ENABLED=1; off, its URLs do not exist.
ADMIN_ENABLED = env.bool("ADMIN_ENABLED", default=DEBUG)
LOGIN_REDIRECT_URL = "accounts:my_area"

# django-allauth: e-mail as login, mandatory verification, rate limits on, TOTP for everyone.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_FORMS = {"signup": "tsf.accounts.forms.SignupForm"}
ACCOUNT_ADAPTER = "tsf.accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Torino Social Factory] "
# Failed sign-ins: allauth counts them per client address ("login_failed"); the portal per account AND
# address (TSF_LOGIN_FAILED_LIMIT in TSF_LOGIN_FAILED_MINUTES, tsf.accounts.adapters), so that nobody can
# lock a named person out of their account from elsewhere. No "/key" here: allauth's would count per
# account from every address.
TSF_LOGIN_FAILED_LIMIT = 5
TSF_LOGIN_FAILED_MINUTES = 5
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# Behind the TLS proxy the client's address is in X-Forwarded-For: the rate limits (login, sign-up,
# camp registration) count per client only if allauth is told how many proxies to trust.
# Sensitive actions (e-mail address, password, two-factor changes, roles) ask the person to confirm
# who they are if they have not done so in the last five minutes (allauth's re-authentication): the
# password, or for those who use TOTP the password and a code (tsf.accounts.adapters); what they had
# typed is then carried out. allauth tells the person of each such change by e-mail (an e-mail change
# at the previous address), through the outbox.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
ACCOUNT_EMAIL_NOTIFICATIONS = True
MFA_REAUTHENTICATION_REQUIRED = True
MFA_FORMS = {"reauthenticate": "tsf.accounts.forms.ReauthenticateForm"}
# Staff and assessors (TOTP) may change their e-mail address too: allauth refuses to add one to an
# account with two-factor unless this is on. Safe here: the change first asks for the password and the
# code, the new address becomes the login only once confirmed from its mailbox, and the old one is told.
MFA_ALLOW_UNVERIFIED_EMAIL = True
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
MFA_ADAPTER = "tsf.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Torino Social Factory"
# Accept the previous and next code too: phones whose clock drifts a little still work (RFC 6238 5.2).
MFA_TOTP_TOLERANCE = 1
# Roles that must have two-factor authentication before reaching their pages.
TSF_MFA_REQUIRED_ROLES = ("staff", "assessor")

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
# the portal's catalogue first; then its Italian for Django's and allauth's own messages (what their
# catalogues lack, and the formal register), which makemessages never touches
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_libraries"]


def _field_in_language(verbose_name, lang):
    """Label of a field's version in a language: the Italian text keeps the field's name ("description"),
    the English one beside it says so ("description (English)")."""
    from django.utils.translation import pgettext

    if lang == LANGUAGE_CODE:
        return str(verbose_name)
    return f"{verbose_name} ({pgettext('version of a text', 'English') if lang == 'en' else lang})"


# Texts staff write and reference data have an Italian version (required where the field is) and an
# optional English one, shown under /en/; where no English was given, the Italian shows.
MODELTRANSLATION_DEFAULT_LANGUAGE = "it"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("it",)
# A value given without a language (`ImpactTheme(name=...)`) always fills the Italian version.
MODELTRANSLATION_AUTO_POPULATE = "default"
MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = _field_in_language

TIME_ZONE = "Europe/Rome"
# The portal's date style (tsf/formats): "1 novembre 2019", the same shape in English.
FORMAT_MODULE_PATH = ["tsf.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "tsf.core.staticfiles.StaticFilesStorage"
            if not DEBUG and env.bool("MANIFEST_STATIC", default=True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Public media (blog images): served under MEDIA_URL. Private media (proposals' attachments,
# receipts, deliverables) lives in PRIVATE_MEDIA_ROOT, outside every public URL, and is served
# only by tsf.core's download view after a permission check.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
TSF_UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# A whole multipart request (several files at once, e.g. a report's receipts, plus the form) is
# refused before its body is read above this declared length (tsf.core.middleware).
TSF_UPLOAD_REQUEST_MAX_BYTES = env.int("UPLOAD_REQUEST_MAX_BYTES", default=5 * TSF_UPLOAD_MAX_BYTES + 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# E-mail: EMAIL_URL (smtp+tls://user:pass@host:587 ...); by default each message is written as a
# file under var/mail, so the demo can show what was sent. `filemail:///abs/path` and
# `filemail://relative/path` (to the project folder) both work.
_email_url = env.str("EMAIL_URL", default="")
if not _email_url or _email_url.startswith("filemail:"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    _path = _email_url[len("filemail://"):] if _email_url else ""
    EMAIL_FILE_PATH = str(Path(_path) if _path.startswith("/") else BASE_DIR / (_path or "var/mail"))
else:
    vars().update(env.email_url_config(_email_url))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Torino Social Factory <noreply@torinosocialfactory.it>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with REDIS_URL set, tasks go to Redis and a worker runs them; unset, they run eagerly.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A page must never hang because Redis is down: publishing fails fast, the outbox keeps the row.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "max_retries": 0}
CELERY_TASK_ROUTES = {"tsf.notifications.tasks.*": {"queue": "mail"}}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BEAT_SCHEDULE = {
    "outbox-resend-pending": {
        "task": "tsf.notifications.tasks.send_pending_emails",
        "schedule": 60.0,
    },
    "deadline-reminders": {
        "task": "tsf.notifications.tasks.run_deadline_engine",
        "schedule": crontab(minute="*/15"),
    },
    # The SPID registry's identity providers (and CIE's), read again twice a day (tsf.spid.registry).
    "refresh-spid-idps": {
        "task": "tsf.spid.tasks.refresh_identity_providers",
        "schedule": crontab(minute=17),  # hourly; it reads again only what is older than SPID_IDP_REFRESH_HOURS
    },
    # Newsletter issues being sent: the next batches, should a worker have stopped half-way.
    "newsletter-continue-sending": {
        "task": "newsletter.tasks.continue_sending",
        "schedule": 300.0,
    },
    # The blog's image copies and share images that a broker down or a stopped worker left unmade.
    "blog-process-pending-images": {
        "task": "blog.tasks.process_pending_images",
        "schedule": 600.0,
    },
    # The same for the public project pages' images.
    "projects-process-pending-images": {
        "task": "projects.tasks.process_pending_public_images",
        "schedule": 600.0,
    },
    # The retention schedule (tsf.privacy): what has expired is deleted or anonymised, among it the
    # files kept across a form's errors (tsf.core.keptuploads) and unused for a day.
    "retention-schedule": {
        "task": "tsf.privacy.tasks.apply_retention",
        "schedule": crontab(minute=7),
    },
}
# Days each kind of record is kept (tsf.privacy, README "Personal data"), e.g.
# RETENTION_DAYS="drafts=365,helpdesk=730"; a kind left out keeps its default.
TSF_RETENTION_DAYS = env.dict("RETENTION_DAYS", cast={"value": int}, default={})
# The privacy notice and the register of processing activities name them.
TSF_PRIVACY_CONTROLLER = env.str(
    "PRIVACY_CONTROLLER", default="Città di Torino, Piazza Palazzo di Città 1, 10122 Torino")
TSF_PRIVACY_CONTACT = env.str("PRIVACY_CONTACT", default="torinosocialfactory@comune.torino.it")
TSF_DPO_CONTACT = env.str("DPO_CONTACT", default="rpd-privacy@comune.torino.it")
# An outbox row still pending after this many seconds is re-sent by the periodic task.
TSF_OUTBOX_RESEND_AFTER = env.int("OUTBOX_RESEND_AFTER", default=120)
TSF_OUTBOX_MAX_ATTEMPTS = 8
TSF_OUTBOX_RETRY_BACKOFF = env.int("OUTBOX_RETRY_BACKOFF", default=30)

# The publisher of the portal: the municipality and the department that runs the programme. One
# setting, read by the header and footer, the accessibility statement, the 360Giving file (funder
# and publisher) and, through a test, publiccode.yml (its maintenance contact and organisation).
TSF_PUBLISHER = {
    "name": "Città di Torino",
    "department": env("PUBLISHER_DEPARTMENT", default="Divisione Decentramento, Giovani e Servizi"),
    "tax_code": "00514490010",
    "ipa_code": "c_l219",
    "address": "Piazza Palazzo di Città 1, 10122 Torino",
    "website": "https://www.comune.torino.it/",
    "email": env("PUBLISHER_EMAIL", default="torinosocialfactory@comune.torino.it"),
}
# The 360Giving open data: the identifier prefix 360Giving issues to the publisher (every grant id
# starts with it) and the licence of the data (Italian open data: CC BY 4.0 by default).
TSF_GIVING_ID_PREFIX = env("GIVING_ID_PREFIX", default="360G-cittaditorino")
TSF_GIVING_LICENSE = env("GIVING_LICENSE", default="https://creativecommons.org/licenses/by/4.0/")
# The accessibility statement (AgID's model): its copy published on AgID's platform (form.agid.gov.it,
# linked from every page's footer when set), and the state of the last review.
TSF_ACCESSIBILITY = {
    "agid_url": env("ACCESSIBILITY_STATEMENT_URL", default=""),
    # compliant / partially compliant / not compliant (Law 4/2004, AgID's guidelines)
    "status": env("ACCESSIBILITY_STATUS", default="partial"),
    "reviewed_on": datetime.date.fromisoformat(env("ACCESSIBILITY_REVIEWED_ON", default="2026-12-06")),
    "answer_days": 30,
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "tsf"}
        if REDIS_URL and env.bool("CACHE_IN_REDIS", default=True)
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Rendered pages kept in the cache (tsf.core.pagecache): public pages for anonymous visitors, pages
# behind a login per person, and the signed-in person's snapshot (tsf.accounts.backends); 0 turns
# each off.
TSF_PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
TSF_PRIVATE_PAGE_CACHE_SECONDS = env.int("PRIVATE_PAGE_CACHE_SECONDS", default=30)
TSF_USER_SNAPSHOT_SECONDS = env.int("USER_SNAPSHOT_SECONDS", default=300)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_BOOTSTRAP_ITALIA_USE_CDN = False

# Security: production values come with DEBUG off.
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_COOKIE_HTTPONLY = True
# No script of the portal reads the CSRF cookie (forms carry the token): keep it from scripts too.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The SAML session (the outstanding AuthnRequests) comes back with the identity provider's POST from
# another site: SameSite=None, which browsers accept only on a Secure cookie; on plain HTTP (the demo,
# whose test IdP is on the same site) Lax.
SAML_SESSION_COOKIE_SAMESITE = "None" if SESSION_COOKIE_SECURE else "Lax"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# SPID and CIE (tsf.spid): the portal as a SAML2 service provider, djangosaml2 on pysaml2 (xmlsec1).
SPID_ENABLED = env.bool("SPID_ENABLED", default=True)
SPID_BASE_URL = env.str("SPID_BASE_URL", default=SITE_URL).rstrip("/")
SPID_ENTITY_ID = env.str("SPID_ENTITY_ID", default="")  # empty: SPID_BASE_URL + /spid/metadata/
SPID_CERT_DIR = Path(env.str("SPID_CERT_DIR", default=str(BASE_DIR / "var" / "spid")))
SPID_KEY_SIZE = env.int("SPID_KEY_SIZE", default=3072)
SPID_IDP_METADATA_DIR = Path(env.str("SPID_IDP_METADATA_DIR", default=str(SPID_CERT_DIR / "idps")))
# The registries of the real identity providers; in DEBUG (the demo, `make run`) none by default: the
# demo signs in with its own test identity providers and never reaches out to AgID's or the CIE's servers.
SPID_IDP_REGISTRY_URL = env.str(
    "SPID_IDP_REGISTRY_URL",
    default="" if DEBUG else "https://registry.spid.gov.it/metadata/idp/spid-entities-idps.xml")
CIE_IDP_METADATA_URL = env.str(
    "CIE_IDP_METADATA_URL",
    default="" if DEBUG else "https://idserver.servizicie.interno.gov.it/idp/shibboleth?Metadata")
# More identity providers' metadata files to trust (`make spid-test` gives spid-sp-test's own).
SPID_EXTRA_IDP_METADATA = env.list("SPID_EXTRA_IDP_METADATA", default=[])
SPID_IDP_REFRESH_HOURS = env.int("SPID_IDP_REFRESH_HOURS", default=12)
SPID_LEVEL = env.int("SPID_LEVEL", default=2)
SPID_ASK_COMPANY = env.bool("SPID_ASK_COMPANY", default=True)
SPID_ACCEPTED_TIME_DIFF = env.int("SPID_ACCEPTED_TIME_DIFF", default=60)
SPID_IPA_CODE = env.str("SPID_IPA_CODE", default="c_l219")
SPID_MUNICIPALITY = env.str("SPID_MUNICIPALITY", default="L219")
SPID_LOCALITY = env.str("SPID_LOCALITY", default="Torino")
SPID_ORGANIZATION_NAME = env.str("SPID_ORGANIZATION_NAME", default="Città di Torino")
SPID_ORGANIZATION_DISPLAY_NAME = env.str("SPID_ORGANIZATION_DISPLAY_NAME", default="Torino Social Factory")
SPID_ORGANIZATION_URL = env.str("SPID_ORGANIZATION_URL", default="https://www.comune.torino.it/")
SPID_CONTACT_EMAIL = env.str("SPID_CONTACT_EMAIL", default="torinosocialfactory@comune.torino.it")
SPID_CONTACT_PHONE = env.str("SPID_CONTACT_PHONE", default="")
# The demo's own test identity providers under /test-idp/ (never in production).
SPID_TEST_IDP = env.bool("SPID_TEST_IDP", default=DEBUG)
# The policy's default until staff set it: promoters must sign in with SPID/CIE to submit.
SPID_REQUIRED_FOR_PROMOTERS = env.bool("SPID_REQUIRED_FOR_PROMOTERS", default=not DEBUG)
# A session signed in with SPID/CIE at this level or higher counts as two-factor for staff and assessors.
SPID_SECOND_FACTOR_LEVEL = env.int("SPID_SECOND_FACTOR_LEVEL", default=2)
SAML_CONFIG_LOADER = "tsf.spid.conf.config_loader"
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
SAML_CSP_HANDLER = ""
SAML_IGNORE_LOGOUT_ERRORS = True
SAML_SESSION_COOKIE_NAME = "tsf_saml"
LOGOUT_REDIRECT_URL = "home"

TSF_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; font-src 'self' data:; object-src 'none'; "
    "frame-src https://www.youtube-nocookie.com https://player.vimeo.com; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},  # one line per e-mail sent is noise
        "weasyprint": {"level": "ERROR"},  # its progress steps, and warnings on CSS it skips
        "fontTools": {"level": "WARNING"},
        "xmlschema": {"level": "WARNING"},  # "Resource 'XMLSchema.xsd' is already loaded" (SAML's schemas), at every start
    },
}
