"""Certificate claims that name a data centre (`POST /api/v1/green-certificates/claims/`
`{data_centre}`): certificates, below this app, asks compute whose data centre an id is."""

from typing import Any

from compute.models import DataCentre


def own_data_centre_name(actor: Any, data_centre: int) -> str | None:
    """The name of data centre `data_centre` if the actor's organisation owns it, else None."""
    organization = getattr(actor, "organization_id", None)
    if organization is None:
        return None
    return (
        DataCentre.objects.filter(pk=data_centre, owner_id=organization)
        .values_list("name", flat=True)
        .first()
    )
