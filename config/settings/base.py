"""Settings shared by every environment, read from the process environment.

Policy numbers (publicity days, thresholds, crediting bounds) live here as settings whose defaults
are the CCER 2023 figures; each can be overridden by an environment variable of the same name.
"""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A `.env` file beside manage.py is read only when asked (cookiecutter-django's rule): a stray
# file never configures a server silently.
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "core.admin_config.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "methodologies",
    "certificates",
    "compute",
    "registry.calendar",
    "registry.projects",
    "registry.ledger",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of the pages: the language cookie the switch sets, else the browser's.
    "django.middleware.locale.LocaleMiddleware",
    # ...except the API's, which answers in English: what integrators parse.
    "core.middleware.EnglishAPIMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]


def database_from_environment() -> dict:
    """DATABASE_URL's PostgreSQL server; with DATABASE_URL unset, the embedded server whose data
    lives in EMBEDDED_POSTGRES_DIR (default `var/postgres`), started on first use."""
    if env("DATABASE_URL", default=""):
        database = env.db("DATABASE_URL")
    else:
        from config.embedded_postgres import database_settings

        data_dir = env.path("EMBEDDED_POSTGRES_DIR", default=BASE_DIR / "var" / "postgres")
        database = database_settings(
            Path(data_dir), env("EMBEDDED_POSTGRES_DATABASE", default="registry")
        )
    database["ATOMIC_REQUESTS"] = False
    return with_prepared_statements(database)


# psycopg's own default: a statement is prepared on its fifth run, or at once where asked.
PSYCOPG_PREPARE_THRESHOLD = 5


def with_prepared_statements(database: dict) -> dict:
    """The statements of the ledger's hot path (`core.rows`, the token lookup) are prepared
    statements of each connection, parsed and planned once: psycopg's `prepare_threshold`, which
    Django leaves off. Django's own queries are never prepared either way. Turn it off with
    DATABASE_PREPARED_STATEMENTS=false behind a connection pooler that does not keep prepared
    statements (PgBouncer before 1.21 in transaction mode)."""
    prepared = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
    database.setdefault("OPTIONS", {})["prepare_threshold"] = (
        PSYCOPG_PREPARE_THRESHOLD if prepared else None
    )
    return database


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "Simplified Chinese")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/dashboard/"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"


def document_storage() -> dict:
    """Where uploaded documents live (`core.files`): S3-compatible object storage through
    django-storages when DOCUMENT_S3_BUCKET is set, else MEDIA_ROOT (git-ignored `var/media`)."""
    bucket = env("DOCUMENT_S3_BUCKET", default="")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env("DOCUMENT_S3_ENDPOINT_URL", default=None),
            "region_name": env("DOCUMENT_S3_REGION", default=None),
            "access_key": env("DOCUMENT_S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("DOCUMENT_S3_SECRET_ACCESS_KEY", default=None),
            "location": env("DOCUMENT_S3_PREFIX", default=""),
            # Objects are private: every download goes through the registry, which checks who
            # may read the document and its hash.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": document_storage(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Documents (registry.projects): the largest file accepted, in bytes (413 above it). Uploads
# above FILE_UPLOAD_MAX_MEMORY_SIZE are spooled to a temporary file, never held in memory.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=50 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2621440)

# Bodies larger than this are refused with a 400 before any parser reads them; a view that takes
# files names its own limit (`core.middleware.RequestBodyLimitMiddleware`).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
# Levels of objects and lists a JSON body may nest (core.parsers): deeper is a 400, never the
# parser's RecursionError. The API's own bodies nest four at most.
JSON_MAX_DEPTH = env.int("JSON_MAX_DEPTH", default=32)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.DepthLimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=50),
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # How many reverse proxies stand before the server: the throttles take the client's address
    # from X-Forwarded-For only as far as these proxies wrote it (0: the connection's address),
    # so a client cannot name itself a fresh address per request.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}

# API tokens (django-rest-knox): stored as SHA-512 digests, never in plain text; each expires
# this many hours after sign-in, and `POST /api/v1/auth/logout/` revokes it at once.
API_TOKEN_TTL_HOURS = env.float("API_TOKEN_TTL_HOURS", default=10.0)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# Throttles, as DRF rates ("<requests>/<s|min|hour|day>"), counted in the default cache (shared
# by every server in production). Sign-in is limited per username, whatever the address, and
# per address, whatever the username; anonymous comments per address.
TOKEN_THROTTLE_PER_USERNAME = env("TOKEN_THROTTLE_PER_USERNAME", default="10/min")
TOKEN_THROTTLE_PER_ADDRESS = env("TOKEN_THROTTLE_PER_ADDRESS", default="30/min")
ANONYMOUS_COMMENT_THROTTLE = env("ANONYMOUS_COMMENT_THROTTLE", default="10/hour")

# Content-Security-Policy of every HTML page. Scripts come from this site only (the API docs
# load theirs as files, never inline); styles may be inline, as the pages' own <style> is.
CONTENT_SECURITY_POLICY = env(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
)

SPECTACULAR_SETTINGS = {
    "TITLE": "Carbon registry API",
    "DESCRIPTION": (
        "Methodologies, projects, verified reduction claims, credits and compute accounting, "
        "following the CCER workflow."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "core.roles.OrganizationKind",
        "MethodologyKindEnum": "methodologies.models.Methodology.Kind",
        "ParameterKindEnum": "methodologies.models.Parameter.Kind",
        "OpinionEnum": "registry.projects.models.Opinion",
        "ReconciliationProblemEnum": "core.partitions.PROBLEM_KINDS",
        "LedgerReconciliationProblemEnum": "registry.ledger.reconciliation.PROBLEM_KINDS",
        "CreditBlockStatusEnum": "registry.ledger.models.CreditBlock.Status",
        "MovementKindEnum": "registry.ledger.models.Movement.Kind",
        "AccountKindEnum": "registry.ledger.models.HoldingAccount.Kind",
        "ProjectStatusEnum": "registry.projects.models.ProjectStatus",
        "CertificateStateEnum": "certificates.models.CertificateBlock.State",
        "DocumentKindEnum": "registry.projects.models.DocumentKind",
    },
}

# Registry policy: CCER 2023 defaults (Measures for the Administration of Voluntary GHG Emission
# Reduction Trading, and the registration and issuance rules), each overridable from the
# environment, e.g. PROJECT_PUBLICITY_WORKING_DAYS=0 lets a test installation validate at once.
PROJECT_PUBLICITY_WORKING_DAYS = env.int("PROJECT_PUBLICITY_WORKING_DAYS", default=20)
CLAIM_PUBLICITY_WORKING_DAYS = env.int("CLAIM_PUBLICITY_WORKING_DAYS", default=20)
REGISTRATION_REVIEW_WORKING_DAYS = env.int("REGISTRATION_REVIEW_WORKING_DAYS", default=15)
ISSUANCE_REVIEW_WORKING_DAYS = env.int("ISSUANCE_REVIEW_WORKING_DAYS", default=15)
CONSTRUCTION_STARTED_AFTER = date.fromisoformat(
    env("CONSTRUCTION_STARTED_AFTER", default="2012-11-08")
)
REDUCTIONS_GENERATED_AFTER = date.fromisoformat(
    env("REDUCTIONS_GENERATED_AFTER", default="2020-09-22")
)
CLAIM_LOOKBACK_YEARS = env.int("CLAIM_LOOKBACK_YEARS", default=5)
CREDITING_PERIOD_MIN_YEARS = env.int("CREDITING_PERIOD_MIN_YEARS", default=7)
CREDITING_PERIOD_MAX_YEARS = env.int("CREDITING_PERIOD_MAX_YEARS", default=10)
# A claim whose amount (verified, or claimed until verified) is more than this many times the
# project's estimated annual reductions over the years of its period is flagged on the report,
# and its credits are issued only on an operator's override with a reason (audited).
CLAIM_ABOVE_ESTIMATE_FACTOR = Decimal(env("CLAIM_ABOVE_ESTIMATE_FACTOR", default="3"))
# The most credits one claim may ever earn, override or not: 10^11 tCO2e is about twice the
# world's annual greenhouse-gas emissions (57 GtCO2e in 2023, UNEP Emissions Gap Report 2024),
# and it keeps the 2^63 serial numbers of the ledger from ever running out (over 9*10^7 such
# issuances); a claim above it is refused when it is filed.
CLAIM_MAX_REDUCTIONS = env.int("CLAIM_MAX_REDUCTIONS", default=100_000_000_000)

# Green electricity certificates (NEA 2024 rules for GEC issuance and trading): valid for this
# many months counted from the month of generation, that month included; electricity generated
# before GEC_LEGACY_BEFORE is valid until GEC_LEGACY_VALID_UNTIL.
GEC_VALIDITY_MONTHS = env.int("GEC_VALIDITY_MONTHS", default=24)
GEC_LEGACY_BEFORE = date.fromisoformat(env("GEC_LEGACY_BEFORE", default="2024-01-01"))
GEC_LEGACY_VALID_UNTIL = date.fromisoformat(env("GEC_LEGACY_VALID_UNTIL", default="2025-12-31"))
# The GEC-CCER link (NEA/MEE notice 国能综通新能〔2024〕124号, from 2024-10-01 for two years):
# electricity generated in a month whose first day lies from GEC_CCER_LINK_FROM through
# GEC_CCER_LINK_UNTIL earns either green certificates or CCER credits, never both
# (`certificates.services.ccer_link`).
GEC_CCER_LINK_FROM = date.fromisoformat(env("GEC_CCER_LINK_FROM", default="2024-10-01"))
GEC_CCER_LINK_UNTIL = date.fromisoformat(env("GEC_CCER_LINK_UNTIL", default="2026-09-30"))
# An import of more rows than this runs as a job (`core.jobs`): the request answers 202 with the
# job at once, and a task imports the rows while the caller polls /api/v1/jobs/{id}/.
GEC_IMPORT_TASK_ROWS = env.int("GEC_IMPORT_TASK_ROWS", default=1000)

# Compute accounting (GHG Protocol Scope 2, dual reporting): which emission-factor series plays
# which role. Location-based: the grid region's average, the national average where the region
# has none; market-based: the residual mix, the national average without market-traded
# non-fossil power. The tier is the best grade of COMPUTE_TIER_SCHEME the PUE meets, shown with
# the thresholds of COMPUTE_TARGET_SCHEMES beside it (all in the reference data).
COMPUTE_LOCATION_SERIES = env("COMPUTE_LOCATION_SERIES", default="cn-regional-average")
COMPUTE_NATIONAL_SERIES = env("COMPUTE_NATIONAL_SERIES", default="cn-national-average")
COMPUTE_RESIDUAL_SERIES = env(
    "COMPUTE_RESIDUAL_SERIES", default="cn-national-excl-market-nonfossil"
)
COMPUTE_NATIONAL_REGION = env("COMPUTE_NATIONAL_REGION", default="CN")
COMPUTE_TIER_SCHEME = env("COMPUTE_TIER_SCHEME", default="gb-40879-2021")
COMPUTE_TARGET_SCHEMES = env.list("COMPUTE_TARGET_SCHEMES", default=["policy-target", "reference"])
# Data-centre aggregates published to the public (`compute.stats`) withhold a group of fewer data
# centres than this, lest its figures be one company's; operators and regulators see every group.
COMPUTE_PUBLIC_MIN_GROUP = env.int("COMPUTE_PUBLIC_MIN_GROUP", default=3)
# An upload of more readings than this runs as a job (`core.jobs`), as GEC_IMPORT_TASK_ROWS.
COMPUTE_UPLOAD_TASK_ROWS = env.int("COMPUTE_UPLOAD_TASK_ROWS", default=200)

# The public front page's totals are an aggregate over every credit block: kept this many seconds
# in the cache, so a busy front page does not rerun it per visit (0: computed on every visit).
PUBLIC_TOTALS_CACHE_SECONDS = env.int("PUBLIC_TOTALS_CACHE_SECONDS", default=60)
# Retirements kept per month and purpose (`registry.ledger.totals`) are counted in this many rows
# per month and purpose, a project's retirements in row project id modulo this number: with one
# row, every retirement of the month would wait on the one before it to commit (a global lock in
# effect, which the ledger's design forbids); with N, retirements of two projects wait on each
# other only when their ids fall in one stripe, while the dashboard sums at most months x
# purposes x N rows. Changing it is safe: readers and the reconciliation sum over the stripes.
RETIREMENT_TOTAL_STRIPES = env.int("RETIREMENT_TOTAL_STRIPES", default=16)
if RETIREMENT_TOTAL_STRIPES < 1:
    raise ImproperlyConfigured("RETIREMENT_TOTAL_STRIPES must be at least 1.")

# Tasks: with no broker configured they run in-process, so the quickstart needs no services
# (production refuses to start without one).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="registry")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=3.0)
CELERY_TIMEZONE = TIME_ZONE
# The transparency log (`core.transparency`): its Ed25519 signing key, base64 of the 32 raw bytes
# or PEM, or a file holding it; never in the database. The quickstart makes the file if missing.
TRANSPARENCY_SIGNING_KEY = env("TRANSPARENCY_SIGNING_KEY", default="")
TRANSPARENCY_SIGNING_KEY_FILE = env("TRANSPARENCY_SIGNING_KEY_FILE", default="")
TRANSPARENCY_CREATE_KEY = False
# An entry is sealed at most this many seconds after its commit (beat runs the sealer so often).
TRANSPARENCY_SEAL_SECONDS = env.float("TRANSPARENCY_SEAL_SECONDS", default=5.0)
# Without a broker no beat runs: the process that commits entries seals them after its commit.
TRANSPARENCY_SEAL_ON_COMMIT = CELERY_TASK_ALWAYS_EAGER
# Every periodic task of the registry is declared here, and only here.
CELERY_BEAT_SCHEDULE = {
    "close-publicity-periods": {
        "task": "projects.close_publicity_periods",
        "schedule": env.float("PUBLICITY_CHECK_SECONDS", default=900.0),
    },
    "reconcile-ledger": {
        "task": "ledger.reconcile",
        "schedule": env.float("RECONCILIATION_SECONDS", default=3600.0),
    },
    "reconcile-green-certificates": {
        "task": "certificates.reconcile",
        "schedule": env.float("RECONCILIATION_SECONDS", default=3600.0),
    },
    "expire-green-certificates": {
        "task": "certificates.expire",
        "schedule": env.float("GEC_EXPIRY_CHECK_SECONDS", default=3600.0),
    },
    "seal-transparency-log": {
        "task": "core.seal",
        "schedule": env.float("TRANSPARENCY_SEAL_SECONDS", default=5.0),
    },
    "verify-transparency-log": {
        "task": "core.verify_log",
        "schedule": env.float("AUDIT_LOG_CHECK_SECONDS", default=3600.0),
    },
    "purge-expired-tokens": {
        "task": "accounts.purge_expired_tokens",
        "schedule": env.float("TOKEN_PURGE_SECONDS", default=3600.0),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # The embedded server's package narrates every start and stop, at exit too.
    "loggers": {"pgserver": {"level": "WARNING"}},
}
