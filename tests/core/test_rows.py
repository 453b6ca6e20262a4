"""core.rows: the ledger's hot-path reads and writes match what the ORM reads and writes, and its
row locks are real PostgreSQL row locks."""

import psycopg
import pytest
from django.db import connection, models, transaction
from django.db.transaction import TransactionManagementError
from django.forms.models import model_to_dict
from django.test.utils import isolate_apps
from django.utils import timezone

from core import rows
from core.models import AuditCheck, AuditEntry


def stored(instance) -> dict:
    """The row as the ORM reads it back."""
    fresh = type(instance).objects.get(pk=instance.pk)
    return {"pk": fresh.pk, **model_to_dict(fresh), "created_at": fresh.created_at}


@pytest.mark.django_db
def test_insert_numbers_the_row_and_fills_auto_now_add():
    before = timezone.now()
    check = rows.insert(AuditCheck(ok=False, entries=12, first_broken=7))
    assert check.pk is not None
    assert not check._state.adding
    assert before <= check.created_at <= timezone.now()
    assert stored(check) == {
        "pk": check.pk,
        "id": check.pk,
        "ok": False,
        "entries": 12,
        "first_broken": 7,
        "problem": "",
        "created_at": check.created_at,
    }


@pytest.mark.django_db
def test_insert_with_a_given_key_writes_json_the_orm_reads_back_unchanged():
    fields = {
        "id": 1,
        "recorded_at": timezone.now(),
        "actor_id": None,
        "actor_username": "",
        "action": "test.rows",
        "object_type": "core.auditcheck",
        "object_id": "1",
        "before": None,
        "after": {"quantity": 1, "serial": "CCER-P000001-2024-1-1", "nested": {"list": [1, "2"]}},
    }
    rows.insert(AuditEntry(**fields))
    entry = AuditEntry.objects.get(pk=1)
    assert entry.before is None
    assert entry.after == fields["after"]
    assert entry.recorded_at == fields["recorded_at"]


@pytest.mark.django_db
def test_select_reads_what_the_orm_reads_in_key_order():
    checks = [
        AuditCheck.objects.create(ok=number % 2 == 0, entries=number, first_broken=None)
        for number in range(3)
    ]
    read = rows.select(AuditCheck, [checks[2].pk, checks[0].pk, checks[2].pk, 10**9])
    assert [check.pk for check in read] == [checks[0].pk, checks[2].pk]
    for check in read:
        assert {"pk": check.pk, **model_to_dict(check), "created_at": check.created_at} == (
            stored(check)
        )
        assert not check._state.adding
    assert rows.select(AuditCheck, []) == []


@pytest.mark.django_db
def test_update_writes_only_the_named_fields():
    check = AuditCheck.objects.create(ok=True, entries=5)
    check.entries, check.ok = 6, False
    rows.update(check, "entries")
    fresh = AuditCheck.objects.get(pk=check.pk)
    assert (fresh.entries, fresh.ok) == (6, True)


@pytest.mark.django_db
def test_update_of_a_missing_row_raises_does_not_exist():
    check = AuditCheck.objects.create(ok=True, entries=5)
    AuditCheck.objects.filter(pk=check.pk).delete()
    with pytest.raises(AuditCheck.DoesNotExist):
        rows.update(check, "entries")


LOCKING_READS = {
    "FOR SHARE": "SELECT id FROM core_auditcheck WHERE id = %s FOR SHARE",
    "FOR UPDATE": "SELECT id FROM core_auditcheck WHERE id = %s FOR UPDATE",
}


@pytest.mark.django_db(transaction=True)
def test_a_row_lock_outside_a_transaction_is_refused():
    check = AuditCheck.objects.create(ok=True, entries=1)

    with pytest.raises(TransactionManagementError, match="inside a transaction"):
        rows.select(AuditCheck, [check.pk], lock="update")
    assert rows.select(AuditCheck, [check.pk]) == [check]


def other_session_can_lock(pk: int, clause: str) -> bool:
    """Whether another connection can take `clause` on the row at once (it gives up after
    200 ms instead of waiting)."""
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=False,
    ) as other:
        other.execute("SET lock_timeout = '200ms'")
        try:
            other.execute(LOCKING_READS[clause], [pk])
        except psycopg.errors.LockNotAvailable:
            return False
        return True


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("lock", "shared_allowed", "update_allowed"),
    [("share", True, False), ("update", False, False), (None, True, True)],
)
def test_select_takes_the_row_lock_asked_for(lock, shared_allowed, update_allowed):
    check = AuditCheck.objects.create(ok=True, entries=1)
    answers = {}
    with transaction.atomic():
        rows.select(AuditCheck, [check.pk], lock=lock)
        for clause in ("FOR SHARE", "FOR UPDATE"):
            answers[clause] = other_session_can_lock(check.pk, clause)
    assert answers == {"FOR SHARE": shared_allowed, "FOR UPDATE": update_allowed}


@isolate_apps("core")
@pytest.mark.parametrize("feature", ["database default", "generated field", "parent model"])
def test_a_model_feature_the_helpers_would_get_wrong_is_refused(feature):
    """The ORM leaves a database default out of an INSERT and never writes a generated column;
    a child model spans two tables. These helpers would write NULL, or one table: refused."""
    if feature == "database default":

        class Row(models.Model):
            status = models.CharField(max_length=8, db_default="new")

            class Meta:
                app_label = "core"

    elif feature == "generated field":

        class Row(models.Model):
            quantity = models.IntegerField()
            double = models.GeneratedField(
                expression=models.F("quantity") * 2,
                output_field=models.IntegerField(),
                db_persist=True,
            )

            class Meta:
                app_label = "core"

    else:

        class Parent(models.Model):
            name = models.CharField(max_length=8)

            class Meta:
                app_label = "core"

        class Row(Parent):
            extra = models.IntegerField()

            class Meta:
                app_label = "core"

    with pytest.raises(rows.UnsupportedModel, match="core.rows does not handle core.Row"):
        rows.insert(Row(pk=1))
    with pytest.raises(rows.UnsupportedModel):
        rows.select(Row, [1])


def orm_fields(instance) -> dict:
    """Every concrete field's value as the instance holds it."""
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


@pytest.mark.django_db
def test_select_by_reads_the_rows_and_their_related_rows_as_select_related_does(
    django_assert_num_queries,
):
    from knox.models import AuthToken

    from tests.conftest import make_organization, make_user

    user = make_user(make_organization("proponent", name="Donghai Wind Co."))
    other = make_user(make_organization("verifier", name="CQC Verification"))
    first, _ = AuthToken.objects.create(user=user)
    second, _ = AuthToken.objects.create(user=user)
    AuthToken.objects.create(user=other)
    # Two tokens that share a key prefix, as knox allows: both come back, in key order.
    AuthToken.objects.filter(pk=second.pk).update(token_key=first.token_key)
    expected = list(
        AuthToken.objects.select_related("user__organization")
        .filter(token_key=first.token_key)
        .order_by("pk")
    )

    with django_assert_num_queries(1):
        read = rows.select_by(
            AuthToken, "token_key", first.token_key, related=("user", "user__organization")
        )
        names = [token.user.organization.name for token in read]

    assert names == ["Donghai Wind Co.", "Donghai Wind Co."]
    assert [orm_fields(token) for token in read] == [orm_fields(token) for token in expected]
    assert [orm_fields(token.user) for token in read] == [orm_fields(user)] * 2
    assert [orm_fields(token.user.organization) for token in read] == [
        orm_fields(user.organization)
    ] * 2
    assert not any(token._state.adding or token.user._state.adding for token in read)
    assert rows.select_by(AuthToken, "token_key", "no such key", related=("user",)) == []


@pytest.mark.django_db
def test_select_by_refuses_a_path_it_would_read_wrongly():
    from knox.models import AuthToken

    with pytest.raises(ValueError, match="name user before it"):
        rows.select_by(AuthToken, "token_key", "x", related=("user__organization",))
    with pytest.raises(ValueError, match="expiry is not a foreign key"):
        rows.select_by(AuthToken, "token_key", "x", related=("expiry",))
    # A nullable key needs an outer join, which these helpers do not make.
    with pytest.raises(rows.UnsupportedModel, match="actor, a foreign key that may be null"):
        rows.select_by(AuditEntry, "action", "x", related=("actor",))


def prepared_statements() -> list[str]:
    """The statements this session has prepared (psycopg's, named `_pg3_<n>`)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        return [statement for name, statement in cursor.fetchall()]


@pytest.mark.django_db
def test_the_statements_are_prepared_once_per_connection():
    check = AuditCheck.objects.create(ok=True, entries=1)
    for entries in (2, 3):
        check.entries = entries
        rows.update(check, "entries")
        assert rows.select(AuditCheck, [check.pk])[0].entries == entries
    ours = [sql for sql in prepared_statements() if "core_auditcheck" in sql]
    assert sorted(sql.split()[0] for sql in ours) == ["SELECT", "UPDATE"]


@pytest.mark.django_db
def test_with_prepared_statements_off_nothing_is_prepared(monkeypatch):
    # What DATABASE_PREPARED_STATEMENTS=false makes of the connection (`prepare_threshold`).
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)
    check = AuditCheck.objects.create(ok=True, entries=1)
    check.entries = 2
    rows.update(check, "entries")
    assert rows.select(AuditCheck, [check.pk])[0].entries == 2
    assert not [sql for sql in prepared_statements() if "core_auditcheck" in sql]


def test_the_setting_sets_the_connection_s_prepare_threshold(monkeypatch):
    from config.settings.base import PSYCOPG_PREPARE_THRESHOLD, with_prepared_statements

    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    assert with_prepared_statements({})["OPTIONS"] == {
        "prepare_threshold": PSYCOPG_PREPARE_THRESHOLD
    }
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")
    assert with_prepared_statements({"OPTIONS": {"sslmode": "require"}})["OPTIONS"] == {
        "sslmode": "require",
        "prepare_threshold": None,
    }


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_gets_its_own_prepared_cursor():
    check = AuditCheck.objects.create(ok=True, entries=1)
    assert rows.select(AuditCheck, [check.pk]) == [check]
    connection.close()
    # The kept cursor belonged to the closed connection: the next read opens a new one.
    assert rows.select(AuditCheck, [check.pk]) == [check]
    assert [sql for sql in prepared_statements() if "core_auditcheck" in sql]


@pytest.mark.django_db
def test_django_logs_each_prepared_statement_with_its_own_sql():
    from django.test.utils import CaptureQueriesContext

    check = AuditCheck.objects.create(ok=True, entries=1)
    for _ in range(2):  # the second time, both statements run prepared
        with CaptureQueriesContext(connection) as captured:
            rows.update(check, "entries")
            rows.select(AuditCheck, [check.pk])
        logged = [query["sql"] for query in captured.captured_queries]
        assert [sql.split()[0] for sql in logged] == ["UPDATE", "SELECT"], logged
        assert all("core_auditcheck" in sql for sql in logged)
