"""Public pages a person reads in a browser: the registry's front page, its projects, issuances
and retirements, each retirement's certificate, green certificates and their claims, the
data centres' aggregates, and a search by serial number. They show what the public may see,
whoever is signed in: a page is the same for everyone (the API is where a company sees its
drafts). Charts beside the tables are drawn on the server (`web.charts`, `web.figures`)."""

import re

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from certificates import selectors as certificate_selectors
from certificates.services.imports import MAX_SERIAL
from certificates.stats import certificate_totals
from compute import stats as compute_stats
from core import transparency
from core.provinces import Province
from core.sectors import Sector
from registry.ledger import selectors as ledger_selectors
from registry.ledger.models import CreditBlock, Movement, Retirement
from registry.projects import selectors as project_selectors
from registry.projects.models import Project
from registry.reporting.selectors import credit_totals, issued_by_month, retirements_by_month
from web.charts import Figure, Series
from web.figures import (
    ISSUED_CACHE_KEY,
    RETIRED_CACHE_KEY,
    TOTALS_CACHE_KEY,
    certificates_figure,
    credits_figure,
    month_label,
    months_between,
    public_totals,
    pue_figure,
)

PAGE_SIZE = 50
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
    by_vintage = public_totals(TOTALS_CACHE_KEY, lambda: credit_totals(group_by="vintage"))
    overall = {
        name: sum(row[name] for row in by_vintage)
        for name in ("issued", "active", "retired", "cancelled")
    }
    context = {
        "by_vintage": by_vintage,
        "vintage_figure": credits_figure(by_vintage, group_by="vintage"),
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
        "vintage_figure": credits_figure(
            credit_totals(group_by="vintage", project=project.pk),
            group_by="vintage",
            figure_id="project-credits-by-vintage",
        ),
    }
    return render(request, "web/project_detail.html", context)


def issuance_list(request: HttpRequest) -> HttpResponse:
    """Every issuance, newest first, with the green certificates each cancelled."""
    issuances = ledger_selectors.issuances().order_by("-created_at", "-id")
    page = _page(request, issuances)
    page.object_list = _with_cancelled_certificates(page.object_list)
    return render(request, "web/issuance_list.html", {"page": page, "figure": _issued_figure()})


def _issued_figure() -> Figure:
    """Credits issued per month, every month from the first issuance's to the last's."""
    rows = public_totals(ISSUED_CACHE_KEY, issued_by_month)
    months = months_between(rows[0]["month"], rows[-1]["month"]) if rows else []
    credits = {row["month"]: row["credits"] for row in rows}
    return Figure(
        id="issued-by-month",
        title=_("Credits issued per month"),
        description=_(
            "Credits issued in each month since the first issuance; the table beside the "
            "chart gives the figures."
        ),
        category_name=_("Month"),
        categories=months,
        labels=[month_label(month) for month in months],
        series=[Series(name=_("Credits issued"), values=[credits.get(m, 0) for m in months])],
        kind="line",
        unit=_("tCO2e"),
    )


def _purpose_figure() -> Figure:
    """Credits retired per purpose, over every retirement."""
    credits: dict[str, int] = {}
    for row in public_totals(RETIRED_CACHE_KEY, retirements_by_month):
        credits[row["purpose"]] = credits.get(row["purpose"], 0) + row["credits"]
    purposes = Retirement.Purpose.choices
    return Figure(
        id="retired-by-purpose",
        title=_("Credits retired by purpose"),
        description=_(
            "Credits retired for each purpose of retirement, over every retirement; the table "
            "beside the chart gives the figures."
        ),
        category_name=_("Purpose"),
        categories=[value for value, _label in purposes] if credits else [],
        labels=[label for _value, label in purposes] if credits else [],
        series=[
            Series(
                name=_("Credits retired"),
                values=[credits.get(value, 0) for value, _label in purposes] if credits else [],
            )
        ],
        unit=_("tCO2e"),
    )


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
        "figure": _purpose_figure(),
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
    serial = _serial(query)
    serial = serial if serial and serial <= MAX_SERIAL else None
    by_state = certificate_totals(group_by="state")
    context = {
        "query": query,
        "bad_query": bool(query) and serial is None,
        "found": certificate_selectors.block_with_serial(serial) if serial else None,
        "by_state": by_state,
        "state_figure": certificates_figure(by_state),
        "claims": certificate_selectors.claims()[:20],
    }
    return render(request, "web/green_certificates.html", context)


def certificate_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """The public record of one claim of green certificates: serials, claimant, period and
    consumer."""
    claim = get_object_or_404(certificate_selectors.claims(), pk=pk)
    context = {"claim": claim, "tree_size": _tree_size()}
    return render(request, "web/certificate_claim.html", context)


DATA_CENTRE_GROUPINGS = {
    "province": _("Province"),
    "grid_region": _("Grid region"),
    "tier": _("Tier"),
}


def data_centres(request: HttpRequest) -> HttpResponse:
    """Data centres' figures of a year (`?year=`, by default the latest) by province, grid
    region and tier, as published to the public: groups of fewer than COMPUTE_PUBLIC_MIN_GROUP
    data centres withheld, whoever is signed in."""
    years = compute_stats.years()
    asked = request.GET.get("year", "")
    # Compared as text: a query string of any length is never converted to a number.
    chosen = [year for year in years if str(year) == asked]
    year = chosen[0] if chosen else (years[0] if years else None)
    tables = []
    for group_by, title in DATA_CENTRE_GROUPINGS.items():
        totals = compute_stats.data_centre_totals(user=PUBLIC, group_by=group_by, year=year)
        tables.append((title, totals, pue_figure(totals, grouping_name=title)))
    context = {
        "years": years,
        "year": year,
        "tables": tables,
        "minimum_group": settings.COMPUTE_PUBLIC_MIN_GROUP,
    }
    return render(request, "web/data_centres.html", context)


# A printed serial range, of credits (CCER-<project>-<vintage>-<first>-<last>, `serial_of`) or
# of green certificates (GEC-<plant>-<YYYYMM>-<first>-<last>): its first serial is looked up.
PRINTED_SERIAL = re.compile(r"(?:CCER|GEC)-.+-\d+-(\d+)-\d+", re.IGNORECASE)
PUBLIC_MOVEMENTS = (
    Movement.Kind.ISSUANCE,
    Movement.Kind.TRANSFER,
    Movement.Kind.RETIREMENT,
    Movement.Kind.CANCELLATION,
)


# The largest serial a PostgreSQL bigint holds.
MAX_BIGINT = 2**63 - 1


def _serial(query: str) -> int | None:
    """The serial number a query names (digits, or a printed credit serial range), or None."""
    printed = PRINTED_SERIAL.fullmatch(query)
    digits = printed.group(1) if printed else query
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
        return None
    serial = int(digits)
    return serial if serial <= MAX_BIGINT else None


def _credit_block(serial: int) -> tuple[CreditBlock | None, list[Movement]]:
    """The credit block holding the serial, and the public part of its history: issuance,
    transfers, retirement and cancellation, each with when and which serials, never which
    account (holdings are private; a retirement's certificate is public and is linked)."""
    blocks = CreditBlock.objects.select_related("project", "issuance__report", "retirement")
    block = ledger_selectors.blocks_holding_serial(blocks, serial).first()
    if block is None:
        return None, []
    history = (
        ledger_selectors.block_history(block, PUBLIC)
        .filter(kind__in=PUBLIC_MOVEMENTS)
        .select_related("block__retirement")
        .order_by("occurred_at", "id")
    )
    return block, list(history)


def search(request: HttpRequest) -> HttpResponse:
    """Search by serial number (`?serial=`): the credit block and the green certificate block
    that hold it, with their public history. A credit block shows its project, vintage,
    issuance, whether it is retired, cancelled or still held (never by whom), and the
    movements of its serials; a certificate block its plant, month, state, and its import,
    claim or cancellation."""
    query = request.GET.get("serial", "").replace("\x00", "").strip()[:100]
    serial = _serial(query)
    credit, history, certificate = None, [], None
    if serial:
        credit, history = _credit_block(serial)
        if serial <= MAX_SERIAL:
            certificate = certificate_selectors.block_with_serial(serial)
    context = {
        "query": query,
        "bad_query": bool(query) and not serial,
        "credit": credit,
        "history": history,
        "certificate": certificate,
        "certificate_imported": certificate.source.batch.created_at if certificate else None,
    }
    return render(request, "web/search.html", context)
