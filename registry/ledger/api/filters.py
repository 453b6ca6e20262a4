import re

import django_filters
from django.db.models import QuerySet

from registry.ledger import selectors
from registry.ledger.models import CreditBlock, HoldingAccount, Issuance
from registry.projects.models import Project
from registry.projects.selectors import projects_visible_to


# The choices of a filter, for the caller; with no request (the schema), the public's.
def visible_accounts(request) -> QuerySet[HoldingAccount]:
    return selectors.accounts_visible_to(getattr(request, "user", None))


def visible_projects(request) -> QuerySet[Project]:
    return projects_visible_to(getattr(request, "user", None))


# Filters that take an object's id offer only what the caller may see, so another holder's
# account or another company's draft project is refused exactly as a missing id is (400).
# Issuances and organisations are public.
class CreditBlockFilter(django_filters.FilterSet):
    serial = django_filters.CharFilter(
        method="filter_serial",
        help_text="a serial number inside the block (346000), or a serial as printed "
        "(CCER-P000001-2024-1-346323, matched by its first number)",
    )
    account = django_filters.ModelChoiceFilter(queryset=visible_accounts)
    project = django_filters.ModelChoiceFilter(queryset=visible_projects)

    def filter_serial(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        numbers = re.findall(r"\d+", value)
        if not numbers:
            return queryset.none()
        # A printed serial ends with <first>-<last>: the block holding its first serial.
        number = int(numbers[-2] if len(numbers) >= 4 else numbers[-1])
        return selectors.blocks_holding_serial(queryset, number)

    class Meta:
        model = CreditBlock
        fields = ["account", "project", "vintage", "status", "issuance"]


class IssuanceFilter(django_filters.FilterSet):
    project = django_filters.ModelChoiceFilter(queryset=visible_projects)

    class Meta:
        model = Issuance
        fields = ["project"]
