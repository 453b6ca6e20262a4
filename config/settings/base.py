"""Settings shared by every environment, read from the process environment.

Policy numbers (publicity days, thresholds, crediting bounds) live here as settings whose defaults
are the CCER 2023 figures; each can be overridden by an environment variable of the same name.
"""

from datetime import date
from pathlib import Path

import environ

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
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "methodologies",
    "registry.calendar",
    "registry.projects",
    "registry.ledger",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
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
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Bodies larger than this are refused with a 400 before any parser reads them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
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
}

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
        "ReconciliationProblemEnum": "registry.ledger.reconciliation.PROBLEM_KINDS",
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

# The public front page's totals are an aggregate over every credit block: kept this many seconds
# in the cache, so a busy front page does not rerun it per visit (0: computed on every visit).
PUBLIC_TOTALS_CACHE_SECONDS = env.int("PUBLIC_TOTALS_CACHE_SECONDS", default=60)

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
    "verify-audit-chain": {
        "task": "core.tasks.verify_audit_chain",
        "schedule": env.float("AUDIT_CHAIN_CHECK_SECONDS", default=3600.0),
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
