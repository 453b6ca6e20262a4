"""Where claimed electricity was consumed. A claim may name one of the claimant's data centres;
data centres live in `compute`, above this app, so compute registers how one is found
(`register_data_centre_lookup`, from its AppConfig.ready) and certificates never import it."""

from collections.abc import Callable
from typing import Any

# (actor, data centre id) -> the data centre's name if it belongs to the actor's organisation,
# else None.
DataCentreLookup = Callable[[Any, int], str | None]

_lookups: list[DataCentreLookup] = []


def register_data_centre_lookup(lookup: DataCentreLookup) -> None:
    if lookup not in _lookups:
        _lookups.append(lookup)


def data_centre_name(actor: Any, data_centre: int) -> str | None:
    """The name of the actor's organisation's data centre `data_centre`; None if there is no
    such data centre of its own (or no app keeps data centres)."""
    for lookup in _lookups:
        name = lookup(actor, data_centre)
        if name is not None:
            return name
    return None
