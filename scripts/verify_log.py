#!/usr/bin/env python3
"""Check the registry's transparency log from the outside, with nothing but its public API.

Needs the Python standard library and `cryptography` (for Ed25519), nothing of the registry.

    python scripts/verify_log.py https://registry.example.org \\
        [--state head.json] [--index 42 ...] [--retirement 7 ...] [--all] [--token TOKEN]

1. Fetches the log's public key (or takes `--public-key`, base64, pinned by the reader) and the
   latest signed tree head, and checks the head's Ed25519 signature over
   `<tree_size>:<root_hash>:<timestamp>`.
2. With `--state FILE`: if the file holds a head saved earlier, checks the consistency proof
   from that head to the new one (the log only grew, nothing in it was rewritten); then saves
   the new head to the file.
3. For each `--index` (or every entry with `--all`), and each `--retirement` certificate's
   `log_index`: fetches the entry's leaf hash, recomputes it from the entry's bytes when the
   log serves them (`--token` of an operator or regulator sees every entry), and checks its
   inclusion proof against the head's root.

Hashes as RFC 9162 §2.1: leaf SHA-256(0x00 || entry), node SHA-256(0x01 || left || right).
Exit status 0 only if every check holds; 1 if one fails; 2 if the log cannot be read.
"""

import argparse
import base64
import hashlib
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class CheckFailed(Exception):
    """A check that did not hold."""


class Unreadable(Exception):
    """The log could not be read (network, HTTP status, bad JSON)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index: int, size: int, leaf: bytes, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: list[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2 (first == second: an empty proof and equal roots)."""
    if first == second:
        return not proof and first_root == second_root
    if first == 0 or first > second or not proof:
        return False
    if first & (first - 1) == 0:  # a power of two: the first tree is a node of the proof's path
        proof = [first_root, *proof]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


def signed_message(head: dict) -> bytes:
    return f"{head['tree_size']}:{head['root_hash']}:{head['timestamp']}".encode("ascii")


class Log:
    """The log's public API at a base URL."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 30) -> None:
        self.base = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def get(self, path: str) -> dict:
        if not self.base.startswith(("http://", "https://")):
            raise Unreadable(f"{self.base} is not an http(s) URL")
        request = urllib.request.Request(self.base + path)  # noqa: S310 - checked just above
        request.add_header("Accept", "application/json")
        if self.token:
            request.add_header("Authorization", f"Token {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.load(response)
        except urllib.error.HTTPError as error:
            raise Unreadable(f"GET {path}: HTTP {error.code}", error.code) from error
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise Unreadable(f"GET {path}: {error}") from error


def check_head(head: dict, public_key: bytes) -> None:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            base64.b64decode(head["signature"]), signed_message(head)
        )
    except (InvalidSignature, ValueError) as error:
        raise CheckFailed(
            f"the tree head of size {head['tree_size']} is not signed by the log's key"
        ) from error


def check_consistency(log: Log, earlier: dict, head: dict) -> None:
    first, second = earlier["tree_size"], head["tree_size"]
    if first > second:
        raise CheckFailed(f"the log shrank: a head of size {first} was saved, now {second}")
    if first == second:
        proof: list[bytes] = []
    else:
        answer = log.get(f"/api/v1/transparency/proof/consistency/?first={first}&second={second}")
        proof = [bytes.fromhex(value) for value in answer["proof"]]
    first_root, second_root = bytes.fromhex(earlier["root_hash"]), bytes.fromhex(head["root_hash"])
    if not verify_consistency(first, second, first_root, second_root, proof):
        raise CheckFailed(
            f"the saved head of size {first} is not a prefix of the log's head of size {second}: "
            "the log was rewritten"
        )


def check_inclusion(log: Log, index: int, head: dict) -> str:
    size = head["tree_size"]
    if index >= size:
        raise CheckFailed(f"entry {index} is not in the signed tree of size {size}")
    try:
        entry = log.get(f"/api/v1/transparency/entries/{index}/")
    except Unreadable as error:
        if error.status == 404:
            raise CheckFailed(
                f"entry {index} of the signed tree is missing from the log"
            ) from error
        raise
    leaf = bytes.fromhex(entry["leaf_hash"])
    shown = "entry" in entry
    if shown:
        entry_bytes = base64.b64decode(entry["entry"])
        if leaf_hash(entry_bytes) != leaf:
            raise CheckFailed(f"entry {index}: its bytes do not hash to its leaf hash")
        if json.loads(entry_bytes).get("index") != index:
            raise CheckFailed(f"entry {index}: its bytes name another index")
    answer = log.get(f"/api/v1/transparency/proof/inclusion/?index={index}&tree_size={size}")
    path = [bytes.fromhex(value) for value in answer["audit_path"]]
    if not verify_inclusion(index, size, leaf, path, bytes.fromhex(head["root_hash"])):
        raise CheckFailed(f"entry {index} is not included in the signed tree of size {size}")
    return "entry bytes and leaf hash" if shown else "leaf hash (entry bytes not shown)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", help="the registry, e.g. https://registry.example.org")
    parser.add_argument("--state", type=Path, help="a file keeping the last head checked")
    parser.add_argument("--index", type=int, action="append", default=[], help="an entry")
    parser.add_argument("--retirement", type=int, action="append", default=[], help="an id")
    parser.add_argument("--all", action="store_true", help="check every entry of the tree")
    parser.add_argument("--public-key", help="the log's public key (base64), pinned")
    parser.add_argument("--token", help="an API token: operators and regulators see entries")
    args = parser.parse_args(argv)
    log = Log(args.base_url, args.token)
    try:
        key_b64 = args.public_key or log.get("/api/v1/transparency/key/")["public_key"]
        head = log.get("/api/v1/transparency/head/")
        check_head(head, base64.b64decode(key_b64))
        print(f"ok   head: size {head['tree_size']}, root {head['root_hash']}, signed")
        if args.state is not None:
            if args.state.exists():
                earlier = json.loads(args.state.read_text())
                check_head(earlier, base64.b64decode(key_b64))
                check_consistency(log, earlier, head)
                print(f"ok   consistent with the saved head of size {earlier['tree_size']}")
            args.state.write_text(json.dumps(head, indent=2) + "\n")
        indexes = list(args.index)
        for retirement in args.retirement:
            certificate = log.get(f"/api/v1/retirements/{retirement}/")
            if certificate.get("log_index") is None:
                raise CheckFailed(f"retirement {retirement} is not sealed in the log yet")
            indexes.append(certificate["log_index"])
        if args.all:
            indexes = range(head["tree_size"])
        for index in indexes:
            what = check_inclusion(log, index, head)
            print(f"ok   entry {index} included: {what}")
    except CheckFailed as failure:
        print(f"FAIL {failure}", file=sys.stderr)
        return 1
    except (Unreadable, KeyError, ValueError) as error:
        print(f"FAIL cannot read the log: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
