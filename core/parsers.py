"""The API's parsers: JSON refusing a body nested deeper than JSON_MAX_DEPTH, and CSV for tables.

Python's JSON reader and everything after it (serializer fields, the audit log's canonical
JSON) recurse once per level, so a body of a thousand nested brackets, which fits in a few
kilobytes, would end in a RecursionError and a 500. No request of the API nests more than a few
levels (`{"parameters": {"EG_export": [{"value": ..., "unit": ...}]}}` is four).
"""

import codecs
import csv
import html
import io
import re
from typing import Any

from django.conf import settings
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_noop
from rest_framework.exceptions import ParseError
from rest_framework.parsers import (
    BaseParser,
    DataAndFiles,
    JSONParser,
    MultiPartParser,
    get_encoding,
)
from rest_framework.settings import api_settings
from rest_framework.utils import json

from core.files import clean_filename
from core.messages import Message

JSON_TOO_DEEP = Message(
    gettext_noop("Nested too deeply: at most {limit} levels of objects and lists are accepted.")
)

# A JSON string (escapes included) or one of the characters that open, close or key a level.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}:]')


def too_deep(text: str, limit: int) -> str | None:
    """The field under which `text` nests more than `limit` objects and lists: the top-level
    key, or DRF's non-field key when the top level itself is too deep; None within the limit.

    It reads the text without recursion, token by token, before anything parses it.
    """
    if text.count("[") + text.count("{") <= limit:  # the common case, read at C speed
        return None
    depth = 0
    key: str | None = None
    last_string = ""
    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first == '"':
            last_string = token
        elif first in "[{":
            depth += 1
            if depth > limit:
                return key if key is not None else api_settings.NON_FIELD_ERRORS_KEY
        elif first in "]}":
            depth -= 1
        elif depth == 1:  # a colon in the top-level object: the string before it is a key
            try:
                key = json.loads(last_string)
            except ValueError:
                key = None
    return None


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSONParser, refusing a body nested deeper than `settings.JSON_MAX_DEPTH` with a
    400 that names the top-level field it is under: `{"text": ["Nested too deeply: ..."]}`."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        encoding = get_encoding(parser_context or {})
        try:
            text = codecs.getreader(encoding)(stream).read()
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from error
        limit = settings.JSON_MAX_DEPTH
        field = too_deep(text, limit)
        if field is not None:
            raise ParseError({field: [JSON_TOO_DEEP.format(limit=limit)]})
        parse_constant = json.strict_constant if self.strict else None
        try:
            return json.loads(text, parse_constant=parse_constant)
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from error
        except RecursionError as error:  # not reached within the limit; never a 500 anyway
            raise ParseError(
                {api_settings.NON_FIELD_ERRORS_KEY: [JSON_TOO_DEEP.format(limit=limit)]}
            ) from error


CSV_NOT_UTF8 = Message(gettext_noop("A CSV file is read as UTF-8 text."))
CSV_NO_HEADER = Message(gettext_noop("A CSV file starts with a header naming its columns."))


class CSVParser(BaseParser):
    """`text/csv`: a header naming the columns, then one row per line, parsed as
    `{"rows": [{column: text}]}`, each cell as written (a UTF-8 byte-order mark dropped). Only
    the views that take tables use it."""

    media_type = "text/csv"

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            text = stream.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ParseError(CSV_NOT_UTF8) from error
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            if not reader.fieldnames:
                raise ParseError(CSV_NO_HEADER)
            rows = [
                {
                    (column or "").strip(): value
                    for column, value in row.items()
                    if column is not None
                }
                for row in reader
            ]
        except csv.Error as error:
            raise ParseError(f"CSV parse error - {error}") from error
        return {"rows": rows}


class _FileNameRefusingParser(DjangoMultiPartParser):
    """Django's multipart parser, refusing a file name with a path separator or a control
    character (400 on `file`, before any byte of the file is written) where Django would strip
    them silently: a name is shown and sent back as given, or refused."""

    def sanitize_file_name(self, file_name: str) -> str | None:
        # Django reads HTML entities in the name ("&#47;" is "/"), so the check comes after.
        name = html.unescape(file_name)
        if name in {"", ".", ".."}:
            return None
        return clean_filename(name)


class FileUploadMultiPartParser(MultiPartParser):
    """Multipart form data whose file names are refused, not rewritten, when unsafe. Django's
    upload handlers keep a file above FILE_UPLOAD_MAX_MEMORY_SIZE in a temporary file."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        request = parser_context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        try:
            parser = _FileNameRefusingParser(
                meta, stream, request.upload_handlers, get_encoding(parser_context)
            )
            data, files = parser.parse()
        except MultiPartParserError as error:
            raise ParseError(f"Multipart form parse error - {error}") from error
        return DataAndFiles(data, files)
