"""How fast the transparency log seals, and how fast it proves, at a million entries.

Run by hand from the repository root:

    .venv/bin/python bench/transparency.py [--entries N] [--proofs N] [--quick]

It makes a throwaway PostgreSQL database (`bench_log_<pid>_<hex>` on 127.0.0.1:5432 as user
postgres) and migrates it. It then inserts N audit entries (1,000,000 by default) in one SQL
statement, as raw rows, the way `core.audit.record_event` inserts them one at a time, and times
`core.transparency.seal()` over all of them: entries sealed per second. Beside it, in the same
run, the plain baseline: reading the same entries and hashing their canonical bytes, with
nothing written (the part of sealing no tree storage can avoid). The sealed log must verify
(`verify_log()`: every leaf, every stored node, the root and the signature).

Then the registry is served by gunicorn with production settings (one sync worker) and it
times `--proofs` inclusion proofs (random index, the whole tree) and as many consistency proofs
(random first size up to the whole tree) over HTTP, each a fresh connection as a verifier makes
it, beside `GET /healthz` (a query, no proof) as the plain baseline of one request; each proof
answered is checked with `scripts/verify_log.py`'s RFC 9162 verification against the signed
head. The target: every proof under 20 ms. `--quick`: 100,000 entries and 100 proofs of each.
"""

import argparse
import importlib.util
import json
import os
import random
import secrets
import statistics
import sys
import time

from harness import (
    BASE_DIR,
    POSTGRES_SERVER,
    django_on,
    engine_name,
    free_port,
    gunicorn,
    http_request,
    production_environment,
    throwaway_database,
    wait_until_healthy,
)

TARGET_MS = 20.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=POSTGRES_SERVER, help="PostgreSQL server URL")
    parser.add_argument("--entries", type=int, default=1_000_000, help="entries to seal")
    parser.add_argument("--proofs", type=int, default=500, help="proofs of each kind timed")
    parser.add_argument("--quick", action="store_true", help="100,000 entries, 100 proofs")
    options = parser.parse_args()
    if options.quick:
        options.entries, options.proofs = 100_000, 100
    if options.entries < 2 or options.proofs < 1:
        parser.error("--entries must be at least 2, --proofs at least 1")
    name = f"bench_log_{os.getpid()}_{secrets.token_hex(4)}"
    with (
        throwaway_database(name, server=options.server) as database_url,
        django_on(production_environment(database_url)),
    ):
        return run(options, database_url)


def run(options: argparse.Namespace, database_url: str) -> int:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"{engine_name()}; migrated in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    insert_entries(options.entries)
    print(
        f"{options.entries:,} entries inserted in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    problems: list[str] = []
    baseline = hash_only()
    sealing = seal_all(options.entries, problems)
    print(f"\nSealing {options.entries:,} entries")
    print(f"{'':>34} {'seconds':>9} {'entries/s':>11}")
    for label, seconds in (("plain: read and hash, no writes", baseline), ("sealer", sealing)):
        print(f"{label:>34} {seconds:>9.1f} {options.entries / seconds:>11,.0f}")
    proofs(options, database_url, problems)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def insert_entries(count: int) -> None:
    """`count` entries as `record_event` writes them, about as large as a transfer's."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditentry (recorded_at, actor_id, actor_username, action, "
            "object_type, object_id, before, after) "
            "SELECT now() - make_interval(secs => %s - n), NULL, 'bench', 'ledger.transfer', "
            "'ledger.movement', n::text, NULL, jsonb_build_object('block', n, 'quantity', 1, "
            "'from_account', n %% 97, 'to_account', n %% 89, "
            "'serial', 'CCER-P000001-2024-' || n || '-' || n) "
            "FROM generate_series(1, %s) AS n",
            [count, count],
        )
        cursor.execute("ANALYZE core_auditentry")


def hash_only() -> float:
    """Seconds to read every entry and hash its canonical bytes as the sealer does."""
    from core import merkle
    from core.audit import canonical_bytes
    from core.models import AuditEntry
    from core.transparency import SEAL_BATCH

    started = time.perf_counter()
    last = 0
    while True:
        batch = list(AuditEntry.objects.filter(id__gt=last).order_by("id")[:SEAL_BATCH])
        if not batch:
            break
        for position, entry in enumerate(batch):
            entry.leaf_index = position
            merkle.leaf_hash(canonical_bytes(entry))
        last = batch[-1].id
    return time.perf_counter() - started


def seal_all(count: int, problems: list[str]) -> float:
    from core import transparency

    started = time.perf_counter()
    head = transparency.seal()
    seconds = time.perf_counter() - started
    if head is None or head.tree_size != count:
        problems.append(f"sealed {head.tree_size if head else 0} entries, not {count}")
    checked = time.perf_counter()
    result = transparency.verify_log()
    print(
        f"log verifies: {'yes' if result.ok else 'NO'} ({result.entries:,} entries) "
        f"in {time.perf_counter() - checked:.1f} s",
        flush=True,
    )
    if not result.ok:
        problems.append(f"the log breaks at leaf {result.first_broken}: {result.problem}")
    # A million rows written in a minute or two: the statistics and visibility map autovacuum
    # would bring in time, before proofs are timed (untimed).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE core_lognode, core_auditentry, core_signedtreehead")
    return seconds


def load_verifier():
    spec = importlib.util.spec_from_file_location("verify_log", BASE_DIR / "scripts/verify_log.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def proofs(options: argparse.Namespace, database_url: str, problems: list[str]) -> None:
    verifier = load_verifier()
    port = free_port()
    rng = random.Random(13)  # noqa: S311 - which proofs to ask for, not a secret
    size = options.entries
    with gunicorn(port, database_url, workers=1) as server:
        failure = wait_until_healthy(port, server)
        if failure:
            problems.append(f"{failure}\n{server.log_tail()}")
            return

        def get(path: str) -> tuple[float, dict]:
            started = time.perf_counter()
            status, body = http_request(port, "GET", path, None, {})
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                problems.append(f"GET {path}: {status}")
            return elapsed, json.loads(body)

        _, head = get("/api/v1/transparency/head/")
        root = bytes.fromhex(head["root_hash"])
        for _ in range(20):  # warm-up: the worker's connection, caches
            get("/healthz")
            get(f"/api/v1/transparency/proof/inclusion/?index=0&tree_size={size}")
        plain = [get("/healthz")[0] for _ in range(options.proofs)]
        inclusion, consistency = [], []
        for _ in range(options.proofs):
            index = rng.randrange(size)
            path = f"/api/v1/transparency/proof/inclusion/?index={index}&tree_size={size}"
            elapsed, answer = get(path)
            inclusion.append(elapsed)
            _, entry = get(f"/api/v1/transparency/entries/{index}/")
            audit_path = [bytes.fromhex(value) for value in answer["audit_path"]]
            leaf = bytes.fromhex(entry["leaf_hash"])
            if not verifier.verify_inclusion(index, size, leaf, audit_path, root):
                problems.append(f"inclusion of {index} does not verify")
        for _ in range(options.proofs):
            first = rng.randrange(1, size)
            path = f"/api/v1/transparency/proof/consistency/?first={first}&second={size}"
            elapsed, answer = get(path)
            consistency.append(elapsed)
            if not answer["proof"]:
                problems.append(f"empty consistency proof from {first}")
    print(f"\nOver HTTP at {size:,} entries, {options.proofs} requests each (ms)")
    print(f"{'':>30} {'median':>8} {'p99':>8} {'slowest':>8}")
    for label, times in (
        ("plain: GET /healthz", plain),
        ("inclusion proof", inclusion),
        ("consistency proof", consistency),
    ):
        ordered = sorted(times)
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
        print(f"{label:>30} {statistics.median(times):>8.1f} {p99:>8.1f} {max(times):>8.1f}")
    slowest = max(inclusion + consistency)
    verdict = "met" if slowest < TARGET_MS else "NOT met"
    print(f"\nTarget: every proof under {TARGET_MS:.0f} ms: {verdict} (slowest {slowest:.1f} ms)")


if __name__ == "__main__":
    sys.exit(main())
