"""`{% company_holdings_summary %}`: the company's credits held and retired, with the links to
its holdings pages, for the company's overview page (`web/company/home_holdings.html`)."""

from django import template

from web.company.holdings import holding_totals

register = template.Library()


@register.inclusion_tag("web/company/holding_summary.html", takes_context=True)
def company_holdings_summary(context) -> dict:
    """The signed-in company's totals (the page is the company's workspace, so its user is
    one of the company's)."""
    return {"totals": holding_totals(context["request"].user)}
