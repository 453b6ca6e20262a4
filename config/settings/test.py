"""Settings for the test suite: PostgreSQL unless DATABASE_URL says otherwise, fast hashing."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/registry")

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

SECRET_KEY = env(
    "DJANGO_SECRET_KEY", default="insecure-test-key-0123456789-abcdefghijklmnopqrstuvwxyz"
)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the finders: the suite never runs collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Every test sees the totals of its own data, not a cached answer from an earlier test.
PUBLIC_TOTALS_CACHE_SECONDS = 0
