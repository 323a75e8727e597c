"""One settings module for every environment, configured by environment variables (see README)."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from plenum import env

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env.get_bool("DEBUG", False)

SECRET_KEY = env.get("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "targets.apps.PlanAdminConfig",
    # Before targets, whose admin module unregisters their device pages.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Before django.contrib.auth, so that its changepassword and createsuperuser commands
    # (held to the admin duties' rule) replace Django's.
    "targets",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: every request gets its id and its line in the log, whatever answers it.
    "targets.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files get the Permissions-Policy too.
    "targets.middleware.ResponseHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view; after the user is known, so that its 400 and 404 are the usual pages.
    "targets.middleware.RejectUndecodableInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "targets.middleware.HtmxLoginRedirectMiddleware",
    "targets.middleware.SessionLifetimeMiddleware",
    # Before the password change: a session that passed only the password step does nothing else.
    "targets.middleware.TwoFactorRequiredMiddleware",
    "targets.middleware.PasswordChangeRequiredMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "plenum.urls"
WSGI_APPLICATION = "plenum.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "targets.context_processors.roles",
                "targets.context_processors.demo_notice",
                "targets.context_processors.notifications",
            ],
        },
    },
]

FORM_RENDERER = "plenum.form_renderer.Renderer"

DATABASES = {
    "default": env.parse_database_url(env.get("DATABASE_URL", "sqlite:///db.sqlite3"), BASE_DIR)
}
# A streaming replica of the primary (PostgreSQL only), for the reads that may lag: the
# dashboards, the briefing and the exports (plenum/replica.py). Used while it answers and is at
# most DATABASE_REPLICA_MAX_LAG_SECONDS behind, as each process checks at most once every
# DATABASE_REPLICA_CHECK_SECONDS; else those reads go to the primary too.
DATABASE_REPLICA_URL = env.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    replica = env.parse_database_url(DATABASE_REPLICA_URL, BASE_DIR)
    if replica["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must name a PostgreSQL streaming replica.")
    # A replica that is away must not hold a page for long; the tests' copy is the primary's.
    replica["OPTIONS"] = {"connect_timeout": 2} | replica["OPTIONS"]  # type: ignore[operator]
    DATABASES["replica"] = replica | {"TEST": {"MIRROR": "default"}}
    del replica
DATABASE_ROUTERS = ["plenum.replica.ReplicaRouter"]
DATABASE_REPLICA_MAX_LAG_SECONDS = env.get_int("DATABASE_REPLICA_MAX_LAG_SECONDS", 30)
DATABASE_REPLICA_CHECK_SECONDS = env.get_int("DATABASE_REPLICA_CHECK_SECONDS", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Passwords (MLPS 2.0): at least 10 characters of three of the four classes, not the user name, not
# a common password, not one of the account's last 5; changed every PASSWORD_MAX_AGE_DAYS and after
# an admin set or reset it.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "targets.accounts.passwords.CharacterClassValidator", "OPTIONS": {"classes": 3}},
    {"NAME": "targets.accounts.passwords.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "targets.accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
# The security admin changes these in the app (targets.accounts.security_policy); the environment gives
# a new installation's values.
PASSWORD_MAX_AGE_DAYS = env.get_int("PASSWORD_MAX_AGE_DAYS", 90, minimum=30)

# Lockout (django-axes): 5 failures on one account within 15 minutes lock that account, from
# every address, for 15 minutes; each failure expires on its own after the window. Failures are
# counted per account and per (account, address): with one limit the pair never trips first, but
# every filter names the user, so the reset on a successful sign-in (axes' database handler
# deletes the attempts matching each lockout parameter) clears only that account's failures and
# never another account's from the same address. ("ip_address" alone here would let anyone with
# one account wipe the failures from their address for every account, and would lock an office
# behind one address.) Attempts refused during a lock are not counted, so a lock lasts exactly
# its time. An address is paused, never locked: LOGIN_ADDRESS_FAILURE_LIMIT failures of any
# accounts from it within the window answer its sign-ins 429 for LOGIN_ADDRESS_PAUSE_MINUTES
# after each failure (targets.accounts.lockout).
AXES_DEFAULT_FAILURE_LIMIT = env.get_int("LOGIN_FAILURE_LIMIT", 5, minimum=3)
AXES_DEFAULT_LOCKOUT_MINUTES = env.get_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=5)
AXES_FAILURE_LIMIT = "targets.accounts.security_policy.failure_limit"
AXES_COOLOFF_TIME = "targets.accounts.security_policy.lockout_time"
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "targets.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "targets.views.errors.locked_out"
AXES_CLIENT_IP_CALLABLE = "targets.audit.trail.client_address"
LOGIN_ADDRESS_FAILURE_LIMIT = env.get_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30, minimum=10)
LOGIN_ADDRESS_PAUSE_MINUTES = env.get_int("LOGIN_ADDRESS_PAUSE_MINUTES", 2, minimum=1)
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none; 1 behind the
# shipped nginx, as the systemd unit sets: left at 0 there, every client shares nginx's address).
TRUSTED_PROXY_COUNT = env.get_int("TRUSTED_PROXY_COUNT", 0)
AXES_VERBOSE = False

# Two factors (django-otp): the three admin duties, and every account when the security admin's
# policy says so, give a TOTP code (or a recovery code) after the password; see
# targets/accounts/two_factor.py. The name authenticator apps show beside the account:
OTP_TOTP_ISSUER = "城乡融合发展进展跟踪"

# Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after sign-in.
# (A request restarts the idle clock when it was last restarted a minute or more before: the
# session is then saved; see targets/middleware.py.)
SESSION_IDLE_MINUTES = env.get_int("SESSION_IDLE_MINUTES", 30, minimum=5)
SESSION_MAX_HOURS = env.get_int("SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60

# Pace (see the explanation page /province/pace/): an indicator is on track when its observed
# growth reaches PACE_ON_TRACK of the growth needed, and shows limited progress below PACE_LIMITED;
# a measure's thresholds are the warning-light rules that admins set in the app.
PACE_ON_TRACK = env.get_float("PACE_ON_TRACK", 0.95)
PACE_LIMITED = env.get_float("PACE_LIMITED", 0.60)

# Audit records are kept at least 180 days (Cybersecurity Law art. 21) and removed only after
# they were exported for archiving (see the archive_audit command).
AUDIT_RETENTION_DAYS = env.get_int("AUDIT_RETENTION_DAYS", 180, minimum=180)
# The key of the audit chain's HMAC (records, archive anchors, checkpoints), kept outside the
# database so that someone who can write the tables cannot re-hash what they changed. Best given
# as a file readable by the app alone (AUDIT_KEY_FILE). Changing it breaks the chain's check.
AUDIT_KEY = env.get("AUDIT_KEY", "")
if not AUDIT_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "AUDIT_KEY (or AUDIT_KEY_FILE) must be set when DEBUG is off: the audit chain's HMAC "
            "key, kept outside the database (e.g. 64 random hex digits)."
        )
    AUDIT_KEY = "insecure-development-audit-key-never-use-in-production"
elif len(AUDIT_KEY) < 32 and not DEBUG:
    raise ImproperlyConfigured("AUDIT_KEY is too short: give at least 32 characters.")
# Where `verify_audit --checkpoint` appends the chain head (a MAC'd line per run), outside the
# database: deleting the newest records, or emptying the table, is then found.
AUDIT_CHECKPOINT_DIR = Path(env.get("AUDIT_CHECKPOINT_DIR", str(BASE_DIR / "audit-checkpoints")))

# Reminders go out by email as well as in the app: printed to the console in development, else by
# SMTP to EMAIL_HOST (default: a mail relay on this machine). A failed email is logged; the in-app
# notification stands. PUBLIC_URL is the address users open the app at, for the links in emails.
PUBLIC_URL = env.get("PUBLIC_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL", "tracker@localhost")
EMAIL_HOST = env.get("EMAIL_HOST", "")
if DEBUG and not EMAIL_HOST:
    MAILERS: dict[str, dict[str, object]] = {
        "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST or "localhost",
                "port": env.get_int("EMAIL_PORT", 25),
                "username": env.get("EMAIL_HOST_USER", ""),
                "password": env.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env.get_bool("EMAIL_USE_TLS", False),
                "timeout": 10,
            },
        }
    }
del EMAIL_HOST  # a deprecated setting name in Django 6.1; MAILERS carries it

# Background work (Django's task framework): the queue is a table of the database
# (django-tasks-db), run by `manage.py run_worker` (deploy/systemd/tracker-worker.service). Each
# worker writes a heartbeat every WORKER_HEARTBEAT_SECONDS; the jobs of a worker not seen for
# WORKER_STALE_SECONDS (killed, its machine gone) go back to the queue for another. With
# WORKER_EXPECTED, /healthz answers 503 while no worker has been seen for that long. A job that
# fails is tried again after JOB_RETRY_SECONDS (doubling), JOB_ATTEMPTS times in all. An export
# the worker made can be downloaded for EXPORT_KEEP_HOURS.
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
WORKER_EXPECTED = env.get_bool("WORKER_EXPECTED", False)
WORKER_HEARTBEAT_SECONDS = env.get_int("WORKER_HEARTBEAT_SECONDS", 10, minimum=1)
WORKER_STALE_SECONDS = env.get_int("WORKER_STALE_SECONDS", 60, minimum=2)
JOB_ATTEMPTS = env.get_int("JOB_ATTEMPTS", 5, minimum=1)
JOB_RETRY_SECONDS = env.get_int("JOB_RETRY_SECONDS", 60, minimum=0)
EXPORT_KEEP_HOURS = env.get_int("EXPORT_KEEP_HOURS", 72, minimum=1)

LOGIN_URL = "login"
PASSWORD_CHANGE_URL = "password_change"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Language: Chinese by default, English second; the choice is kept in a cookie.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Dates and numbers in the active language's way (plenum/formats). Numbers are grouped in thousands
# only where a template asks for it (|grouped, |plain, floatformat's "g"): years, codes, ids and
# page numbers are numbers too, and 2027 must never read "2,027".
FORMAT_MODULE_PATH = ["plenum.formats"]
USE_THOUSAND_SEPARATOR = False

# Caches: "default" in each process (short-lived lookups such as the supervision rules);
# "shared" for what every app process and server must see alike (the shared page cache of the
# dashboards and the late view, targets/caching/shared_pages.py): a table of the database, or
# Redis where REDIS_URL names one (redis://host:6379/0; rediss:// for TLS). A Redis that does not
# answer is logged and bypassed, and the pages are counted afresh (targets/caching/backends.py).
REDIS_URL = env.get_redis_url("REDIS_URL")
CACHES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tracker_cache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
    if REDIS_URL is None
    else {
        "BACKEND": "targets.caching.backends.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        # Another installation may share the Redis: its keys have another prefix.
        "KEY_PREFIX": env.get("REDIS_KEY_PREFIX", "tracker"),
        # A Redis that hangs must not hold a page for long (seconds).
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
}
# How long a dashboard's figures may lag what counties send (0: counted afresh every time).
DASHBOARD_CACHE_SECONDS = env.get_int("DASHBOARD_CACHE_SECONDS", 60, minimum=0)

# Time: UTC in the database, Asia/Shanghai at the edge.
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env.get("MEDIA_ROOT", str(BASE_DIR / "media")))
# Evidence files: each at most this size; a request may carry a few of them.
EVIDENCE_MAX_MB = env.get_int("EVIDENCE_MAX_MB", 20, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# No inline script or style anywhere: scripts are files, data goes through json_script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Production serves HTTPS only (behind a proxy that sets X-Forwarded-Proto); HTTPS=false for a
# plain-HTTP development or test server.
HTTPS = env.get_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = HTTPS
# Only the server reads the language cookie; it is sent along with same-site requests only.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = HTTPS
if env.get_bool("TRUST_X_FORWARDED_PROTO", HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_FAILURE_VIEW = "targets.views.errors.csrf_failure"

# The log goes to standard error (the journal under systemd): lines of text for a developer, or
# with LOG_FORMAT=json one JSON object a line for the intranet's log collector, each with the id of
# the request it was written in, and a line per request (id, user, path, status, time in ms; see
# plenum/logs.py and targets.middleware.RequestLogMiddleware). With text, the development server's
# and gunicorn's access logs show the requests, and the app's request lines are left out.
LOG_FORMAT = env.get_choice("LOG_FORMAT", "text", ("text", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "plenum.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "plenum.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"]}
        | ({"formatter": "json"} if LOG_FORMAT == "json" else {})
    },
    "root": {"handlers": ["console"], "level": env.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Sign-ins are in the audit trail; axes' own notes of each attempt would only repeat them.
        "axes": {"level": "WARNING"},
        "targets.requests": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
    },
}
