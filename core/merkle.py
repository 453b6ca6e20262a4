"""The transparency log's Merkle tree (RFC 9162 §2.1), without any storage.

Hashes: a leaf is SHA-256(0x00 || entry), a node SHA-256(0x01 || left || right); the tree of n
leaves splits at the largest power of two smaller than n. The log stores the hash of every
complete, aligned perfect subtree, named (level, index): the 2**level leaves from
index * 2**level. Any subtree a proof needs is either one of those or, on the tree's right edge,
a composition of at most one perfect subtree per level; so a proof reads O(log n) stored hashes.
"""

import hashlib
from collections.abc import Callable, Iterable, Mapping

EMPTY_ROOT = hashlib.sha256(b"").digest()

# A stretch of leaves [start, start + size), the unit every proof is made of.
Span = tuple[int, int]
Node = tuple[int, int]


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(size: int) -> int:
    """The largest power of two smaller than `size` (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def perfect_parts(start: int, size: int) -> list[Node]:
    """The perfect subtrees that make up the span, left to right, as RFC 9162 splits it.

    Every span a proof names starts at a multiple of the largest power of two it contains, so
    its split points are aligned and its parts are stored nodes.
    """
    parts = []
    while size:
        if size & (size - 1) == 0:
            level = size.bit_length() - 1
            parts.append((level, start >> level))
            break
        k = split(size)
        level = k.bit_length() - 1
        parts.append((level, start >> level))
        start, size = start + k, size - k
    return parts


def compose(hashes: list[bytes]) -> bytes:
    """The hash of a span from its perfect parts' hashes (the right edge folds from the right)."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def inclusion_spans(index: int, size: int) -> list[Span]:
    """The spans whose hashes make the audit path of leaf `index` in the tree of `size` leaves
    (RFC 9162 §2.1.3.1, PATH), nearest the leaf first."""
    spans: list[Span] = []
    start = 0
    while size > 1:
        k = split(size)
        if index < k:
            spans.append((start + k, size - k))
            size = k
        else:
            spans.append((start, k))
            index, start, size = index - k, start + k, size - k
    spans.reverse()
    return spans


def consistency_spans(first: int, second: int) -> list[Span]:
    """The spans whose hashes make the consistency proof from the tree of `first` leaves to the
    tree of `second` (RFC 9162 §2.1.4.1, PROOF), in the RFC's order; empty when equal."""
    spans: list[Span] = []
    if first == second:
        return spans
    m, start, size, whole = first, 0, second, True
    while m != size:
        k = split(size)
        if m <= k:
            spans.append((start + k, size - k))
            size = k
        else:
            spans.append((start, k))
            m, start, size, whole = m - k, start + k, size - k, False
    if not whole:
        spans.append((start, size))
    spans.reverse()
    return spans


def nodes_of(spans: Iterable[Span]) -> set[Node]:
    """Every stored node the spans are made of."""
    return {node for start, size in spans for node in perfect_parts(start, size)}


def span_hash(span: Span, stored: Mapping[Node, bytes]) -> bytes:
    return compose([stored[node] for node in perfect_parts(*span)])


def extend(size: int, leaves: list[bytes], stored: Callable[[Node], bytes]) -> dict[Node, bytes]:
    """The nodes completed by appending `leaves` to a tree of `size` leaves: every new leaf, and
    every perfect subtree that the new leaves complete. `stored` reads a node completed before
    (at most one per level: the left sibling of the first new node)."""
    new: dict[Node, bytes] = {(0, size + i): leaf for i, leaf in enumerate(leaves)}
    end = size + len(leaves)
    level = 1
    while (1 << level) <= end:
        first = size >> level  # the first node of this level not complete before
        for index in range(first, end >> level):
            children = [(level - 1, 2 * index), (level - 1, 2 * index + 1)]
            left, right = (new[c] if c in new else stored(c) for c in children)
            new[(level, index)] = node_hash(left, right)
        level += 1
    return new


def root(size: int, stored: Mapping[Node, bytes]) -> bytes:
    return EMPTY_ROOT if size == 0 else span_hash((0, size), stored)
