from django.shortcuts import render

from calportal.accounts.decorators import permission_required
from calportal.audit import selectors
from calportal.audit.forms import TrailFilterForm


@permission_required("audit.view_accessevent")
def trail(request):
    """The DPO's audit trail (PRIVACY.md §6): who changed personal data and who opened it."""
    form = TrailFilterForm(request.GET or None)
    form.is_valid()  # an invalid filter is shown with its error and left out
    filters = form.filters() if form.is_bound else {}
    page, rows = selectors.trail_page(request.GET.get("page"), **filters)
    return render(
        request, "audit/trail.html", {"filter": {"form": form}, "page": page, "rows": rows}
    )
