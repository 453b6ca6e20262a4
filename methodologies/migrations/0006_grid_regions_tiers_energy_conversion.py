"""Reference data for compute accounting: which regional grid each province belongs to, the PUE
thresholds of data-centre tiers, and standard-coal equivalents. Like the other reference data,
stored rows never change: the database refuses UPDATE, DELETE and TRUNCATE on them (the
kernel's `core_refuse_rewrite`)."""

from django.db import migrations, models

FORWARD = """
CREATE TRIGGER methodologies_provincegridregion_append_only
    BEFORE UPDATE OR DELETE ON methodologies_provincegridregion
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER methodologies_provincegridregion_no_truncate
    BEFORE TRUNCATE ON methodologies_provincegridregion
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER methodologies_efficiencytier_append_only
    BEFORE UPDATE OR DELETE ON methodologies_efficiencytier
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER methodologies_efficiencytier_no_truncate
    BEFORE TRUNCATE ON methodologies_efficiencytier
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER methodologies_energyconversion_append_only
    BEFORE UPDATE OR DELETE ON methodologies_energyconversion
    FOR EACH ROW EXECUTE FUNCTION core_refuse_rewrite();
CREATE TRIGGER methodologies_energyconversion_no_truncate
    BEFORE TRUNCATE ON methodologies_energyconversion
    FOR EACH STATEMENT EXECUTE FUNCTION core_refuse_rewrite();
"""

BACKWARD = """
DROP TRIGGER methodologies_energyconversion_no_truncate ON methodologies_energyconversion;
DROP TRIGGER methodologies_energyconversion_append_only ON methodologies_energyconversion;
DROP TRIGGER methodologies_efficiencytier_no_truncate ON methodologies_efficiencytier;
DROP TRIGGER methodologies_efficiencytier_append_only ON methodologies_efficiencytier;
DROP TRIGGER methodologies_provincegridregion_no_truncate ON methodologies_provincegridregion;
DROP TRIGGER methodologies_provincegridregion_append_only ON methodologies_provincegridregion;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("methodologies", "0005_link_shipped_versions_to_certificates"),
    ]

    operations = [
        migrations.CreateModel(
            name="EfficiencyTier",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("scheme", models.CharField(max_length=64)),
                ("tier", models.CharField(max_length=64)),
                ("pue_max", models.DecimalField(decimal_places=3, max_digits=6)),
                ("source", models.CharField(max_length=500)),
                ("confidence", models.CharField(max_length=16)),
            ],
            options={
                "ordering": ["scheme", "pue_max", "tier"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("scheme", "tier"), name="efficiency_tier_address"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("pue_max__gte", 1)),
                        name="efficiency_tier_pue_at_least_one",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="EnergyConversion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("carrier", models.CharField(max_length=32)),
                ("unit", models.CharField(max_length=16)),
                ("kgce_per_unit", models.DecimalField(decimal_places=6, max_digits=12)),
                ("source", models.CharField(max_length=500)),
                ("confidence", models.CharField(max_length=16)),
            ],
            options={
                "ordering": ["carrier", "unit"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("carrier", "unit"), name="energy_conversion_address"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("kgce_per_unit__gt", 0)),
                        name="energy_conversion_positive",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ProvinceGridRegion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "area",
                    models.CharField(
                        help_text='As the reference data names it: "Inner Mongolia (west)".',
                        max_length=64,
                    ),
                ),
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
                ("note", models.CharField(blank=True, max_length=300)),
            ],
            options={
                "ordering": ["province", "area"],
                "constraints": [
                    models.UniqueConstraint(fields=("area",), name="province_grid_region_area"),
                    models.CheckConstraint(
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
                        name="province_grid_region_province_valid",
                    ),
                ],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
