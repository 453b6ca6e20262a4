"""Uploaded files: their type read from their bytes, their SHA-256, and content-addressed storage
through Django's storage API (STORAGES["default"]: a local folder, or S3 by settings).

A file is stored under its hash (`documents/ab/abcdef...`), never under the name it was sent
with, so a name can neither reach another path nor overwrite another file, and the same bytes
are stored once. Files are read in chunks: a 50 MB upload or download is never held in memory.
"""

import codecs
import csv
import hashlib
import io
import logging
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import puremagic
from django.core.files.storage import default_storage
from django.utils.translation import gettext_noop

from core.errors import DomainError, InvalidInput
from core.messages import Message

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024
# Downloads are copied into a temporary file as they are checked; up to this size in memory.
SPOOL_BYTES = 1024 * 1024
STORAGE_FOLDER = "documents"
FILENAME_MAX_LENGTH = 255

EMPTY_FILE = Message(gettext_noop("The file is empty."))
TOO_LARGE = Message(gettext_noop("The file is {size} bytes; at most {limit} bytes are accepted."))
TYPE_REFUSED = Message(
    gettext_noop(
        "Only PDF, images (PNG, JPEG, GIF, WebP), spreadsheets (XLSX, XLS, ODS) and CSV files are "
        "accepted; this file's bytes are not one of them."
    )
)
BAD_FILENAME = Message(
    gettext_noop("A file name may not contain path separators or control characters.")
)
NO_FILENAME = Message(gettext_noop("The file needs a name."))
LONG_FILENAME = Message(gettext_noop("A file name has at most {limit} characters."))
HASH_MISMATCH = Message(
    gettext_noop(
        "The stored file no longer matches the SHA-256 recorded when it was attached; it is not "
        "served."
    )
)


class FileTooLarge(DomainError):
    """A file above DOCUMENT_MAX_BYTES (413)."""

    status_code = 413


class StoredFileCorrupt(DomainError):
    """A stored file whose bytes no longer hash to the recorded SHA-256: a fault of the
    registry's storage, not of the request (500), and never served."""

    status_code = 500
    default_message = HASH_MISMATCH


@dataclass(frozen=True)
class CheckedFile:
    """An uploaded file that passed every check: its accepted type, size and SHA-256."""

    content_type: str
    size: int
    sha256: str


# The accepted types by the MIME type puremagic reads from a file's first bytes. ZIP and OLE2
# containers are looked into (`_spreadsheet`): a Word file is a ZIP or OLE2 file too.
_IMAGES_AND_PDF = {
    "application/pdf": "application/pdf",
    "image/png": "image/png",
    "image/jpeg": "image/jpeg",
    "image/gif": "image/gif",
    "image/webp": "image/webp",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLS = "application/vnd.ms-excel"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
CSV = "text/csv"
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An Excel 97-2003 file is an OLE2 compound file with a "Workbook" (or Excel 5's "Book")
# stream; its directory names are UTF-16.
_OLE2_WORKBOOK = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))


def clean_filename(name: str | None) -> str:
    """The name as sent, refused (400, on `file`) if it holds a path separator or a control
    character, or is empty or too long. It is only ever shown and sent back as a download's
    name, never used as a path."""
    if not name:
        raise InvalidInput({"file": NO_FILENAME})
    if any(
        character in "/\\" or unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp")
        for character in name
    ) or name in (".", ".."):
        raise InvalidInput({"file": BAD_FILENAME})
    if len(name) > FILENAME_MAX_LENGTH:
        raise InvalidInput({"file": LONG_FILENAME.format(limit=FILENAME_MAX_LENGTH)})
    return name


def _chunks(file: IO[bytes]) -> Iterator[bytes]:
    file.seek(0)
    while chunk := file.read(CHUNK_BYTES):
        yield chunk


def _contains(file: IO[bytes], needles: tuple[bytes, ...]) -> bool:
    """Whether any needle occurs in the file, read in chunks (overlapping by a needle's length)."""
    overlap = max(len(needle) for needle in needles)
    tail = b""
    for chunk in _chunks(file):
        window = tail + chunk
        if any(needle in window for needle in needles):
            return True
        tail = window[-overlap:]
    return False


def _spreadsheet(file: IO[bytes], head: bytes) -> str | None:
    """XLSX or ODS (ZIP: the `[Content_Types].xml` naming a workbook, or the `mimetype` entry),
    XLS (OLE2 with a workbook stream); None for any other container."""
    if head.startswith(ZIP_MAGIC):
        file.seek(0)
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    if archive.read("mimetype").strip() == ODS.encode():
                        return ODS
                    return None
                if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                    types = archive.read("[Content_Types].xml")
                    if b"spreadsheetml.sheet.main+xml" in types:
                        return XLSX
        except (zipfile.BadZipFile, OSError, ValueError, KeyError):
            return None
        return None
    if head.startswith(OLE2_MAGIC) and _contains(file, _OLE2_WORKBOOK):
        return XLS
    return None


def _is_csv(file: IO[bytes]) -> bool:
    """Text that is valid UTF-8 without NUL characters and that the csv module reads, with at
    least one line of more than one column or the same number of columns on every line."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in _chunks(file):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    file.seek(0)
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    try:
        widths = {len(row) for row in csv.reader(text, strict=True) if row}
    except csv.Error:
        return False
    finally:
        text.detach()
    return bool(widths) and (len(widths) == 1 or max(widths) > 1)


def sniff_type(file: IO[bytes]) -> str | None:
    """The file's accepted content type, read from its bytes alone; None if not accepted."""
    file.seek(0)
    head = file.read(8192)
    try:
        guesses = puremagic.magic_string(head)
    except puremagic.PureError:
        guesses = []
    for guess in guesses:
        # A signature where the format puts it: at the start (WebP: after "RIFF" and a size).
        at_start = guess.offset == 0 or (guess.offset == 8 and head.startswith(b"RIFF"))
        if guess.mime_type in _IMAGES_AND_PDF and at_start:
            return _IMAGES_AND_PDF[guess.mime_type]
    spreadsheet = _spreadsheet(file, head)
    if spreadsheet:
        return spreadsheet
    # Markup (HTML, SVG, XML) is never taken for CSV, whatever puremagic makes of it.
    markup = head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    if markup or head.startswith((ZIP_MAGIC, OLE2_MAGIC)):
        return None
    return CSV if _is_csv(file) else None


def sha256_of(file: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in _chunks(file):
        digest.update(chunk)
    return digest.hexdigest()


def check_upload(file: IO[bytes], size: int, max_bytes: int) -> CheckedFile:
    """Refuse an empty file (400), one above `max_bytes` (413) or one of a type not accepted
    (400, on `file`); else its type, size and SHA-256. Writes nothing."""
    if size <= 0:
        raise InvalidInput({"file": EMPTY_FILE})
    if size > max_bytes:
        raise FileTooLarge(TOO_LARGE.format(size=size, limit=max_bytes))
    content_type = sniff_type(file)
    if content_type is None:
        raise InvalidInput({"file": TYPE_REFUSED})
    return CheckedFile(content_type=content_type, size=size, sha256=sha256_of(file))


def storage_name(sha256: str) -> str:
    """Where a file with this hash is stored: never a name a client chose."""
    return f"{STORAGE_FOLDER}/{sha256[:2]}/{sha256}"


def store(file: IO[bytes], sha256: str) -> str:
    """Store the file under its hash, once: a file already stored under it is the same bytes.
    Returns its storage name."""
    name = storage_name(sha256)
    if default_storage.exists(name):
        return name
    file.seek(0)
    saved = default_storage.save(name, file)
    if saved != name:
        # Another upload of the same bytes stored it meanwhile: keep that one.
        default_storage.delete(saved)
    return name


def open_verified(name: str, sha256: str) -> IO[bytes]:
    """The stored file, copied into a temporary file (in memory up to SPOOL_BYTES, on disk
    beyond) while its SHA-256 is computed, and returned rewound only if it matches `sha256`;
    StoredFileCorrupt otherwise.

    The copy is what is served: a streamed answer cannot be taken back once begun, so the hash
    is checked before the first byte goes out, and reading the storage once means the bytes
    served are the bytes checked (an object store is read once, not twice)."""
    digest = hashlib.sha256()
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned open
    try:
        with default_storage.open(name, "rb") as stored:
            while chunk := stored.read(CHUNK_BYTES):
                digest.update(chunk)
                copy.write(chunk)
    except FileNotFoundError:
        copy.close()
        logger.error("Stored file %s is missing", name)
        raise StoredFileCorrupt() from None
    if digest.hexdigest() != sha256:
        copy.close()
        logger.error("Stored file %s hashes to %s, not %s", name, digest.hexdigest(), sha256)
        raise StoredFileCorrupt()
    copy.seek(0)
    return copy
