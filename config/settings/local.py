"""Settings for a developer's machine and the quickstart: debug on, an insecure key by default,
the embedded PostgreSQL server unless DATABASE_URL names another."""

from .base import *  # noqa: F403
from .base import database_from_environment, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-development-key-change-me-0123456789")
DATABASES = {"default": database_from_environment()}
