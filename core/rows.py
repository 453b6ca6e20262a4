"""Single-row reads and writes for the registry's hot paths (the ledger's movements, the API
token's read), without the ORM's query compiler.

The ORM compiles every query anew: about 0.3 ms of CPU per statement on the registry's machines,
several times what PostgreSQL spends running it. These helpers build each statement's SQL once
per model and field list and send it through one cursor per connection that binds parameters
on the server and prepares each statement once (`_PreparingCursor`). They keep what
`Model.save()` and a queryset do for a plain model (each field's `pre_save`, such as
`auto_now_add`, its conversion to and from the database, the backend's converters) and leave out
what the models they serve don't use: signals, deferred fields and database routers. A model with
a database default, a generated column or a parent model is refused (`UnsupportedModel`), since
these helpers would write or read it wrongly.

Kept on measurement. Issue 9: against the ORM plus one raw `FOR KEY SHARE` query, interleaved
runs of `bench/ledger.py` gave 1.18 times the HTTP transfers per second at concurrency 8 (12 of 12
paired slices ahead) and 28% less CPU per transfer in-process. Issue 13: prepared statements took
PostgreSQL's CPU per transfer from 1.05 ms to 0.75 ms; with the token read through `select_by`
and the answer's fields built once (`core.serializers.FieldsBuiltOnce`), an HTTP transfer's CPU
in Django fell from about 6.5 ms to 2.5 ms (in-process, one client).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, Literal, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorWrapper
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


class _PreparingCursor(ServerBindingCursor):
    """A cursor that sends its parameters apart from the SQL, and asks for each statement to be
    prepared: PostgreSQL then parses and plans each of these few statements once per connection,
    not on every call. The connection's `prepare_threshold` (`DATABASES` `OPTIONS`, set from
    `DATABASE_PREPARED_STATEMENTS`) decides: None, as it must be behind a pooler that does not
    keep prepared statements, prepares nothing. Django's own cursors bind their parameters into
    the SQL and never prepare, whatever the threshold."""

    def execute(self, query: Any, params: Any = None, **options: Any) -> "_PreparingCursor":
        return super().execute(query, params, **{**options, "prepare": True})

    def _send_query_prepared(self, name: bytes, pgq: Any, **options: Any) -> None:
        # psycopg keeps the statement it sent (`_query`, which Django reads to log and count
        # queries) only when it sends it unprepared: keep it here too, or Django would log no
        # SQL, or the SQL of the cursor's previous statement.
        self._query = pgq
        super()._send_query_prepared(name, pgq, **options)


def _database() -> BaseDatabaseWrapper:
    """The default connection, looked up once per call: each attribute read through the
    `connection` proxy looks it up again."""
    return connections[DEFAULT_DB_ALIAS]


@contextmanager
def cursor() -> Iterator[CursorWrapper]:
    """A cursor of the default connection for these helpers' statements (`_PreparingCursor`).
    Its statements go through Django's wrappers, so they are logged, counted and time-limited
    like any other; the connection is checked and opened as `connection.cursor()` does."""
    database = _database()
    database.close_if_health_check_failed()
    database.ensure_connection()
    # One cursor per connection, kept open for the next call: making and closing a cursor for
    # each of a movement's statements cost more than running some of them.
    prepared = getattr(database, "_rows_cursor", None)
    if prepared is None or prepared.closed or prepared.connection is not database.connection:
        prepared = database._rows_cursor = _PreparingCursor(database.connection)
    with database.wrap_database_errors:
        # What `connection.cursor()` does with the cursor it makes: the debug wrapper when
        # queries are logged, the thread check, the execute wrappers.
        wrapped = database._prepare_cursor(prepared)
    yield wrapped


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
    database = _database()
    if lock is not None and not database.in_atomic_block:
        # As select_for_update(): a lock outside a transaction would end with the statement.
        raise TransactionManagementError("A row lock is taken inside a transaction only.")
    keys = sorted(set(pks))
    foreign_key, source_pk = referenced_by if referenced_by is not None else (None, None)
    if foreign_key is not None and foreign_key.target_field is not model._meta.pk:
        raise TypeError(f"{foreign_key} does not point to the primary key of {model._meta.label}")
    if not keys and foreign_key is None:
        return []
    parameters = keys if foreign_key is None else [*keys, source_pk]
    sql = _select_sql(database.alias, model, len(keys), lock, foreign_key)
    with cursor() as rows_cursor:
        rows_cursor.execute(sql, parameters)
        rows = rows_cursor.fetchall()
    return [_from_db(database, model, row) for row in rows]


def _from_db(database: BaseDatabaseWrapper, model: type[Model], values: Iterable) -> Model:
    """An instance of `model` from its columns' values as the database sent them."""
    values = list(values)
    for index, (column, functions) in _converters(database.alias, model):
        for function in functions:
            values[index] = function(values[index], column, database)
    attnames = [field.attname for field in _fields(model)]
    return model.from_db(database.alias, attnames, values)


@cache
def _joins(
    model: type[models.Model], related: tuple[str, ...]
) -> tuple[tuple[str, models.ForeignKey, str], ...]:
    """For each path of `related` ("user", "user__organization"): the path, its foreign key
    and the path of the row that holds the key ("" for `model`'s own)."""
    models_by_path: dict[str, type[models.Model]] = {"": model}
    joins = []
    for path in related:
        holder, _, name = path.rpartition("__")
        if holder not in models_by_path:
            raise ValueError(f"{path}: name {holder} before it in `related`")
        key = models_by_path[holder]._meta.get_field(name)
        if not (key.many_to_one or key.one_to_one) or not key.concrete:
            raise ValueError(f"{path} is not a foreign key of {models_by_path[holder]._meta.label}")
        if key.null or key.target_field is not key.related_model._meta.pk:
            # A NULL key would need an outer join and a row of NULLs read as no row.
            feature = f"{path}, a foreign key that may be null or names no primary key"
            raise UnsupportedModel(UNSUPPORTED.format(model=model._meta.label, feature=feature))
        models_by_path[path] = key.related_model
        joins.append((path, key, holder))
    return tuple(joins)


@cache
def _select_by_sql(
    alias: str, model: type[models.Model], field_name: str, related: tuple[str, ...]
) -> str:
    tables = {"": "t0"}
    sources = [f"{_quote(model._meta.db_table)} t0"]
    columns = [f"t0.{_quote(field.column)}" for field in _fields(model)]
    for number, (path, key, holder) in enumerate(_joins(model, related), start=1):
        target = key.related_model._meta
        tables[path] = table = f"t{number}"
        sources.append(
            f"JOIN {_quote(target.db_table)} {table} "
            f"ON {table}.{_quote(target.pk.column)} = {tables[holder]}.{_quote(key.column)}"
        )
        columns += [f"{table}.{_quote(field.column)}" for field in _fields(key.related_model)]
    where = _quote(model._meta.get_field(field_name).column)
    pk = _quote(model._meta.pk.column)
    # Names come from the models' metadata, quoted; the value is a parameter.
    return (
        f"SELECT {', '.join(columns)} FROM {' '.join(sources)} "  # noqa: S608
        f"WHERE t0.{where} = %s ORDER BY t0.{pk}"
    )


def select_by(
    model: type[Model], field_name: str, value: object, *, related: tuple[str, ...] = ()
) -> list[Model]:
    """The rows of `model` whose `field_name` equals `value`, in key order, each with the rows
    its foreign keys `related` point to read by the same statement, as `select_related(*related)`
    would (a path through a related row, "user__organization", names "user" first). The keys
    must not be nullable."""
    joins = _joins(model, related)
    database = _database()
    sql = _select_by_sql(database.alias, model, field_name, related)
    with cursor() as rows_cursor:
        rows_cursor.execute(sql, [value])
        rows = rows_cursor.fetchall()
    objects = []
    for row in rows:
        start = len(_fields(model))
        instance = _from_db(database, model, row[:start])
        by_path = {"": instance}
        for path, key, holder in joins:
            width = len(_fields(key.related_model))
            by_path[path] = _from_db(database, key.related_model, row[start : start + width])
            key.set_cached_value(by_path[holder], by_path[path])
            start += width
        objects.append(instance)
    return objects


def _prepared(
    database: BaseDatabaseWrapper, field: models.Field, instance: models.Model, *, add: bool
) -> object:
    """The field's value as the ORM would write it (after `pre_save`, e.g. `auto_now_add`)."""
    return field.get_db_prep_save(field.pre_save(instance, add), database)


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
    database = _database()
    sql, fields, returning = _insert_sql(database.alias, type(instance), instance.pk is not None)
    values = [_prepared(database, field, instance, add=True) for field in fields]
    with cursor() as insert_cursor:
        insert_cursor.execute(sql, values)
        if returning:
            instance.pk = insert_cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = database.alias
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
    database = _database()
    sql, fields = _update_sql(database.alias, type(instance), attnames)
    values = [_prepared(database, field, instance, add=False) for field in fields]
    with cursor() as update_cursor:
        update_cursor.execute(sql, [*values, instance.pk])
        if update_cursor.rowcount != 1:
            raise type(instance).DoesNotExist(f"{instance._meta.label} {instance.pk} is gone")
