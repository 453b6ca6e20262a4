"""Public pages a person reads in a browser: the registry's front page, its projects, issuances
and retirements, each retirement's certificate, green certificates and their claims, and the
data centres' aggregates. They
show what the public may see, whoever is signed in: a page is the same for everyone (the API is
where a company sees its drafts)."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from certificates import selectors as certificate_selectors
from certificates.services.imports import MAX_SERIAL
from certificates.stats import certificate_totals
from compute import stats as compute_stats
from core import transparency
from core.provinces import Province
from core.sectors import Sector
from registry.ledger import selectors as ledger_selectors
from registry.ledger.models import Retirement
from registry.projects import selectors as project_selectors
from registry.projects.models import Project
from registry.reporting.selectors import credit_totals

PAGE_SIZE = 50
TOTALS_CACHE_KEY = "registry:public-totals-by-vintage"
PUBLIC = AnonymousUser()


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _choice(request: HttpRequest, name: str, choices) -> str:
    """A filter from the query string, ignored unless it is one of the choices."""
    value = request.GET.get(name, "")
    return value if value in choices.values else ""


def home(request: HttpRequest) -> HttpResponse:
    """The front page: the registry's totals by vintage (cached for
    `PUBLIC_TOTALS_CACHE_SECONDS`), and the way to its lists."""
    seconds = settings.PUBLIC_TOTALS_CACHE_SECONDS
    if seconds > 0:
        by_vintage = cache.get_or_set(
            TOTALS_CACHE_KEY, lambda: credit_totals(group_by="vintage"), seconds
        )
    else:
        by_vintage = credit_totals(group_by="vintage")
    overall = {
        name: sum(row[name] for row in by_vintage)
        for name in ("issued", "active", "retired", "cancelled")
    }
    context = {
        "by_vintage": by_vintage,
        "overall": overall,
        "projects": project_selectors.projects_visible_to(PUBLIC).count(),
    }
    return render(request, "web/home.html", context)


def project_list(request: HttpRequest) -> HttpResponse:
    """Public projects, newest first, filtered by status, province, sector and a title search."""
    filters = {
        "status": _choice(request, "status", Project.Status),
        "province": _choice(request, "province", Province),
        "sector": _choice(request, "sector", Sector),
    }
    # PostgreSQL text holds no NUL character: one in the query string is dropped, not a 500.
    search = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    projects = project_selectors.projects_visible_to(PUBLIC).filter(
        **{name: value for name, value in filters.items() if value}
    )
    if search:
        matches = Q(title__icontains=search) | Q(proponent__name__icontains=search)
        projects = projects.filter(matches)
    projects = projects.annotate(issued=Sum("issuances__quantity")).order_by("-created_at", "-id")
    statuses = [choice for choice in Project.Status.choices if choice[0] != Project.Status.DRAFT]
    context = {
        "page": _page(request, projects),
        "filters": filters,
        "search": search,
        "statuses": statuses,
        "provinces": Province.choices,
        "sectors": Sector.choices,
    }
    return render(request, "web/project_list.html", context)


def _with_cancelled_certificates(issuances) -> list:
    """The issuances, each with `cancelled_certificates`: the green certificates cancelled
    because the electricity they stand for was credited by it (the GEC-CCER link)."""
    issuances = list(issuances)
    cancelled = ledger_selectors.certificate_cancellations([i.pk for i in issuances])
    for issuance in issuances:
        issuance.cancelled_certificates = cancelled.get(issuance.pk, [])
    return issuances


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One public project: its design, its public documents (with size, date and SHA-256),
    monitoring reports, issuances (with the green certificates each cancelled), the
    certificates frozen for it, and its lifecycle history."""
    project = get_object_or_404(project_selectors.projects_visible_to(PUBLIC), pk=pk)
    frozen = []
    if project.registered_on is not None and project.generator_code:
        frozen = certificate_selectors.frozen_for_plant(
            project.generator_code, project.crediting_period_start, project.crediting_period_end
        )
    context = {
        "project": project,
        "reports": project_selectors.reports_visible_to(PUBLIC)
        .filter(project=project)
        .order_by("period_start"),
        "issuances": _with_cancelled_certificates(
            ledger_selectors.issuances().filter(project=project).order_by("first_serial")
        ),
        "frozen_certificates": frozen,
        "documents": project_selectors.documents_visible_to(PUBLIC)
        .filter(project=project)
        .order_by("report__period_start", "uploaded_at", "id"),
        "history": project.history.order_by("occurred_at", "id"),
    }
    return render(request, "web/project_detail.html", context)


def issuance_list(request: HttpRequest) -> HttpResponse:
    """Every issuance, newest first, with the green certificates each cancelled."""
    issuances = ledger_selectors.issuances().order_by("-created_at", "-id")
    page = _page(request, issuances)
    page.object_list = _with_cancelled_certificates(page.object_list)
    return render(request, "web/issuance_list.html", {"page": page})


def retirement_list(request: HttpRequest) -> HttpResponse:
    """Every retirement, newest first, filtered by purpose."""
    purpose = _choice(request, "purpose", Retirement.Purpose)
    retirements = ledger_selectors.retirements().order_by("-created_at", "-id")
    if purpose:
        retirements = retirements.filter(purpose=purpose)
    context = {
        "page": _page(request, retirements),
        "purpose": purpose,
        "purposes": Retirement.Purpose.choices,
    }
    return render(request, "web/retirement_list.html", context)


def retirement_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The public certificate of one retirement: serial range, project, vintage, beneficiary,
    purpose."""
    retirement = get_object_or_404(ledger_selectors.retirements(), pk=pk)
    context = {"retirement": retirement, "tree_size": _tree_size()}
    return render(request, "web/retirement_certificate.html", context)


def _tree_size() -> int:
    """The latest signed tree head's size: the tree a record's inclusion proof links to."""
    head = transparency.latest_head()
    return head.tree_size if head is not None else 0


def green_certificates(request: HttpRequest) -> HttpResponse:
    """Green certificates: totals by state, a search by serial number, and the latest claims.
    A found certificate shows its state and, once claimed, by whom; never its holder."""
    query = request.GET.get("serial", "").strip()
    serial = int(query) if query.isdigit() and 0 < int(query) <= MAX_SERIAL else None
    context = {
        "query": query,
        "bad_query": bool(query) and serial is None,
        "found": certificate_selectors.block_with_serial(serial) if serial else None,
        "by_state": certificate_totals(group_by="state"),
        "claims": certificate_selectors.claims()[:20],
    }
    return render(request, "web/green_certificates.html", context)


def certificate_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """The public record of one claim of green certificates: serials, claimant, period and
    consumer."""
    claim = get_object_or_404(certificate_selectors.claims(), pk=pk)
    context = {"claim": claim, "tree_size": _tree_size()}
    return render(request, "web/certificate_claim.html", context)


DATA_CENTRE_GROUPINGS = {"province": "Province", "grid_region": "Grid region", "tier": "Tier"}


def data_centres(request: HttpRequest) -> HttpResponse:
    """Data centres' figures of a year (`?year=`, by default the latest) by province, grid
    region and tier, as published to the public: groups of fewer than COMPUTE_PUBLIC_MIN_GROUP
    data centres withheld, whoever is signed in."""
    years = compute_stats.years()
    asked = request.GET.get("year", "")
    # Compared as text: a query string of any length is never converted to a number.
    chosen = [year for year in years if str(year) == asked]
    year = chosen[0] if chosen else (years[0] if years else None)
    tables = [
        (title, compute_stats.data_centre_totals(user=PUBLIC, group_by=group_by, year=year))
        for group_by, title in DATA_CENTRE_GROUPINGS.items()
    ]
    context = {
        "years": years,
        "year": year,
        "tables": tables,
        "minimum_group": settings.COMPUTE_PUBLIC_MIN_GROUP,
    }
    return render(request, "web/data_centres.html", context)
