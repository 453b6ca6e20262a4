"""Importing the rows the national GEC system exports: all rows or none, every bad cell named,
a row imported before unchanged skipped, a row that contradicts a stored one refused."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from accounts.models import Organization, User
from certificates import rules
from certificates.locks import lock_imports
from certificates.models import (
    CertificateBlock,
    CertificateImport,
    CertificateRange,
    GenerationType,
)
from certificates.services import ccer_link
from certificates.validity import expires_on, is_expired
from core.audit import record_event
from core.errors import AccessDenied, InvalidRows
from core.jobs import Progress, reporting
from core.messages import Message
from core.provinces import Province

COLUMNS = (
    "serial_first",
    "serial_last",
    "generator_code",
    "generator_name",
    "generation_type",
    "province",
    "generation_month",
    "holder",
    "tradable",
)
# The data of a row besides its serials: what a re-import must repeat unchanged.
DATA_COLUMNS = COLUMNS[2:]
# Serial numbers are PostgreSQL bigints.
MAX_SERIAL = 2**63 - 1

NO_ROWS = Message(gettext_noop("Send at least one row."))
REQUIRED = Message(gettext_noop("This column is required."))
NOT_A_SERIAL = Message(
    gettext_noop("A serial number is a whole number from 1 to 9223372036854775807.")
)
SERIALS_REVERSED = Message(gettext_noop("serial_last is below serial_first."))
TOO_LONG = Message(gettext_noop("At most {limit} characters."))
UNKNOWN_TYPE = Message(gettext_noop("Not a generation type; one of: {choices}."))
UNKNOWN_PROVINCE = Message(gettext_noop("Not a province of mainland China (e.g. Jiangsu or 江苏)."))
NOT_A_MONTH = Message(gettext_noop("A month is written YYYY-MM, e.g. 2024-03."))
UNKNOWN_HOLDER = Message(gettext_noop("No organisation has this unified social credit code."))
NOT_A_FLAG = Message(gettext_noop("Write true or false."))
OVERLAPS_ROW = Message(gettext_noop("Serials {first}-{last} overlap row {other} of this import."))
OVERLAPS_STORED = Message(
    gettext_noop("Serials {first}-{last} overlap the imported range {other_first}-{other_last}.")
)
CONTRADICTS = Message(
    gettext_noop("Serials {first}-{last} were imported with {column} {stored!r}, not {sent!r}.")
)

TRUE = {"true", "1", "yes", "y", "是"}
FALSE = {"false", "0", "no", "n", "否"}
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
LIMITS = {"generator_code": 64, "generator_name": 200}


@cache
def _provinces() -> dict[str, str]:
    """Each province by its value and by its Chinese name (`Jiangsu`, `江苏`)."""
    names = {}
    # The English labels end in the Chinese name ("Jiangsu 江苏"), whatever the request's language.
    with translation.override("en"):
        for province in Province:
            names[province.value] = province.value
            names[str(province.label).split()[-1]] = province.value
    return names


@dataclass(frozen=True)
class ImportResult:
    batch: CertificateImport
    imported: int
    skipped: int
    blocks: int


class _Row:
    """One parsed row: `values` by column, `problems` as (column, message)."""

    def __init__(self, number: int, raw: Mapping[str, Any], holders: dict[str, Organization]):
        self.number = number
        self.problems: list[tuple[str, str]] = []
        self.values: dict[str, Any] = {}
        provinces = _provinces()
        for column in COLUMNS:
            value = raw.get(column)
            text = "" if value is None else str(value).strip()
            if text == "":
                self.problems.append((column, REQUIRED))
                continue
            parse = getattr(self, f"_parse_{column}", None)
            try:
                self.values[column] = parse(text) if parse else self._parse_text(column, text)
            except ValueError as error:
                # The Message itself, not str(): a web page shows it translated.
                self.problems.append((column, error.args[0] if error.args else str(error)))
        if "province" in self.values:
            province = provinces.get(self.values["province"])
            if province is None:
                self.problems.append(("province", UNKNOWN_PROVINCE))
            self.values["province"] = province
        if "holder" in self.values:
            self.values["holder"] = holders.get(self.values["holder"])
            if self.values["holder"] is None:
                self.problems.append(("holder", UNKNOWN_HOLDER))
        first, last = self.values.get("serial_first"), self.values.get("serial_last")
        if first is not None and last is not None and last < first:
            self.problems.append(("serial_last", SERIALS_REVERSED))

    @staticmethod
    def _parse_serial(text: str) -> int:
        if not text.isdigit() or not 1 <= int(text) <= MAX_SERIAL:
            raise ValueError(NOT_A_SERIAL)
        return int(text)

    _parse_serial_first = _parse_serial
    _parse_serial_last = _parse_serial

    @staticmethod
    def _parse_text(column: str, text: str) -> str:
        limit = LIMITS.get(column)
        if limit is not None and len(text) > limit:
            raise ValueError(TOO_LONG.format(limit=limit))
        return text

    @staticmethod
    def _parse_generation_type(text: str) -> str:
        if text not in GenerationType.values:
            raise ValueError(UNKNOWN_TYPE.format(choices=", ".join(GenerationType.values)))
        return text

    @staticmethod
    def _parse_province(text: str) -> str:
        return text

    @staticmethod
    def _parse_generation_month(text: str) -> date:
        match = MONTH.match(text)
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
            raise ValueError(NOT_A_MONTH)
        return date(int(match.group(1)), int(match.group(2)), 1)

    @staticmethod
    def _parse_holder(text: str) -> str:
        return text.upper()

    @staticmethod
    def _parse_tradable(text: str) -> bool:
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise ValueError(NOT_A_FLAG)

    @property
    def serials(self) -> tuple[int, int]:
        return self.values["serial_first"], self.values["serial_last"]

    def contradiction(self, stored: CertificateRange) -> tuple[str, Any, Any] | None:
        """The first column in which this row differs from the stored row of the same range."""
        for column in DATA_COLUMNS:
            sent = self.values[column]
            kept = getattr(stored, column)
            if column == "holder":
                sent, kept = (
                    sent.unified_social_credit_code,
                    stored.holder.unified_social_credit_code,
                )
            if sent != kept:
                if isinstance(sent, date):
                    sent, kept = f"{sent:%Y-%m}", f"{kept:%Y-%m}"
                return column, kept, sent
        return None


def _stored_overlapping(rows: list[_Row]) -> dict[int, list[CertificateRange]]:
    """The stored ranges each row overlaps, by row number, in serial order: one query for all
    rows, each probing the ranges' GiST index (the exclusion constraint's `int8range`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT sent.number, stored.id
            FROM unnest(%s::bigint[], %s::bigint[], %s::integer[]) AS sent(first, last, number)
            JOIN certificates_certificaterange AS stored
              ON int8range(stored.serial_first, stored.serial_last, '[]')
                 && int8range(sent.first, sent.last, '[]')
            ORDER BY sent.number, stored.serial_first
            """,
            [
                [row.serials[0] for row in rows],
                [row.serials[1] for row in rows],
                [row.number for row in rows],
            ],
        )
        pairs = cursor.fetchall()
    ranges = CertificateRange.objects.select_related("holder").in_bulk(
        {range_id for _, range_id in pairs}
    )
    overlapping: dict[int, list[CertificateRange]] = {}
    for number, range_id in pairs:
        overlapping.setdefault(number, []).append(ranges[range_id])
    return overlapping


def _compare(
    parsed: list[_Row], progress: Progress | None = None
) -> tuple[list[_Row], int, list[dict[str, Any]]]:
    """The rows to insert, the number skipped, and the problems: rows overlapping each other or
    stored rows, or repeating a stored range with other data, reporting to `progress` the rows
    compared. Caller holds the import lock."""
    problems: list[dict[str, Any]] = []
    new: list[_Row] = []
    skipped = 0
    reach: _Row | None = None  # of the rows before, the one whose range reaches furthest
    overlapping = _stored_overlapping(parsed)
    for row in reporting(sorted(parsed, key=lambda row: (row.serials, row.number)), progress):
        first, last = row.serials
        if reach is not None and reach.serials[1] >= first:
            problems.append(_problem(row, "serial_first", OVERLAPS_ROW.format(
                first=first, last=last, other=reach.number)))  # fmt: skip
            if last > reach.serials[1]:
                reach = row
            continue
        if reach is None or last > reach.serials[1]:
            reach = row
        stored = overlapping.get(row.number, [])
        if not stored:
            new.append(row)
            continue
        same = stored[0]
        if len(stored) == 1 and (same.serial_first, same.serial_last) == (first, last):
            difference = row.contradiction(same)
            if difference is None:
                skipped += 1
                continue
            column, kept, sent = difference
            problems.append(_problem(row, column, CONTRADICTS.format(
                first=first, last=last, column=column, stored=kept, sent=sent)))  # fmt: skip
            continue
        problems.append(_problem(row, "serial_first", OVERLAPS_STORED.format(
            first=first, last=last, other_first=same.serial_first,
            other_last=same.serial_last)))  # fmt: skip
    return new, skipped, problems


def _problem(row: _Row, column: str, message: str) -> dict[str, Any]:
    return {"row": row.number, "column": column, "message": message}


def _arriving_state(source: CertificateRange, today: date, links: ccer_link.ImportLinks) -> str:
    """A new row's block is `expired` past its validity, `frozen` where its plant's electricity
    of that month earns a registered project's credits (the GEC-CCER link), else `active`."""
    if is_expired(source.expires_on, today):
        return CertificateBlock.State.EXPIRED
    if links.project_for(source.generator_code, source.generation_month) is not None:
        return CertificateBlock.State.FROZEN
    return CertificateBlock.State.ACTIVE


@transaction.atomic
def import_certificates(
    *, actor: User, rows: Sequence[Mapping[str, Any]], progress: Progress | None = None
) -> ImportResult:
    """Import rows of the national GEC system's export (columns `COLUMNS`), all or none: each
    new row becomes a stored range and one active block held by the organisation whose unified
    social credit code it names, valid until `certificates.validity.expires_on` (a row already
    past it is imported `expired`, one whose month the GEC-CCER link governs `frozen`). A row
    imported before, unchanged, is skipped. Any bad row refuses the whole import, every bad cell
    named (`InvalidRows`). `progress(rows_done)`, if given, hears of the rows compared with the
    stored ones, the slow part (a job's, `certificates.services.import_jobs`)."""
    if not rules.can_import(actor):
        raise AccessDenied()
    if not rows:
        raise InvalidRows([{"row": 0, "column": "rows", "message": NO_ROWS}])
    codes = {str(row.get("holder") or "").strip().upper() for row in rows}
    holders = {
        organization.unified_social_credit_code: organization
        for organization in Organization.objects.filter(unified_social_credit_code__in=codes)
    }
    parsed = [_Row(number, row, holders) for number, row in enumerate(rows, start=1)]
    problems = [
        {"row": row.number, "column": column, "message": message}
        for row in parsed
        for column, message in row.problems
    ]
    if problems:
        raise InvalidRows(problems)
    # One import at a time: the comparison with stored rows holds until the insert commits.
    lock_imports()
    new, skipped, problems = _compare(parsed, progress)
    if problems:
        raise InvalidRows(sorted(problems, key=lambda problem: problem["row"]))
    batch = CertificateImport.objects.create(
        imported_by=actor, rows=len(rows), imported=len(new), skipped=skipped
    )
    today = timezone.localdate()
    ranges = CertificateRange.objects.bulk_create(
        [
            CertificateRange(
                batch=batch,
                serial_first=row.values["serial_first"],
                serial_last=row.values["serial_last"],
                quantity=row.values["serial_last"] - row.values["serial_first"] + 1,
                expires_on=expires_on(row.values["generation_month"]),
                **{column: row.values[column] for column in DATA_COLUMNS},
            )
            for row in sorted(new, key=lambda row: row.number)
        ]
    )
    # Read under the import lock, which every link is written under (the GEC-CCER link).
    links = ccer_link.import_links(source.generator_code for source in ranges)
    blocks = CertificateBlock.objects.bulk_create(
        [
            CertificateBlock(
                source=source,
                serial_first=source.serial_first,
                serial_last=source.serial_last,
                quantity=source.quantity,
                state=_arriving_state(source, today, links),
                expires_on=source.expires_on,
                **{column: getattr(source, column) for column in DATA_COLUMNS},
            )
            for source in ranges
        ]
    )
    record_event(
        actor=actor,
        action="certificates.import",
        target=batch,
        after={
            "rows": len(rows),
            "imported": len(new),
            "skipped": skipped,
            "blocks": len(ranges),
            "certificates": sum(source.quantity for source in ranges),
        },
    )
    ccer_link.record_frozen_on_import(actor=actor, blocks=blocks, links=links)
    return ImportResult(batch=batch, imported=len(new), skipped=skipped, blocks=len(ranges))
