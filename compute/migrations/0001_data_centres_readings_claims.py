"""Data centres, their readings (current ones never overlapping: btree_gist) and the green
certificate claims made with them."""

import django.contrib.postgres.constraints
import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models

import compute.models
import core.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0005_drop_plaintext_tokens"),
        ("certificates", "0001_certificates_imports_blocks_claims"),
        ("core", "0003_btree_gist"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DataCentre",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("name", models.CharField(max_length=200)),
                (
                    "province",
                    models.CharField(
                        choices=[
                            ("Beijing", "Beijing 北京"),
                            ("Tianjin", "Tianjin 天津"),
                            ("Hebei", "Hebei 河北"),
                            ("Shanxi", "Shanxi 山西"),
                            ("Inner Mongolia", "Inner Mongolia 内蒙古"),
                            ("Liaoning", "Liaoning 辽宁"),
                            ("Jilin", "Jilin 吉林"),
                            ("Heilongjiang", "Heilongjiang 黑龙江"),
                            ("Shanghai", "Shanghai 上海"),
                            ("Jiangsu", "Jiangsu 江苏"),
                            ("Zhejiang", "Zhejiang 浙江"),
                            ("Anhui", "Anhui 安徽"),
                            ("Fujian", "Fujian 福建"),
                            ("Jiangxi", "Jiangxi 江西"),
                            ("Shandong", "Shandong 山东"),
                            ("Henan", "Henan 河南"),
                            ("Hubei", "Hubei 湖北"),
                            ("Hunan", "Hunan 湖南"),
                            ("Guangdong", "Guangdong 广东"),
                            ("Guangxi", "Guangxi 广西"),
                            ("Hainan", "Hainan 海南"),
                            ("Chongqing", "Chongqing 重庆"),
                            ("Sichuan", "Sichuan 四川"),
                            ("Guizhou", "Guizhou 贵州"),
                            ("Yunnan", "Yunnan 云南"),
                            ("Tibet", "Tibet 西藏"),
                            ("Shaanxi", "Shaanxi 陕西"),
                            ("Gansu", "Gansu 甘肃"),
                            ("Qinghai", "Qinghai 青海"),
                            ("Ningxia", "Ningxia 宁夏"),
                            ("Xinjiang", "Xinjiang 新疆"),
                        ],
                        max_length=32,
                    ),
                ),
                ("grid_region", models.CharField(max_length=32)),
                (
                    "hub_node",
                    models.BooleanField(
                        default=False,
                        help_text="In a national hub-node cluster (East Data West Computing).",
                    ),
                ),
                ("commissioned_on", models.DateField(blank=True, null=True)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="data_centres",
                        to="accounts.organization",
                    ),
                ),
                (
                    "registered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["name", "id"],
            },
        ),
        migrations.CreateModel(
            name="Reading",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("period_start", models.DateField(help_text="The first day of the period.")),
                (
                    "period_end",
                    models.DateField(help_text="The day after the last day of the period."),
                ),
                ("total_energy_kwh", models.DecimalField(decimal_places=3, max_digits=20)),
                ("it_energy_kwh", models.DecimalField(decimal_places=3, max_digits=20)),
                (
                    "onsite_renewable_kwh",
                    models.DecimalField(decimal_places=3, default=0, max_digits=20),
                ),
                (
                    "water_m3",
                    models.DecimalField(blank=True, decimal_places=3, max_digits=20, null=True),
                ),
                (
                    "certificates_quantity",
                    models.BigIntegerField(
                        default=0,
                        help_text="Green certificates claimed for the period, with this reading and the ones it corrects; one certificate is 1,000 kWh.",
                    ),
                ),
                (
                    "superseded_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When a correction superseded it; empty while current.",
                        null=True,
                    ),
                ),
                (
                    "green_energy_kwh",
                    models.DecimalField(
                        decimal_places=3,
                        help_text="On-site renewables plus certificates.",
                        max_digits=22,
                    ),
                ),
                (
                    "grid_energy_kwh",
                    models.DecimalField(
                        decimal_places=3, help_text="Total minus on-site renewables.", max_digits=22
                    ),
                ),
                ("pue", models.DecimalField(decimal_places=6, max_digits=14)),
                ("renewable_share", models.DecimalField(decimal_places=6, max_digits=9)),
                ("location_based_tco2e", models.DecimalField(decimal_places=6, max_digits=26)),
                ("market_based_tco2e", models.DecimalField(decimal_places=6, max_digits=26)),
                ("energy_for_assessment_kwh", models.DecimalField(decimal_places=3, max_digits=22)),
                ("energy_for_assessment_tce", models.DecimalField(decimal_places=6, max_digits=26)),
                (
                    "cue",
                    models.DecimalField(
                        decimal_places=6,
                        help_text="Location-based kgCO2e per kWh of IT energy.",
                        max_digits=16,
                    ),
                ),
                (
                    "cue_market_based",
                    models.DecimalField(
                        decimal_places=6,
                        help_text="Market-based kgCO2e per kWh of IT energy.",
                        max_digits=16,
                    ),
                ),
                (
                    "wue",
                    models.DecimalField(
                        blank=True,
                        decimal_places=6,
                        help_text="Litres of water per kWh of IT energy.",
                        max_digits=16,
                        null=True,
                    ),
                ),
                ("location_series", models.CharField(max_length=64)),
                ("location_region", models.CharField(max_length=32)),
                ("location_factor_year", models.PositiveSmallIntegerField()),
                (
                    "location_factor",
                    models.DecimalField(decimal_places=6, help_text="kgCO2/kWh.", max_digits=20),
                ),
                ("location_provisional", models.BooleanField()),
                ("market_series", models.CharField(max_length=64)),
                ("market_region", models.CharField(max_length=32)),
                ("market_factor_year", models.PositiveSmallIntegerField()),
                (
                    "market_factor",
                    models.DecimalField(decimal_places=6, help_text="kgCO2/kWh.", max_digits=20),
                ),
                ("market_provisional", models.BooleanField()),
                ("tier", models.CharField(max_length=64)),
                (
                    "data_centre",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="readings",
                        to="compute.datacentre",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "supersedes",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="superseded_by",
                        to="compute.reading",
                    ),
                ),
            ],
            options={
                "ordering": ["data_centre_id", "-period_start", "-id"],
            },
        ),
        migrations.CreateModel(
            name="ReadingClaim",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "named_block",
                    models.BigIntegerField(
                        help_text="The block the request named; the claimed certificates are split off it."
                    ),
                ),
                (
                    "claim",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reading_claim",
                        to="certificates.certificateclaim",
                    ),
                ),
                (
                    "reading",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="claims",
                        to="compute.reading",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
            },
        ),
        migrations.AddConstraint(
            model_name="datacentre",
            constraint=models.UniqueConstraint(
                fields=("owner", "name"), name="data_centre_name_per_owner"
            ),
        ),
        migrations.AddConstraint(
            model_name="datacentre",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "province__in",
                        [
                            "Beijing",
                            "Tianjin",
                            "Hebei",
                            "Shanxi",
                            "Inner Mongolia",
                            "Liaoning",
                            "Jilin",
                            "Heilongjiang",
                            "Shanghai",
                            "Jiangsu",
                            "Zhejiang",
                            "Anhui",
                            "Fujian",
                            "Jiangxi",
                            "Shandong",
                            "Henan",
                            "Hubei",
                            "Hunan",
                            "Guangdong",
                            "Guangxi",
                            "Hainan",
                            "Chongqing",
                            "Sichuan",
                            "Guizhou",
                            "Yunnan",
                            "Tibet",
                            "Shaanxi",
                            "Gansu",
                            "Qinghai",
                            "Ningxia",
                            "Xinjiang",
                        ],
                    )
                ),
                name="data_centre_province_valid",
            ),
        ),
        migrations.AddIndex(
            model_name="reading",
            index=models.Index(
                condition=models.Q(("superseded_at__isnull", True)),
                fields=["data_centre", "period_start"],
                name="reading_current_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="reading",
            constraint=models.CheckConstraint(
                condition=models.Q(("period_end__gt", models.F("period_start"))),
                name="reading_period_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="reading",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("period_end__lte", compute.models.NewYearAfter("period_start"))
                ),
                name="reading_within_one_year",
            ),
        ),
        migrations.AddConstraint(
            model_name="reading",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("it_energy_kwh__gt", 0), ("it_energy_kwh__lte", models.F("total_energy_kwh"))
                ),
                name="reading_it_energy_within_total",
            ),
        ),
        migrations.AddConstraint(
            model_name="reading",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("onsite_renewable_kwh__gte", 0),
                    ("onsite_renewable_kwh__lte", models.F("total_energy_kwh")),
                ),
                name="reading_onsite_renewable_within_total",
            ),
        ),
        migrations.AddConstraint(
            model_name="reading",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("water_m3__isnull", True), ("water_m3__gte", 0), _connector="OR"
                ),
                name="reading_water_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="reading",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("certificates_quantity__gte", 0),
                    (
                        "grid_energy_kwh__gte",
                        django.db.models.expressions.CombinedExpression(
                            models.F("certificates_quantity"), "*", models.Value(1000)
                        ),
                    ),
                ),
                name="reading_certificates_within_grid_energy",
            ),
        ),
        migrations.AddConstraint(
            model_name="reading",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "green_energy_kwh",
                        django.db.models.expressions.CombinedExpression(
                            models.F("onsite_renewable_kwh"),
                            "+",
                            django.db.models.expressions.CombinedExpression(
                                models.F("certificates_quantity"), "*", models.Value(1000)
                            ),
                        ),
                    ),
                    (
                        "grid_energy_kwh",
                        django.db.models.expressions.CombinedExpression(
                            models.F("total_energy_kwh"), "-", models.F("onsite_renewable_kwh")
                        ),
                    ),
                ),
                name="reading_grid_and_green_energy_add_up",
            ),
        ),
        migrations.AddConstraint(
            model_name="reading",
            constraint=django.contrib.postgres.constraints.ExclusionConstraint(
                condition=models.Q(("superseded_at__isnull", True)),
                expressions=[
                    ("data_centre", "="),
                    (core.models.DateRange("period_start", "period_end", "[)"), "&&"),
                ],
                name="readings_do_not_overlap",
            ),
        ),
    ]
