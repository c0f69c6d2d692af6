"""Coproduce settings. Every deployment value comes from the environment (see README)."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("COPRODUCE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("COPRODUCE_TESTING", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set it to a long random string (see README, Configuration)"
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production-0123456789"

# Old keys still accepted while sessions, links and encrypted answers made with them remain.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")

# Equality monitoring answers are encrypted at rest (django-fernet-encrypted-fields) with keys
# derived from SECRET_KEY (and its fallbacks) and SALT_KEY. Losing either makes saved answers
# unreadable. To rotate the salt, list the new value first: "new,old".
SALT_KEY = env_list("SALT_KEY", "")
if not SALT_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "SALT_KEY is not set: set it to a long random string, kept as safely as SECRET_KEY "
            "(see README, Configuration)"
        )
    SALT_KEY = ["insecure-local-development-salt-do-not-use-in-production"]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "coproduce.core",
    "coproduce.accounts",
    "coproduce.audit",
    "coproduce.projects",
    "coproduce.people",
    "coproduce.equality",
    "coproduce.dataprotection",
    "coproduce.notifications",
    "coproduce.recruitment",
    "coproduce.selection",
    "coproduce.events",
    "coproduce.payments",
    "coproduce.procurement",
    "coproduce.awards",
    "coproduce.surveys",
    "coproduce.theming",
    "coproduce.feedback",
    "coproduce.review",
    "coproduce.individual",
    "coproduce.participation",
    "coproduce.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "coproduce.accounts.middleware.OrganisationMiddleware",
    "coproduce.audit.middleware.AuditActorMiddleware",
    # Last, so that a locked-out sign-in attempt is answered before anything else runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "coproduce.urls"
WSGI_APPLICATION = "coproduce.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coproduce.core.context_processors.layout",
            ],
        },
    }
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'coproduce.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web and worker) share the file: wait for locks rather than fail.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "sesame.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# Sessions and cookies
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
SECURE = not (DEBUG or TESTING)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SECURE)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SECURE)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if SECURE else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}

# Sign-in throttling: a username and address pair is locked out after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# One-time sign-in links for participants (django-sesame).
SESAME_MAX_AGE = 60 * 30
SESAME_ONE_TIME = True
SESAME_TOKEN_NAME = "token"

OTP_TOTP_ISSUER = "Coproduce"

# Email
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Coproduce <no-reply@coproduce.invalid>")
# GOV.UK Notify (used by the notifications capability; empty means not configured).
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
# Where messages to people go (coproduce.notifications.backends): "outbox" keeps them in
# Coproduce (nothing leaves), "email" sends emails through the settings above and leaves texts,
# letters and calls to staff, "notify" sends emails, texts and letters through GOV.UK Notify
# with one generic template each, personalised with ((subject)) and ((body)).
NOTIFICATIONS_BACKEND = os.environ.get(
    "NOTIFICATIONS_BACKEND", "outbox" if DEBUG or TESTING else "email"
)
NOTIFY_EMAIL_TEMPLATE_ID = os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID", "")
NOTIFY_SMS_TEMPLATE_ID = os.environ.get("NOTIFY_SMS_TEMPLATE_ID", "")
# Optional: without it (and for large print and easy read) letters go as our own PDF.
NOTIFY_LETTER_TEMPLATE_ID = os.environ.get("NOTIFY_LETTER_TEMPLATE_ID", "")
NOTIFY_LETTERS = env_bool("NOTIFY_LETTERS", True)
if NOTIFICATIONS_BACKEND not in {"outbox", "email", "notify"}:
    raise ImproperlyConfigured(
        f"NOTIFICATIONS_BACKEND must be outbox, email or notify, not {NOTIFICATIONS_BACKEND!r}"
    )
if NOTIFICATIONS_BACKEND == "notify" and not (
    NOTIFY_API_KEY and NOTIFY_EMAIL_TEMPLATE_ID and NOTIFY_SMS_TEMPLATE_ID
):
    raise ImproperlyConfigured(
        "NOTIFICATIONS_BACKEND=notify needs NOTIFY_API_KEY, NOTIFY_EMAIL_TEMPLATE_ID and "
        "NOTIFY_SMS_TEMPLATE_ID (see README, Configuration)"
    )

# Background work: Django's Tasks API. The database backend needs nothing else;
# TASKS_BACKEND=rq runs jobs on Redis through RQ instead.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be database, rq or immediate, not {TASKS_BACKEND!r}"
    )

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Coproduce API",
    "DESCRIPTION": "Read-only access to commissioning projects, stages and engagement plans.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Coproduce's own settings
COPRODUCE_PHASE = os.environ.get("COPRODUCE_PHASE", "beta")
COPRODUCE_SUPPORT_EMAIL = os.environ.get("COPRODUCE_SUPPORT_EMAIL", "involvement@coproduce.invalid")
COPRODUCE_PAGE_SIZE = 25
# Open Contracting Data Standard: the prefix of every contracting process id (ocid) we publish.
# Register your own with the Open Contracting Partnership before publishing for real.
OCDS_OCID_PREFIX = os.environ.get("OCDS_OCID_PREFIX", "ocds-coproduce-")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

SILENCED_SYSTEM_CHECKS: list[str] = []
