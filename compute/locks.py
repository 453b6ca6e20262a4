"""Row locks of compute accounting, in one place. The global order: data centres (by primary
key), then the certificate blocks a reading claims (by primary key, `certificates.locks`) or the
AI workload a recalculation computes, then the audit chain head. A reading's period is checked
against the data centre's current readings under the data centre's lock, and a factor's
recompute takes the same locks, so a reading is either recomputed by it or computed with the new
factor, never left out; a workload reads its host's figures under the same lock."""

from typing import Any

from compute.models import DataCentre, Workload


def lock_data_centre(pk: int) -> DataCentre:
    return DataCentre.objects.select_for_update().get(pk=pk)


def lock_data_centres(**filters: Any) -> list[int]:
    """The ids of the data centres that match `filters`, locked in primary-key order."""
    return list(
        DataCentre.objects.select_for_update()
        .filter(**filters)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def lock_workload(pk: int) -> Workload:
    return Workload.objects.select_for_update().get(pk=pk)
