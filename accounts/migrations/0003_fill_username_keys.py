"""Each existing user's username key (`accounts.usernames.name_key`), before the key is made
unique. Two existing usernames with the same key stop the migration, naming them: an operator
renames one (they are the look-alikes the key exists to refuse) and migrates again."""

from django.db import migrations

from accounts.usernames import name_key


def fill_username_keys(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    holders: dict[str, str] = {}
    for user in User.objects.only("pk", "username").order_by("pk").iterator():
        key = name_key(user.username)
        if key in holders:
            raise RuntimeError(
                f"Usernames {holders[key]!r} and {user.username!r} are the same name to a "
                "reader; rename one of them before migrating."
            )
        holders[key] = user.username
        User.objects.filter(pk=user.pk).update(username_key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_username_key"),
    ]

    operations = [
        migrations.RunPython(fill_username_keys, migrations.RunPython.noop),
    ]
