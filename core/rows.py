"""Single-row reads and writes for the ledger's hot path, without the ORM's query compiler.

The ORM compiles every query anew: about 0.3 ms of CPU per statement on the registry's machines,
several times what PostgreSQL spends running it. A transfer makes nine statements, and the audit
chain head stays locked across the last three, so the compiler's time is time every other
movement waits. These helpers build each statement's SQL once per model and field list and send it
through the connection's cursor. They keep what `Model.save()` and a queryset do for a plain model
(each field's `pre_save`, such as `auto_now_add`, its conversion to and from the database, the
backend's converters) and leave out what the models they serve don't use: signals, deferred
fields and database routers. A model with a database default, a generated column or a parent
model is refused (`UnsupportedModel`), since these helpers would write or read it wrongly.

Kept on measurement (issue 9): against the ORM plus one raw `FOR KEY SHARE` query, interleaved
runs of `bench/ledger.py` gave 1.18 times the HTTP transfers per second at concurrency 8 (12 of 12
paired slices ahead) and 28% less CPU per transfer in-process.
"""

from collections.abc import Iterable
from functools import cache
from typing import Literal, TypeVar

from django.db import connection, models
from django.db.models import NOT_PROVIDED, GeneratedField
from django.db.transaction import TransactionManagementError

Model = TypeVar("Model", bound=models.Model)
Lock = Literal["update", "share"]

LOCK_CLAUSES = {"update": "FOR UPDATE", "share": "FOR SHARE"}
UNSUPPORTED = (
    "core.rows does not handle {model}: {feature}. Use the ORM for it, or teach core.rows "
    "what the ORM does there."
)


class UnsupportedModel(TypeError):
    """A model uses a feature these helpers would silently get wrong."""


@cache
def _fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    """The model's concrete fields, once it is known to use nothing these helpers leave out:
    a database default (the ORM leaves the column out of an INSERT, these helpers would write
    NULL), a generated column (never written), multi-table inheritance (two tables)."""
    meta = model._meta
    if meta.parents:
        raise UnsupportedModel(UNSUPPORTED.format(model=meta.label, feature="a parent model"))
    for field in meta.concrete_fields:
        if isinstance(field, GeneratedField):
            feature = f"generated field {field.name}"
            raise UnsupportedModel(UNSUPPORTED.format(model=meta.label, feature=feature))
        if field.db_default is not NOT_PROVIDED:
            feature = f"database default of {field.name}"
            raise UnsupportedModel(UNSUPPORTED.format(model=meta.label, feature=feature))
    return tuple(meta.concrete_fields)


# The SQL and the converters depend on the connection (its quoting, its converters): each cache
# below is keyed by the connection's alias, so a second database never gets the first's.


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


@cache
def _select_sql(
    alias: str,
    model: type[models.Model],
    count: int,
    lock: Lock | None,
    referenced_by: models.ForeignKey | None = None,
) -> str:
    meta = model._meta
    columns = ", ".join(_quote(field.column) for field in _fields(model))
    placeholders = ["%s"] * count
    if referenced_by is not None:
        # The row the foreign key of one row of another table points to, read by the same
        # statement: a scalar subquery, NULL (matching nothing) where that row is missing.
        source = referenced_by.model._meta
        placeholders.append(
            f"(SELECT {_quote(referenced_by.column)} FROM {_quote(source.db_table)} "  # noqa: S608
            f"WHERE {_quote(source.pk.column)} = %s)"
        )
    pk = _quote(meta.pk.column)
    # Names come from the model's metadata, quoted; values are always parameters.
    keys = ", ".join(placeholders)
    sql = f"SELECT {columns} FROM {_quote(meta.db_table)} WHERE {pk} IN ({keys})"  # noqa: S608
    sql += f" ORDER BY {pk}"
    if lock is not None:
        sql += f" {LOCK_CLAUSES[lock]}"
    return sql


@cache
def _converters(alias: str, model: type[models.Model]) -> tuple[tuple[int, tuple], ...]:
    """Per column, the backend's and the field's converters from database values to Python."""
    converters = []
    for index, field in enumerate(_fields(model)):
        column = field.get_col(model._meta.db_table)
        functions = tuple(
            connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        )
        if functions:
            converters.append((index, (column, functions)))
    return tuple(converters)


def select(
    model: type[Model],
    pks: Iterable,
    *,
    lock: Lock | None = None,
    referenced_by: tuple[models.ForeignKey, object] | None = None,
) -> list[Model]:
    """The rows of `model` with these primary keys, in key order, locked `FOR UPDATE` or
    `FOR SHARE` if asked: taking row locks in key order is what keeps two transactions from
    waiting on each other in a cycle. `referenced_by` (a foreign key to `model` and the primary
    key of a row of its table) adds, in the same statement, the row that row points to now."""
    if lock is not None and not connection.in_atomic_block:
        # As select_for_update(): a lock outside a transaction would end with the statement.
        raise TransactionManagementError("A row lock is taken inside a transaction only.")
    keys = sorted(set(pks))
    foreign_key, source_pk = referenced_by if referenced_by is not None else (None, None)
    if foreign_key is not None and foreign_key.target_field is not model._meta.pk:
        raise TypeError(f"{foreign_key} does not point to the primary key of {model._meta.label}")
    if not keys and foreign_key is None:
        return []
    attnames = [field.attname for field in _fields(model)]
    parameters = keys if foreign_key is None else [*keys, source_pk]
    with connection.cursor() as cursor:
        sql = _select_sql(connection.alias, model, len(keys), lock, foreign_key)
        cursor.execute(sql, parameters)
        rows = cursor.fetchall()
    converters = _converters(connection.alias, model)
    objects = []
    for row in rows:
        values = list(row)
        for index, (column, functions) in converters:
            for function in functions:
                values[index] = function(values[index], column, connection)
        objects.append(model.from_db(connection.alias, attnames, values))
    return objects


def _prepared(field: models.Field, instance: models.Model, *, add: bool) -> object:
    """The field's value as the ORM would write it (after `pre_save`, e.g. `auto_now_add`)."""
    return field.get_db_prep_save(field.pre_save(instance, add), connection)


@cache
def _insert_sql(alias: str, model: type[models.Model], with_pk: bool) -> tuple[str, tuple, bool]:
    meta = model._meta
    fields = tuple(field for field in _fields(model) if with_pk or field is not meta.auto_field)
    columns = ", ".join(_quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {_quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    returning = not with_pk
    if returning:
        sql += f" RETURNING {_quote(meta.pk.column)}"
    return sql, fields, returning


def insert(instance: Model) -> Model:
    """Insert `instance` as `instance.save(force_insert=True)` would, with its primary key
    filled in from the database where the model numbers its rows."""
    sql, fields, returning = _insert_sql(connection.alias, type(instance), instance.pk is not None)
    values = [_prepared(field, instance, add=True) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if returning:
            instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


@cache
def _update_sql(
    alias: str, model: type[models.Model], attnames: tuple[str, ...]
) -> tuple[str, tuple]:
    meta = model._meta
    _fields(model)  # refuses a model these helpers would get wrong
    fields = tuple(meta.get_field(name) for name in attnames)
    assignments = ", ".join(f"{_quote(field.column)} = %s" for field in fields)
    table, pk = _quote(meta.db_table), _quote(meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    return sql, fields


def update(instance: models.Model, *attnames: str) -> None:
    """Write these fields of `instance` to its row, as `instance.save(update_fields=...)`."""
    sql, fields = _update_sql(connection.alias, type(instance), attnames)
    values = [_prepared(field, instance, add=False) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, instance.pk])
        if cursor.rowcount != 1:
            raise type(instance).DoesNotExist(f"{instance._meta.label} {instance.pk} is gone")
