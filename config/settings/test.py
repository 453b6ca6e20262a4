"""Settings for the test suite: DATABASE_URL's PostgreSQL server (CI's) or, unset, the embedded
one; fast hashing."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import database_from_environment, env

SECRET_KEY = env(
    "DJANGO_SECRET_KEY", default="insecure-test-key-0123456789-abcdefghijklmnopqrstuvwxyz"
)
DATABASES = {"default": database_from_environment()}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each run stores its documents in a folder of its own, never in var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="registry-test-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the finders: the suite never runs collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Every test sees the totals of its own data, not a cached answer from an earlier test.
PUBLIC_TOTALS_CACHE_SECONDS = 0
# The suite's own transparency signing key (Ed25519, 32 raw bytes in base64), for tests alone.
TRANSPARENCY_SIGNING_KEY = env(
    "TRANSPARENCY_SIGNING_KEY", default="dGVzdC1zaWduaW5nLWtleS1mb3ItdGhlLXN1aXRlLTA="
)
