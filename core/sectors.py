"""Sectors of the registry: the CCER/CDM sectoral scopes, plus digital infrastructure.

A methodology belongs to one sector, a project inherits it, and a verifier is accredited per
sector. The numbering follows the CDM sectoral scopes that CCER methodology codes reuse
(`CCER-01-...` is scope 1, energy industries; `CCER-14-...` is afforestation and reforestation).
"""

from django.db import models


class Sector(models.TextChoices):
    ENERGY_INDUSTRIES = "energy_industries", "Energy industries (renewable / non-renewable sources)"
    ENERGY_DISTRIBUTION = "energy_distribution", "Energy distribution"
    ENERGY_DEMAND = "energy_demand", "Energy demand"
    MANUFACTURING = "manufacturing", "Manufacturing industries"
    CHEMICAL = "chemical", "Chemical industries"
    CONSTRUCTION = "construction", "Construction"
    TRANSPORT = "transport", "Transport"
    MINING = "mining", "Mining and mineral production"
    METAL_PRODUCTION = "metal_production", "Metal production"
    FUGITIVE_FUELS = "fugitive_fuels", "Fugitive emissions from fuels"
    FUGITIVE_INDUSTRIAL_GASES = (
        "fugitive_industrial_gases",
        "Fugitive emissions from industrial gases",
    )
    SOLVENTS = "solvents", "Solvent use"
    WASTE = "waste", "Waste handling and disposal"
    FORESTRY = "forestry", "Afforestation and reforestation"
    AGRICULTURE = "agriculture", "Agriculture"
    DIGITAL_INFRASTRUCTURE = "digital_infrastructure", "Digital infrastructure"
