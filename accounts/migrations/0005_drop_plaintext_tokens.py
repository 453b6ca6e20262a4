"""API tokens were DRF's `authtoken_token` rows: keys in plain text that never expired. Tokens are
now knox's digests with an expiry; the old table goes, so no plain-text key outlives the switch
(its holders sign in again). Nothing to restore on the way back: the old keys are gone."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_username_key_unique"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
