"""Sectors of the registry: the CCER/CDM sectoral scopes, plus digital infrastructure.

A methodology belongs to one sector, a project inherits it, and a verifier is accredited per
sector. The numbering follows the CDM sectoral scopes that CCER methodology codes reuse
(`CCER-01-...` is scope 1, energy industries; `CCER-14-...` is afforestation and reforestation).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    ENERGY_INDUSTRIES = (
        "energy_industries",
        _("Energy industries (renewable / non-renewable sources)"),
    )
    ENERGY_DISTRIBUTION = "energy_distribution", _("Energy distribution")
    ENERGY_DEMAND = "energy_demand", _("Energy demand")
    MANUFACTURING = "manufacturing", _("Manufacturing industries")
    CHEMICAL = "chemical", _("Chemical industries")
    CONSTRUCTION = "construction", _("Construction")
    TRANSPORT = "transport", _("Transport")
    MINING = "mining", _("Mining and mineral production")
    METAL_PRODUCTION = "metal_production", _("Metal production")
    FUGITIVE_FUELS = "fugitive_fuels", _("Fugitive emissions from fuels")
    FUGITIVE_INDUSTRIAL_GASES = (
        "fugitive_industrial_gases",
        _("Fugitive emissions from industrial gases"),
    )
    SOLVENTS = "solvents", _("Solvent use")
    WASTE = "waste", _("Waste handling and disposal")
    FORESTRY = "forestry", _("Afforestation and reforestation")
    AGRICULTURE = "agriculture", _("Agriculture")
    DIGITAL_INFRASTRUCTURE = "digital_infrastructure", _("Digital infrastructure")
