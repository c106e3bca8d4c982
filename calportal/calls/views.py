"""The office's call list ("Do zadzwonienia"), its history, and the staff's "Today" page.

Every page reads through :mod:`calportal.calls.selectors`, so a user only ever sees (and can
only ever record a call on) the items of their own scope; another's item is a 404.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calportal.accounts.decorators import permission_required
from calportal.audit.models import Access
from calportal.audit.services import record_access
from calportal.calls import selectors, services
from calportal.calls.forms import OutcomeForm
from calportal.calls.models import FLAG_AFTER_NOT_REACHED, CallOutcome

HISTORY_PAGE_SIZE = 25

# The outcome buttons, in the order shown, with the look of each.
OUTCOME_BUTTONS = [
    (CallOutcome.REACHED, "btn-primary"),
    (CallOutcome.MESSAGE_LEFT, "btn-outline-primary"),
    (CallOutcome.NOT_REACHED, "btn-outline-secondary"),
    (CallOutcome.WRONG_NUMBER, "btn-outline-danger"),
]


@permission_required("calls.view_callitem")
def call_list(request):
    """Today's calls, grouped by reason; each with the buttons to record how it went."""
    groups = selectors.due_groups(request.user)
    _log_opening(request.user, groups)
    return render(
        request,
        "calls/call_list.html",
        {
            "groups": groups,
            "due_count": sum(len(items) for _reason, items in groups),
            "later_count": selectors.counts_for(request.user)["later"],
            "outcomes": [
                (outcome.value, outcome.label, style) for outcome, style in OUTCOME_BUTTONS
            ],
            "note_max_length": OutcomeForm.base_fields["note"].max_length,
            "flag_after": FLAG_AFTER_NOT_REACHED,
        },
    )


def _log_opening(user, groups) -> None:
    """The list shows residents' names and phones: the opening goes to the access log
    (calportal.audit), and — for a self-help group's join requests — to that group's log, which
    its coordinator reviews. Ids only, never names."""
    shown_groups = {
        item.group for _reason, items in groups for item in items if item.group_id is not None
    }
    if any(items for _reason, items in groups):
        record_access(user, Access.CALL_LIST, None)
    for group in shown_groups:
        record_access(user, Access.REQUESTS, None, group=group)


def _success_message(item, outcome: str) -> str:
    if outcome == CallOutcome.REACHED:
        return _("Recorded: %(name)s was reached. The call is done.") % {"name": item.name}
    if outcome == CallOutcome.MESSAGE_LEFT:
        return _("Recorded: a message was left for %(name)s. The call is done.") % {
            "name": item.name
        }
    if outcome == CallOutcome.WRONG_NUMBER:
        return _(
            "Recorded: wrong number for %(name)s. The item stays on the list, flagged: find "
            "another way to tell them, then record how it went."
        ) % {"name": item.name}
    if item.flagged:
        return _(
            "Recorded: %(name)s was not reached (%(count)s times now). They are on the list "
            "again tomorrow, flagged: try another way to reach them."
        ) % {"name": item.name, "count": item.not_reached}
    return _("Recorded: %(name)s was not reached. They are on the list again tomorrow.") % {
        "name": item.name
    }


@permission_required("calls.change_callitem")
@require_POST
def outcome(request, pk: int):
    """Record one call on an item the user may see (404 otherwise) and go back to the list.
    A bad form, or an item someone else has closed meanwhile, is a message, never an error."""
    item = get_object_or_404(selectors.items_for(request.user), pk=pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("calls:list")
    try:
        item = services.record_outcome(
            item_id=item.pk,
            outcome=form.cleaned_data["outcome"],
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except services.CallError as error:
        messages.warning(request, str(error))
    else:
        messages.success(request, _success_message(item, form.cleaned_data["outcome"]))
    return redirect("calls:list")


@permission_required("calls.view_callitem")
def history(request):
    """The calls of the last 30 days on the user's items, newest first, a page at a time."""
    page = Paginator(selectors.history_for(request.user), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    if page.object_list:
        record_access(request.user, Access.CALL_LIST, None, detail="history")
    return render(request, "calls/history.html", {"page": page, "days": selectors.HISTORY_DAYS})


@permission_required("calls.view_callitem")
def today(request):
    """What the user has to do today: attendance to take, calls, applications and reports
    waiting, new requests to join their groups — each only for those who may act on it."""
    return render(request, "calls/today.html", selectors.today_for(request.user))
