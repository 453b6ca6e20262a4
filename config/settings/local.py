"""Settings for a developer's machine and the quickstart: debug on, an insecure key by default,
the embedded PostgreSQL server unless DATABASE_URL names another."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, database_from_environment, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-development-key-change-me-0123456789")
DATABASES = {"default": database_from_environment()}
# The transparency log's signing key: a file in the quickstart's data folder, made if missing.
# (beside the embedded server's folder: var/ by default).
_DATA_DIR = Path(env("EMBEDDED_POSTGRES_DIR", default=str(BASE_DIR / "var" / "postgres"))).parent
TRANSPARENCY_SIGNING_KEY_FILE = env(
    "TRANSPARENCY_SIGNING_KEY_FILE", default=str(_DATA_DIR / "transparency-signing-key.pem")
)
TRANSPARENCY_CREATE_KEY = True
