"""The CSV parser of the views that take tables, and the refusal that names bad rows."""

import io

import pytest
from rest_framework.exceptions import ParseError

from core.errors import InvalidRows
from core.parsers import CSV_NO_HEADER, CSV_NOT_UTF8, CSVParser


def parse(data: bytes):
    return CSVParser().parse(io.BytesIO(data))


def test_a_header_then_rows_become_a_list_of_rows():
    parsed = parse("\ufeffa, b\n1,江苏\n2,\n".encode())

    assert parsed == {"rows": [{"a": "1", "b": "江苏"}, {"a": "2", "b": ""}]}


def test_a_short_line_leaves_its_missing_cells_empty_and_extra_cells_are_dropped():
    assert parse(b"a,b\n1\n1,2,3\n") == {"rows": [{"a": "1", "b": None}, {"a": "1", "b": "2"}]}


def test_a_quoted_cell_may_hold_commas_and_newlines():
    assert parse(b'a,b\n"x, y","line\nbreak"\n') == {"rows": [{"a": "x, y", "b": "line\nbreak"}]}


def test_a_header_alone_has_no_rows():
    assert parse(b"a,b\n") == {"rows": []}


def test_an_empty_body_is_refused():
    with pytest.raises(ParseError) as refused:
        parse(b"")

    assert refused.value.detail == CSV_NO_HEADER


def test_text_that_is_not_utf8_is_refused():
    with pytest.raises(ParseError) as refused:
        parse("省份\n".encode("gbk"))

    assert refused.value.detail == CSV_NOT_UTF8


def test_bad_rows_are_named_in_one_body():
    error = InvalidRows([{"row": 3, "column": "province", "message": "Not a province."}])

    assert error.status_code == 400
    assert error.errors == {
        "rows": [{"row": 3, "column": "province", "message": "Not a province."}]
    }
    assert error.message == "1 problems in the rows; the first: row 3, province: Not a province."
