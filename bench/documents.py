"""How fast documents go in and out through the API, beside a plain file copy on the same disk,
and how much memory the server holds while they do.

Run by hand from the repository root:

    .venv/bin/python bench/documents.py [--small N] [--large N] [--workers N]

It makes a throwaway database (PostgreSQL on 127.0.0.1:5432 as user postgres) and a throwaway
media folder, migrates, loads the methodology library and the demo (`load_library`,
`load_demo`), and creates a draft project of the demo company. The registry is served by
gunicorn with production settings (documents in the throwaway MEDIA_ROOT) on a free loopback
port. Then, one request at a time:

- uploads N files of 1 MB (default 200) and M of 50 MB (default 5) to the draft project as
  supporting evidence (`POST /api/v1/projects/{id}/documents/`, multipart), each a PDF header
  followed by random bytes, so every file is accepted and none is stored twice;
- downloads each (`GET /api/v1/documents/{id}/download/`), hashing what arrives and comparing
  it with the SHA-256 the upload answered;
- copies the same files with `shutil.copyfile` on the same disk, as the yardstick.

It prints MB/s (1 MB = 2^20 bytes) for each, and the server's memory: each gunicorn worker's
resident set after a warm-up and its peak (VmHWM, from /proc) at the end. A 50 MB upload is
spooled to a temporary file and a download copied through one, so the peak should grow by
megabytes, not by the file's 50. Everything it made is removed at the end, also when it fails.
"""

import argparse
import hashlib
import http.client
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from io import StringIO
from pathlib import Path

from harness import (
    POSTGRES_SERVER,
    django_on,
    free_port,
    gunicorn,
    multipart,
    production_environment,
    throwaway_database,
    wait_until_healthy,
)

DEMO_PASSWORD = "carbon-demo-2026"  # load_demo's, published in the README
MB = 1024 * 1024
CHUNK = MB
PDF_HEAD = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


class Failure(Exception):
    """A request failed or a file came back different."""


@dataclass
class Rate:
    """Bytes moved and the seconds it took."""

    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    each: list[float] = field(default_factory=list)

    def add(self, size: int, seconds: float) -> None:
        self.files += 1
        self.bytes += size
        self.seconds += seconds
        self.each.append(seconds)

    @property
    def mb_per_second(self) -> float:
        return self.bytes / MB / self.seconds if self.seconds else 0.0


def make_files(folder: Path, count: int, size: int, label: str) -> list[Path]:
    paths = []
    for number in range(count):
        path = folder / f"{label}-{number:03d}.pdf"
        with path.open("wb") as out:
            out.write(PDF_HEAD)
            left = size - len(PDF_HEAD)
            while left > 0:
                piece = min(CHUNK, left)
                out.write(os.urandom(piece))
                left -= piece
        paths.append(path)
    return paths


def connect(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=300)


def token(port: int, username: str) -> str:
    connection = connect(port)
    try:
        body = json.dumps({"username": username, "password": DEMO_PASSWORD})
        connection.request(
            "POST", "/api/v1/auth/token/", body, {"Content-Type": "application/json"}
        )
        response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            raise Failure(f"no token for {username}: {response.status} {answer[:300]!r}")
        return json.loads(answer)["token"]
    finally:
        connection.close()


def upload(port: int, key: str, project: int, path: Path) -> dict:
    """POST the file as evidence; the answer. The client builds the body in memory: it is the
    server's memory that is measured."""
    body, content_type = multipart({"kind": "evidence"}, path.name, path.read_bytes())
    connection = connect(port)
    try:
        connection.request(
            "POST",
            f"/api/v1/projects/{project}/documents/",
            body,
            {"Authorization": f"Token {key}", "Content-Type": content_type},
        )
        response = connection.getresponse()
        answer = response.read()
    finally:
        connection.close()
    if response.status != 201:
        raise Failure(f"upload of {path.name}: {response.status} {answer[:300]!r}")
    return json.loads(answer)


def download(port: int, key: str, document: dict) -> int:
    """GET the file, hashing it as it arrives; its size. A different hash is a Failure."""
    digest = hashlib.sha256()
    size = 0
    connection = connect(port)
    try:
        connection.request(
            "GET",
            f"/api/v1/documents/{document['id']}/download/",
            headers={"Authorization": f"Token {key}"},
        )
        response = connection.getresponse()
        if response.status != 200:
            raise Failure(f"download {document['id']}: {response.status} {response.read()[:300]!r}")
        while chunk := response.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    finally:
        connection.close()
    if digest.hexdigest() != document["sha256"] or size != document["size"]:
        raise Failure(f"download {document['id']} does not hash to what was uploaded")
    return size


def workers_of(master: int) -> list[int]:
    """The gunicorn master's child processes (its workers), from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after its closing bracket.
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            children.append(int(entry.name))
    return sorted(children)


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak resident set) of a process, in kB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0])
    return values


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=POSTGRES_SERVER, help="PostgreSQL server URL")
    parser.add_argument("--small", type=int, default=200, help="files of 1 MB")
    parser.add_argument("--large", type=int, default=5, help="files of 50 MB")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    options = parser.parse_args()

    name = f"bench_documents_{os.getpid()}_{secrets.token_hex(4)}"
    with (
        tempfile.TemporaryDirectory(prefix="bench-documents-") as scratch,
        throwaway_database(name, server=options.server) as database_url,
    ):
        media = Path(scratch) / "media"
        environment = {**production_environment(database_url), "MEDIA_ROOT": str(media)}
        with django_on(environment):
            return run(options, database_url, Path(scratch), environment)


def run(options, database_url: str, scratch: Path, environment: dict[str, str]) -> int:
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from methodologies.models import Methodology
    from registry.projects.services import projects

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_library", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    users = {u.username: u for u in User.objects.select_related("organization")}
    project = projects.create_project(
        actor=users["proponent"],
        title="Documents benchmark project",
        methodology=Methodology.objects.get(code="CCER-01-002", status="published"),
        sector="energy_industries",
        province="Shanghai",
        construction_start=date(2023, 3, 1),
        crediting_period_start=date(2024, 1, 1),
        crediting_period_end=date(2033, 12, 31),
        parameters={
            "EG_export": ["1000000"],
            "EG_import": ["5000"],
            "EF_grid_OM": "0.7921",
            "EF_grid_BM": "0.3870",
        },
        verifier=users["verifier"].organization,
        generator_code=f"BENCH-DOCS-{secrets.token_hex(4)}",
    )
    connection.close()

    files_dir = scratch / "files"
    copies_dir = scratch / "copies"
    files_dir.mkdir()
    copies_dir.mkdir()
    sets = {
        "1 MB": make_files(files_dir, options.small, MB, "small"),
        "50 MB": make_files(files_dir, options.large, 50 * MB, "large"),
    }
    print(
        f"{options.small} files of 1 MB and {options.large} of 50 MB; gunicorn with "
        f"{options.workers} workers; {scratch} on the same disk for all",
        flush=True,
    )

    port = free_port()
    results = {}
    with gunicorn(
        port, database_url, options.workers, {"MEDIA_ROOT": environment["MEDIA_ROOT"]}
    ) as server:
        problem = wait_until_healthy(port, server)
        if problem:
            print(problem, file=sys.stderr)
            return 1
        try:
            key = token(port, "proponent")
            # Warm-up: every worker imports what an upload and a download need.
            warm = make_files(scratch, 2 * options.workers, 64 * 1024, "warm")
            for path in warm:
                download(port, key, upload(port, key, project.pk, path))
            baseline = {pid: memory(pid) for pid in workers_of(server.process.pid)}
            for label, paths in sets.items():
                uploads, downloads, copies = Rate(), Rate(), Rate()
                answers = []
                for path in paths:
                    started = time.perf_counter()
                    answers.append(upload(port, key, project.pk, path))
                    uploads.add(path.stat().st_size, time.perf_counter() - started)
                for answer in answers:
                    started = time.perf_counter()
                    size = download(port, key, answer)
                    downloads.add(size, time.perf_counter() - started)
                for path in paths:
                    started = time.perf_counter()
                    shutil.copyfile(path, copies_dir / path.name)
                    copies.add(path.stat().st_size, time.perf_counter() - started)
                results[label] = (uploads, downloads, copies)
            peak = {pid: memory(pid) for pid in workers_of(server.process.pid)}
        except (Failure, OSError) as error:
            print(f"{error}\n--- gunicorn log ---\n{server.log_tail()}", file=sys.stderr)
            return 1

    print(f"\n{'files':<8}{'upload MB/s':>14}{'download MB/s':>16}{'file copy MB/s':>17}")
    for label, (uploads, downloads, copies) in results.items():
        print(
            f"{label:<8}{uploads.mb_per_second:>14.1f}{downloads.mb_per_second:>16.1f}"
            f"{copies.mb_per_second:>17.1f}"
        )
    print("\nserver memory per worker (MB): resident after warm-up, peak (VmHWM) at the end")
    for pid, values in sorted(peak.items()):
        before = baseline.get(pid, {}).get("VmRSS", 0)
        print(f"  worker {pid}: {before / 1024:.1f} -> peak {values['VmHWM'] / 1024:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
