"""Registering a company's data centre, in its province's regional grid."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from accounts.models import User
from compute import reference, rules
from compute.models import DataCentre
from core.audit import record_event
from core.errors import AccessDenied, InvalidInput, violates
from core.messages import Message

NAME_BLANK = Message(gettext_noop("A data centre needs a name."))
NAME_TAKEN = Message(gettext_noop("Your organisation has a data centre named {name} already."))
NO_GRID_REGION = Message(
    gettext_noop(
        "No regional grid is stored for {province}: the installation loads the reference data."
    )
)
GRID_REGION_NEEDED = Message(
    gettext_noop(
        "{province} lies in more than one regional grid: name the grid_region, one of {choices}."
    )
)
GRID_REGION_WRONG = Message(gettext_noop("{province} lies in {regions}, not in {grid_region}."))


def _grid_region(province: str, grid_region: str) -> str:
    """The province's regional grid; where it lies in more than one, the one named."""
    regions = reference.grid_regions(province)
    if not regions:
        raise InvalidInput({"province": NO_GRID_REGION.format(province=province)})
    if grid_region and grid_region not in regions:
        listed = ", ".join(regions)
        raise InvalidInput(
            {
                "grid_region": GRID_REGION_WRONG.format(
                    province=province, regions=listed, grid_region=grid_region
                )
            }
        )
    if grid_region:
        return grid_region
    if len(regions) > 1:
        choices = ", ".join(f"{region} ({area})" for region, area in regions.items())
        raise InvalidInput(
            {"grid_region": GRID_REGION_NEEDED.format(province=province, choices=choices)}
        )
    return next(iter(regions))


@transaction.atomic
def register_data_centre(
    *,
    actor: User,
    name: str,
    province: str,
    hub_node: bool = False,
    commissioned_on: date | None = None,
    grid_region: str = "",
) -> DataCentre:
    """A data centre of the actor's company, in the regional grid of its province (named by
    `grid_region` only where the province lies in more than one, as Inner Mongolia does)."""
    if not rules.can_register_data_centres(actor):
        raise AccessDenied()
    name = name.strip()
    if not name:
        raise InvalidInput({"name": NAME_BLANK})
    data_centre = DataCentre(
        owner_id=actor.organization_id,
        name=name,
        province=province,
        grid_region=_grid_region(province, grid_region.strip()),
        hub_node=hub_node,
        commissioned_on=commissioned_on,
        registered_by=actor,
    )
    try:
        # A savepoint: a concurrent registration of the same name loses on the unique name.
        with transaction.atomic():
            data_centre.save()
    except IntegrityError as error:
        if not violates(error, "data_centre_name_per_owner"):
            raise
        raise InvalidInput({"name": NAME_TAKEN.format(name=name)}) from error
    record_event(
        actor=actor,
        action="data_centre.registered",
        target=data_centre,
        after={
            "owner": data_centre.owner_id,
            "name": name,
            "province": province,
            "grid_region": data_centre.grid_region,
            "hub_node": hub_node,
            "commissioned_on": commissioned_on,
        },
    )
    return data_centre
