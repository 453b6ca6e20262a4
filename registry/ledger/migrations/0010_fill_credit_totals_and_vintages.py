"""Fill the kept totals and the issuances' split by vintage from the blocks, as they stand.

Each vintage of an issuance was issued as one contiguous range that later movements only split,
so its range is the least first and greatest last of its blocks, its quantity their sum."""

from django.db import migrations

FILL_TOTALS = """
INSERT INTO ledger_credittotal (project_id, vintage, active, frozen, retired, cancelled)
SELECT project_id, vintage,
       COALESCE(SUM(quantity) FILTER (WHERE status = 'active'), 0),
       COALESCE(SUM(quantity) FILTER (WHERE status = 'frozen'), 0),
       COALESCE(SUM(quantity) FILTER (WHERE status = 'retired'), 0),
       COALESCE(SUM(quantity) FILTER (WHERE status = 'cancelled'), 0)
FROM ledger_creditblock
GROUP BY project_id, vintage
"""

FILL_VINTAGES = """
UPDATE ledger_issuance i SET vintages = split.vintages
FROM (
    SELECT issuance_id,
           jsonb_agg(jsonb_build_object('vintage', vintage, 'first', first, 'last', last,
                                        'quantity', quantity) ORDER BY first) AS vintages
    FROM (
        SELECT issuance_id, vintage, MIN(first) AS first, MAX(last) AS last,
               SUM(quantity)::bigint AS quantity
        FROM ledger_creditblock GROUP BY issuance_id, vintage
    ) per_vintage
    GROUP BY issuance_id
) split
WHERE i.id = split.issuance_id
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0009_block_serial_range_index")]

    operations = [
        migrations.RunSQL(FILL_TOTALS, "DELETE FROM ledger_credittotal"),
        migrations.RunSQL(FILL_VINTAGES, "UPDATE ledger_issuance SET vintages = '[]'::jsonb"),
    ]
