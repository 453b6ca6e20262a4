"""btree_gist: the exclusion constraints over serial and date ranges (`core.models.DateRange`,
`BigIntegerRange`) mix an equality on an id with an overlap of ranges in one GiST index."""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only_trigger")]

    operations = [BtreeGistExtension()]
