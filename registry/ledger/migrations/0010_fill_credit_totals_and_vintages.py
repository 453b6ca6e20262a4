"""Fill the kept totals and the issuances' split by vintage from the blocks, as they stand.

Each vintage of an issuance was issued as one contiguous range that later movements only split,
so its range is the least first and greatest last of its blocks, its quantity their sum."""

from django.db import migrations

FILL_TOTALS = """
INSERT INTO ledger_credittotal
    (project_id, vintage, methodology_id, sector, province, active, frozen, retired, cancelled)
SELECT b.project_id, b.vintage, p.methodology_id, p.sector, p.province,
       COALESCE(SUM(b.quantity) FILTER (WHERE b.status = 'active'), 0),
       COALESCE(SUM(b.quantity) FILTER (WHERE b.status = 'frozen'), 0),
       COALESCE(SUM(b.quantity) FILTER (WHERE b.status = 'retired'), 0),
       COALESCE(SUM(b.quantity) FILTER (WHERE b.status = 'cancelled'), 0)
FROM ledger_creditblock b JOIN projects_project p ON p.id = b.project_id
GROUP BY b.project_id, b.vintage, p.methodology_id, p.sector, p.province
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
