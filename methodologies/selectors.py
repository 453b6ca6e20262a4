"""Read queries for the methodology library and reference data."""

from typing import Any

from django.db.models import Prefetch, QuerySet

from methodologies.models import (
    EmissionFactor,
    Equation,
    GlobalWarmingPotential,
    Methodology,
    Parameter,
)
from methodologies.rules import can_see_drafts


def methodologies_visible_to(user: Any, *, with_model: bool = True) -> QuerySet[Methodology]:
    """Published, superseded and withdrawn versions for everyone; drafts for their authors'
    peers (regulators) and the operator. `with_model` fetches parameters and equations too."""
    methodologies = Methodology.objects.all()
    if with_model:
        methodologies = methodologies.prefetch_related(
            Prefetch("parameters", queryset=Parameter.objects.order_by("position")),
            Prefetch("equations", queryset=Equation.objects.order_by("position")),
        )
    if can_see_drafts(user):
        return methodologies
    return methodologies.exclude(status=Methodology.Status.DRAFT)


def emission_factors() -> QuerySet[EmissionFactor]:
    return EmissionFactor.objects.all()


def global_warming_potentials() -> QuerySet[GlobalWarmingPotential]:
    return GlobalWarmingPotential.objects.all()
