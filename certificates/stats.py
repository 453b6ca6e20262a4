"""Totals of green certificates by state, generation type or province, in one aggregate query
over the blocks. Every imported certificate is in exactly one block in exactly one state, so per
group `certificates = active + claimed + frozen + cancelled + expired` holds by construction (the
reconciliation proves the blocks partition each imported row)."""

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce

from certificates.models import CertificateBlock, GenerationType
from core.provinces import Province

STATES = CertificateBlock.State
GROUPINGS = {
    "state": STATES,
    "generation_type": GenerationType,
    "province": Province,
}


def certificate_totals(
    *,
    group_by: str,
    generation_type: str | None = None,
    province: str | None = None,
    year: int | None = None,
) -> list[dict]:
    """One row per group, ordered by key: `{key, label, certificates, active, claimed, frozen,
    cancelled, expired}` in certificates (one is 1 MWh); `year` is the year of generation."""
    choices = GROUPINGS[group_by]
    blocks = CertificateBlock.objects.all()
    if generation_type:
        blocks = blocks.filter(generation_type=generation_type)
    if province:
        blocks = blocks.filter(province=province)
    if year is not None:
        blocks = blocks.filter(generation_month__year=year)
    sums = {
        state.value: Coalesce(Sum("quantity", filter=Q(state=state.value)), 0) for state in STATES
    }
    totals = (
        blocks.values(key=F(group_by))
        .annotate(certificates=Coalesce(Sum("quantity"), 0), **sums)
        .order_by("key")
    )
    return [{"label": choices(row["key"]).label, **row} for row in totals]
