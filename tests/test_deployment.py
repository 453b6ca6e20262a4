"""The installation paths: production settings, and the quickstart on the embedded PostgreSQL
server with no services at all."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from certificates.validity import add_months
from web.management.commands.load_demo import DEMO_PASSWORD

BASE_DIR = Path(settings.BASE_DIR)
# A server no command of these tests connects to: they only read the settings.
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/unused"


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def clean_env(**overrides: str) -> dict[str, str]:
    """The process environment without the suite's database, broker and settings choices."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    return {**env, **overrides}


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_ALLOWED_HOSTS": "registry.example.org",
    "DATABASE_URL": "postgres://registry@db.example.org:5432/registry",
    "CELERY_BROKER_URL": "redis://cache.example.org:6379/0",
    "CACHE_URL": "redis://cache.example.org:6379/1",
    "TRANSPARENCY_SIGNING_KEY_FILE": "/etc/registry/transparency-signing-key.pem",
}


def test_check_deploy_is_clean_with_production_settings():
    env = clean_env(**PRODUCTION, DJANGO_SECRET_KEY=secrets.token_urlsafe(50))

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"]
)
def test_production_settings_refuse_to_start_half_configured(missing):
    """No secret, database, task broker or shared cache: no start (never an embedded database,
    in-process tasks or a per-process cache in production)."""
    configured = {**PRODUCTION, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    del configured[missing]
    env = clean_env(**configured)

    result = manage("check", env=env)

    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_settings_refuse_to_start_without_the_logs_signing_key():
    configured = {**PRODUCTION, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    del configured["TRANSPARENCY_SIGNING_KEY_FILE"]

    result = manage("check", env=clean_env(**configured))

    assert result.returncode != 0
    assert "Set the TRANSPARENCY_SIGNING_KEY or TRANSPARENCY_SIGNING_KEY_FILE" in result.stderr


def test_production_settings_use_the_broker_and_a_shared_redis_cache():
    env = clean_env(**PRODUCTION, DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    probe = (
        "from django.conf import settings; "
        "print(settings.CELERY_TASK_ALWAYS_EAGER, settings.CACHES['default']['BACKEND'], "
        "settings.DATABASES['default']['HOST'])"
    )

    result = manage("shell", "--verbosity", "0", "-c", probe, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "django.core.cache.backends.redis.RedisCache",
        "db.example.org",
    ]


def test_a_dot_env_file_is_read_only_when_asked(tmp_path):
    """`.env` beside manage.py configures nothing unless DJANGO_READ_DOT_ENV_FILE says so."""
    dot_env = BASE_DIR / ".env"
    assert not dot_env.exists(), "a developer's .env would be overwritten"
    dot_env.write_text("PROJECT_PUBLICITY_WORKING_DAYS=3\n")
    probe = "from django.conf import settings; print(settings.PROJECT_PUBLICITY_WORKING_DAYS)"
    try:
        unread = manage(
            "shell", "--verbosity", "0", "-c", probe, env=clean_env(DATABASE_URL=DATABASE_URL)
        )
        read = manage(
            "shell",
            "--verbosity",
            "0",
            "-c",
            probe,
            env=clean_env(DATABASE_URL=DATABASE_URL, DJANGO_READ_DOT_ENV_FILE="true"),
        )
    finally:
        dot_env.unlink()

    assert (unread.returncode, unread.stdout.strip()) == (0, "20"), unread.stderr
    assert (read.returncode, read.stdout.strip()) == (0, "3"), read.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(
    url: str, data: dict | None = None, token: str | None = None, **extra_headers: str
) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", **extra_headers}
    if token:
        headers["Authorization"] = f"Token {token}"
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(req, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def embedded_server_running(data_dir: Path) -> bool:
    """A postmaster runs on that data folder (its pid file names a live process)."""
    pid_file = data_dir / "postmaster.pid"
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text().split()[0])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_quickstart_runs_on_the_embedded_server_with_tasks_in_process(tmp_path):
    """`make run`'s commands with DATABASE_URL unset: the embedded PostgreSQL server starts in
    its own folder, the ledger's constraints hold, and it stops with the last process."""
    data_dir = tmp_path / "postgres"
    # The GEC-CCER link's window around the last twelve months, whatever today is, so that the
    # demo walks its linked year (the notice's own window passes).
    this_month = timezone.localdate().replace(day=1)
    env = clean_env(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        EMBEDDED_POSTGRES_DIR=str(data_dir),
        GEC_CCER_LINK_FROM=add_months(this_month, -12).isoformat(),
        GEC_CCER_LINK_UNTIL=(this_month - timedelta(days=1)).isoformat(),
    )
    for command in (["create_database"], ["migrate", "--noinput"], ["load_library"], ["load_demo"]):
        result = manage(*command, env=env)
        assert result.returncode == 0, result.stderr
    assert "operator" in result.stdout
    # Every command attached to the server and let it stop when it exited.
    assert (data_dir / "PG_VERSION").exists()
    assert not embedded_server_running(data_dir)

    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, health = request(f"{base}/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "runserver did not start"
                time.sleep(0.2)
        assert (status, health) == (200, {"database": "ok", "broker": "in-process"})

        status, body = request(
            f"{base}/api/v1/auth/token/", {"username": "operator", "password": DEMO_PASSWORD}
        )
        assert status == 200
        token = body["token"]
        assert request(f"{base}/api/v1/me/", token=token)[1]["organization"]["kind"] == "operator"

        status, created = request(
            f"{base}/api/v1/organizations/",
            {"name": "Quickstart Co.", "kind": "proponent", "province": "Hainan"},
            token=token,
        )
        assert status == 201
        status, listing = request(f"{base}/api/v1/organizations/?province=Hainan")
        assert [o["id"] for o in listing["results"]] == [created["id"]]
        assert request(f"{base}/api/v1/audit/verify/", token=token)[1]["ok"] is True
        # No broker, no beat: each commit sealed its entries, signed with the key the
        # quickstart made in its data folder.
        status, head = request(f"{base}/api/v1/transparency/head/")
        assert status == 200 and head["tree_size"] > 0
        assert (tmp_path / "transparency-signing-key.pem").exists()

        status, found = request(f"{base}/api/v1/methodologies/?code=CCER-01-002-V01")
        [wind] = found["results"]
        status, calculation = request(
            f"{base}/api/v1/methodologies/{wind['id']}/calculate/",
            {
                "parameters": {
                    "EG_export": [{"value": "1000", "unit": "GWh"}],
                    "EG_import": ["5000"],
                    "EF_grid_OM": "0.7921",
                    "EF_grid_BM": "0.3870",
                }
            },
            token=token,
        )
        assert (status, calculation["result"]["value"]) == (200, "687370.875")

        # The demo's green certificates: the wind farm's year under the GEC-CCER link left
        # frozen and cancelled certificates, the computing company claimed some solar ones.
        status, by_state = request(f"{base}/api/v1/stats/green-certificates/?group_by=state")
        states = {row["key"]: row["certificates"] for row in by_state}
        assert status == 200 and all(
            states.get(state, 0) > 0 for state in ("frozen", "cancelled", "claimed", "active")
        )
        # The computing company's data centres, with a year of figures, and rated AI runs.
        status, body = request(
            f"{base}/api/v1/auth/token/", {"username": "compute", "password": DEMO_PASSWORD}
        )
        computing = body["token"]
        centres = request(f"{base}/api/v1/data-centres/", token=computing)[1]["results"]
        assert sorted(c["province"] for c in centres) == ["Ningxia", "Shanghai"]
        for centre in centres:
            figures = request(f"{base}/api/v1/data-centres/{centre['id']}/", token=computing)[1]
            assert float(figures["figures"]["pue"]) > 1
        workloads = request(f"{base}/api/v1/workloads/", token=computing)[1]["results"]
        assert {w["task"] for w in workloads} == {
            "text_generation_training",
            "text_generation_inference",
        }
        assert {w["rating"] for w in workloads} >= {1, 5}
        status, issuances = request(f"{base}/api/v1/issuances/")
        cancelled = [i for i in issuances["results"] if i["cancelled_certificates"]]
        assert len(cancelled) == 1
        assert (
            sum(c["quantity"] for c in cancelled[0]["cancelled_certificates"])
            == states["cancelled"]
        )

        # The ledger on the embedded server: the demo wind farm's credits are transferred,
        # retired, cancelled.
        status, body = request(
            f"{base}/api/v1/auth/token/", {"username": "proponent", "password": DEMO_PASSWORD}
        )
        holder = body["token"]
        status, blocks = request(f"{base}/api/v1/credit-blocks/?vintage=2024", token=holder)
        [block] = blocks["results"]
        status, organizations = request(f"{base}/api/v1/organizations/", token=token)
        [buyer] = [o for o in organizations["results"] if o["name"].startswith("Cloudpeak")]
        status, account = request(
            f"{base}/api/v1/accounts/",
            {"organization": buyer["id"], "name": "Cloudpeak credits"},
            token=token,
        )
        assert status == 201
        transfer = {"block": block["id"], "quantity": 1000, "to_account": account["id"]}
        status, moved = request(
            f"{base}/api/v1/transfers/", transfer, token=holder, **{"Idempotency-Key": "q-1"}
        )
        assert status == 201
        assert request(
            f"{base}/api/v1/transfers/", transfer, token=holder, **{"Idempotency-Key": "q-1"}
        ) == (201, moved)
        assert (moved["first"], moved["last"]) == (block["last"] - 999, block["last"])
        status, retired = request(
            f"{base}/api/v1/retirements/",
            {
                "block": block["id"],
                "quantity": 250,
                "beneficiary": "Shanghai Marathon 2026",
                "purpose": "event_neutrality",
            },
            token=holder,
        )
        assert (status, retired["quantity"]) == (201, 250)
        status, cancelled = request(
            f"{base}/api/v1/credit-blocks/{block['id']}/cancel/", {"quantity": 10}, token=token
        )
        assert (status, cancelled["quantity"]) == (201, 10)
        status, left = request(f"{base}/api/v1/credit-blocks/{block['id']}/", token=holder)
        assert left["quantity"] == block["quantity"] - 1260
        # A POST starts a run as a task, in process here (no broker); GET reads what it found.
        status, _ = request(f"{base}/api/v1/reconciliation/", {}, token=token)
        assert status == 202
        status, reconciliation = request(f"{base}/api/v1/reconciliation/", token=token)
        assert (status, reconciliation["ok"]) == (200, True)
        assert request(f"{base}/api/v1/audit/verify/", token=token)[1]["ok"] is True
        # No broker, no beat: each commit sealed its entries, signed with the key the
        # quickstart made in its data folder.
        status, head = request(f"{base}/api/v1/transparency/head/")
        assert status == 200 and head["tree_size"] > 0
        assert (tmp_path / "transparency-signing-key.pem").exists()

        # The totals and the public pages.
        status, totals = request(f"{base}/api/v1/stats/totals/?group_by=project")
        [farm] = [row for row in totals if row["retired"] == 250]
        assert (farm["cancelled"], farm["frozen"]) == (10, 0)
        pages = {
            "/": f'<strong id="retired">{250:,}</strong>',
            "/projects/": "Donghai Bridge",
            f"/projects/{block['project']}/": "Donghai Bridge",
            "/retirements/": "Shanghai Marathon 2026",
        }
        for path, text in pages.items():
            with urllib.request.urlopen(f"{base}{path}", timeout=10) as page:  # noqa: S310
                assert (page.status, text in page.read().decode()) == (200, True)
        assert embedded_server_running(data_dir)
    finally:
        # As a person stops `make run`: Ctrl-C.
        server.send_signal(signal.SIGINT)
        # The embedded server stops with it, after a checkpoint: well under a second alone,
        # but once over 30 s with the rest of the suite writing to the same disk.
        server.wait(timeout=120)
    assert not embedded_server_running(data_dir)
