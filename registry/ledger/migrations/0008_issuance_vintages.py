"""An issuance stores its split by vintage (filled for earlier issuances in 0010), so that the
issuance list reads no block."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ledger", "0007_credit_totals")]

    operations = [
        migrations.AddField(
            model_name="issuance",
            name="vintages",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The split by vintage as issued, [{vintage, first, last, quantity}] in "
                "serial order: each vintage one contiguous range, which later movements only "
                "split.",
            ),
        ),
    ]
