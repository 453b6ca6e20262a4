"""Each stored idempotency record's organisation: its user's. Where two users of one
organisation used the same key, the first answer stands for both from now on, as it would have
under the new scope: the later records are removed (they are stored answers, not the ledger; the
movements they answered stay), so that 0005 can make the key unique per organisation. A replay
of a removed record gets the first answer if it is the same request, else a 409, and never moves
credits twice."""

from django.db import migrations


def fill_organizations(apps, schema_editor):
    IdempotencyRecord = apps.get_model("ledger", "IdempotencyRecord")
    User = apps.get_model("accounts", "User")
    organizations = dict(User.objects.values_list("pk", "organization_id"))
    kept: set[tuple[int, str]] = set()
    records = IdempotencyRecord.objects.only("pk", "user_id", "key").order_by("created_at", "pk")
    for record in records.iterator():
        organization = organizations[record.user_id]
        if (organization, record.key) in kept:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            continue
        kept.add((organization, record.key))
        IdempotencyRecord.objects.filter(pk=record.pk).update(organization_id=organization)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_idempotency_keys_per_organization"),
    ]

    operations = [
        migrations.RunPython(fill_organizations, migrations.RunPython.noop),
    ]
