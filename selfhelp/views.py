"""Self-help groups: the public pages, the facilitator's workspace, oversight and figures.

Members, requests and notes are reached only through ``selectors.workspace_groups(user)`` (the
facilitator's own groups, or every group for an overseer); anyone else gets a 404, and every
opening is written to the access log.
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from calportal import autocomplete, public_cache
from calportal.accounts.decorators import permission_required
from calportal.csv_files import csv_stream_response
from calportal.documents.services import document_request
from calportal.outbox.selectors import messages_regarding
from calportal.parsing import int_list
from calportal.public_forms import public_form_accepted
from calportal.reports.kinds.selfhelp_groups import dataset_for
from selfhelp import figures as selfhelp_figures
from selfhelp import selectors, services
from selfhelp.forms import (
    AcceptForm,
    DeclineForm,
    GroupForm,
    JoinForm,
    LeaveForm,
    MeetingForm,
    NoteForm,
    TermForm,
)
from selfhelp.models import (
    OPEN_REQUEST_STATUSES,
    AccessAction,
    AccessLog,
    ContactWay,
    Group,
    GroupStatus,
    JoinRequest,
    Meeting,
    Member,
    RequestStatus,
    Topic,
)
from selfhelp.report_forms import FiguresForm

# --- Public -----------------------------------------------------------------------------------


def group_list(request):
    return render(request, "selfhelp/group_list.html", {"groups": selectors.public_groups()})


def group_public(request, slug: str):
    group = get_object_or_404(Group, slug=slug)
    if group.status == GroupStatus.CLOSED:
        # An old link explains and points on, rather than a bare "page not found".
        return render(request, "selfhelp/group_closed.html", {"group": group})
    full = services.group_is_full(group)
    form = JoinForm(request.POST or None)
    status = 200
    if request.method == "POST":
        accepted, status = public_form_accepted(
            request,
            form,
            group="selfhelp.join",
            limit_message=_("Too many messages from your connection. Please call us instead."),
        )
        if accepted:
            try:
                services.request_create(group=group, data=form.cleaned_data)
            except services.GroupError as error:
                form.add_error(None, str(error))
            else:
                waiting = full or not group.is_open
                return redirect(reverse("selfhelp:thanks") + ("?waiting=1" if waiting else ""))
    return render(
        request,
        "selfhelp/group_public.html",
        {"group": group, "form": form, "waiting_list": full or not group.is_open},
        status=status,
    )


def thanks(request):
    return render(request, "selfhelp/thanks.html", {"waiting": request.GET.get("waiting") == "1"})


# --- Staff: the list and group settings ---------------------------------------------------------


GROUPS_PAGE_SIZE = 50
WORKSPACE_PAGE_SIZE = 50
GROUP_SOURCE = "selfhelp-groups"

# The access log is filtered by a group through a search field with suggestions (a drop-down
# of every group does not scale); whoever reads the log may find any group in it. Registered
# at import: the URLconf imports these views in every process before a suggestion is asked.
autocomplete.register(
    GROUP_SOURCE,
    permission="selfhelp.view_access_log",
    queryset=lambda user: Group.objects.all(),
    search_fields=("name",),
    label=lambda group: group.name,
)


def _labels(choices) -> dict:
    """``{value: label}`` of a model's choices in the active language, made once a request
    rather than once a row."""
    return {value: str(label) for value, label in choices}


def _page_links(request, page, parameter: str) -> dict:
    """``{"previous": "?…", "next": "?…"}`` for one of several paged lists on a page: the
    query string with ``parameter`` set to the neighbouring page (other filters and the other
    lists' pages kept); a link is empty at either end."""

    def link(number: int) -> str:
        query = request.GET.copy()
        query[parameter] = str(number)
        return "?" + query.urlencode()

    return {
        "previous": link(page.previous_page_number()) if page.has_previous() else "",
        "next": link(page.next_page_number()) if page.has_next() else "",
    }


@permission_required("selfhelp.view_group")
def manage_list(request):
    """Every group with its anonymous counts, a page at a time; the workspace link for the
    groups the user may open."""
    page = Paginator(
        selectors.groups_with_counts(Group.objects.order_by("name", "pk")), GROUPS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    oversees = selectors.oversees(request.user)
    topics, statuses = _labels(Topic.choices), _labels(GroupStatus.choices)
    for group in page:
        group.topic_label = topics.get(group.topic, group.topic)
        group.status_label = statuses.get(group.status, group.status)
    return render(
        request,
        "selfhelp/manage_list.html",
        {
            "groups": page,
            "page": page,
            "workspace": {
                group.pk for group in page if oversees or group.facilitator_id == request.user.pk
            },
        },
    )


@permission_required("selfhelp.add_group")
def group_create(request):
    form = GroupForm(request.POST or None, may_reassign=True)  # a new group has no members
    if request.method == "POST" and form.is_valid():
        group = form.save()
        messages.success(request, _("Saved: %(name)s.") % {"name": group})
        return redirect("selfhelp:manage_list")
    return render(request, "selfhelp/group_form.html", {"form": form})


@permission_required("selfhelp.change_group")
def group_edit(request, pk: int):
    group = get_object_or_404(Group, pk=pk)
    previous_facilitator = group.facilitator_id
    form = GroupForm(
        request.POST or None, instance=group, may_reassign=selectors.oversees(request.user)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        if group.facilitator_id != previous_facilitator:
            services.log_access(request.user, group, AccessAction.FACILITATOR, group.facilitator_id)
        messages.success(request, _("Saved: %(name)s.") % {"name": group})
        return redirect("selfhelp:manage_list")
    return render(request, "selfhelp/group_form.html", {"form": form, "group": group})


def _figures_form(request, data) -> FiguresForm:
    """The figures page's form for the user; 403 for anyone without R10 (REPORTS.md §8: OPS
    staff by topic, the coordinator all groups, a facilitator their own)."""
    form = FiguresForm(data, user=request.user)
    if form.variant is None:
        raise PermissionDenied
    return form


@permission_required("selfhelp.view_group")
def figures(request):
    """R10's figures over a period, without a run: the same dataset as the report (k = 5 and
    topics only in the shared variant); opening it is written to the access log."""
    form = _figures_form(request, None)
    data = request.GET.copy()
    data.setdefault("timeframe", "year_to_date")
    if "group" in form.fields and form.fields["group"].required and not data.get("group"):
        data["group"] = form.fields["group"].initial  # a facilitator's first group
    form = _figures_form(request, data)
    dataset = None
    if form.is_valid():
        dataset = dataset_for(
            identifier=form.cleaned_data["identifier"],
            scope=form.cleaned_data["scope"],
            variant=form.cleaned_data["variant"],
            language=get_language() or "pl",
        )
        selfhelp_figures.record_read(request.user, form.cleaned_data["scope"])
    return render(request, "selfhelp/figures.html", {"form": form, "dataset": dataset})


@require_POST
@permission_required("selfhelp.view_group")
def figures_pdf(request):
    form = _figures_form(request, request.POST)
    if not form.is_valid():
        return render(request, "selfhelp/figures.html", {"form": form, "dataset": None})
    scope = form.cleaned_data["scope"]
    document = document_request(
        kind="selfhelp.report",
        params={
            "timeframe": form.cleaned_data["identifier"],
            "scope": scope.as_dict(),
            "variant": form.cleaned_data["variant"],
            "language": get_language() or "pl",
        },
        title=_("Self-help groups in figures"),
        requested_by=request.user,
        language=get_language(),
    )
    selfhelp_figures.record_read(request.user, scope)
    return redirect(document)


# --- The facilitator's workspace ---------------------------------------------------------------


def _group(request, pk: int) -> Group:
    return get_object_or_404(selectors.workspace_groups(request.user), pk=pk)


def _request(request, pk: int) -> JoinRequest:
    return get_object_or_404(
        JoinRequest.objects.filter(
            group__in=selectors.workspace_groups(request.user)
        ).select_related("group"),
        pk=pk,
    )


def _member(request, pk: int) -> Member:
    return get_object_or_404(
        Member.objects.filter(group__in=selectors.workspace_groups(request.user)).select_related(
            "group"
        ),
        pk=pk,
    )


@permission_required("selfhelp.view_group")
def workspace(request, pk: int):
    """A group's waiting requests and its members (current first), each list a page at a
    time (``requests_page``, ``members_page``), with the number of current members counted in
    SQL; the recent meetings and handled requests."""
    group = _group(request, pk)
    services.log_access(request.user, group, AccessAction.MEMBERS)
    services.log_access(request.user, group, AccessAction.REQUESTS)
    requests = Paginator(
        selectors.waiting_requests(group).order_by("status", "created_at", "pk"),
        WORKSPACE_PAGE_SIZE,
    ).get_page(request.GET.get("requests_page"))
    statuses, ways = _labels(RequestStatus.choices), _labels(ContactWay.choices)
    for join_request in requests:
        join_request.status_label = statuses.get(join_request.status, "")
        join_request.contact_way_label = ways.get(join_request.contact_way, "")
    members = Paginator(
        group.members.order_by(F("left_on").desc(nulls_first=True), "first_name", "pk"),
        WORKSPACE_PAGE_SIZE,
    ).get_page(request.GET.get("members_page"))
    past_requests = list(
        group.requests.exclude(status__in=OPEN_REQUEST_STATUSES).order_by("-handled_at", "-pk")[:20]
    )
    for join_request in past_requests:
        join_request.status_label = statuses.get(join_request.status, "")
    today = timezone.localdate()
    return render(
        request,
        "selfhelp/workspace.html",
        {
            "group": group,
            "requests": requests,
            "requests_links": _page_links(request, requests, "requests_page"),
            "members": members,
            "members_links": _page_links(request, members, "members_page"),
            "current_count": services.current_members(group),
            "meetings": group.meetings.filter(
                starts_at__date__gte=today - datetime.timedelta(days=60)
            )[:20],
            "past_requests": past_requests,
            "term_form": TermForm(
                initial={"start": today, "end": today + datetime.timedelta(days=120)}
            ),
            "leave_form": LeaveForm(initial={"left_on": today}),
            "statuses": RequestStatus,
        },
    )


@permission_required("selfhelp.view_group")
def request_detail(request, pk: int):
    join_request = _request(request, pk)
    services.log_access(request.user, join_request.group, AccessAction.REQUEST, join_request.pk)
    return render(
        request,
        "selfhelp/request_detail.html",
        {
            "join_request": join_request,
            "group": join_request.group,
            "note_form": NoteForm(initial={"note": join_request.note}),
            "accept_form": AcceptForm(),
            "decline_form": DeclineForm(initial={"message": _default_decline(join_request)}),
            "is_open": join_request.status in OPEN_REQUEST_STATUSES,
            "full": services.group_is_full(join_request.group),
            "sent_messages": messages_regarding(join_request),
        },
    )


def _default_decline(join_request: JoinRequest) -> str:
    return _(
        "Thank you for trusting us and for writing. We have thought about your message, and we "
        "think this group is not the right place for you at the moment. This is not a judgement "
        "of you. We would be glad to help you find other support: please call the Social Welfare "
        "Centre in Śrem, ul. Mickiewicza 40, and ask for the Local Activity Centre."
    )


@require_POST
@permission_required("selfhelp.view_group")
def request_action(request, pk: int, action: str):
    join_request = _request(request, pk)
    back = reverse("selfhelp:request_detail", args=[join_request.pk])
    try:
        if action == "contacted":
            services.request_mark_contacted(join_request=join_request)
            messages.success(request, _("Marked as contacted."))
        elif action == "accept":
            form = AcceptForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("The last name is too long."))
                return redirect(back)
            services.request_accept(
                join_request=join_request, last_name=form.cleaned_data["last_name"]
            )
            messages.success(request, _("The person is now a member of the group."))
            return redirect("selfhelp:workspace", pk=join_request.group_id)
        elif action in ("decline", "withdraw"):
            form = DeclineForm(request.POST)
            if not form.is_valid():
                messages.error(
                    request, _("The message is too long: please shorten it to 2,000 characters.")
                )
                return redirect(back)
            text = form.cleaned_data["message"].strip()
            services.request_decline(
                join_request=join_request, message=text, withdrawn=action == "withdraw"
            )
            if action == "withdraw":
                messages.success(request, _("Recorded that the person withdrew."))
            elif join_request.email and text:
                messages.success(
                    request, _("The request was declined and the message sent by e-mail.")
                )
            else:
                messages.success(
                    request, _("The request was declined. Please tell the person by phone.")
                )
        elif action == "note":
            form = NoteForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("The note is too long."))
                return redirect(back)
            services.request_save_note(join_request=join_request, note=form.cleaned_data["note"])
            messages.success(request, _("The note was saved."))
        elif action == "erase":
            services.request_erase(join_request=join_request, user=request.user)
            messages.success(request, _("The person's data was erased."))
            return redirect("selfhelp:workspace", pk=join_request.group_id)
        else:
            messages.error(request, _("Unknown action."))
    except services.GroupError as error:
        messages.error(request, str(error))
    return redirect(back)


@require_POST
@permission_required("selfhelp.view_group")
def member_action(request, pk: int, action: str):
    member = _member(request, pk)
    try:
        if action == "leave":
            form = LeaveForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give the date the member left."))
            else:
                services.member_leave(member=member, on=form.cleaned_data["left_on"])
                messages.success(request, _("Recorded that the member left."))
        elif action == "erase":
            services.member_erase(member=member, user=request.user)
            messages.success(
                request, _("The former member's data was erased; the anonymous counts remain.")
            )
        else:
            messages.error(request, _("Unknown action."))
    except services.GroupError as error:
        messages.error(request, str(error))
    return redirect("selfhelp:workspace", pk=member.group_id)


@require_POST
@permission_required("selfhelp.view_group")
def group_accepting(request, pk: int):
    """The facilitator opens or closes the group to new members."""
    group = _group(request, pk)
    accepting = request.POST.get("accepts") == "1"
    Group.objects.filter(pk=group.pk).update(accepts_members=accepting)
    public_cache.changed("groups")  # the public list shows whether a group takes members
    messages.success(
        request,
        _("The group now welcomes new members.")
        if accepting
        else _("The group takes no new members for now; new requests go to the waiting list."),
    )
    return redirect("selfhelp:workspace", pk=group.pk)


@require_POST
@permission_required("selfhelp.view_group")
def meetings_generate(request, pk: int):
    group = _group(request, pk)
    form = TermForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the first and the last day of the term."))
        return redirect("selfhelp:workspace", pk=group.pk)
    try:
        count = services.meetings_generate(
            group=group, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
    except services.GroupError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Meetings added: %(count)s.") % {"count": count})
    return redirect("selfhelp:workspace", pk=group.pk)


@permission_required("selfhelp.view_group")
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(
        Meeting.objects.filter(group__in=selectors.workspace_groups(request.user)).select_related(
            "group"
        ),
        pk=pk,
    )
    group = meeting.group
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record(
                meeting=meeting,
                attended=int_list(request.POST.getlist("attended")),
                topic=form.cleaned_data["topic"],
                notes=form.cleaned_data["notes"],
                outcome=form.cleaned_data["outcome"],
            )
        except services.GroupError as error:
            form.add_error("outcome", str(error))
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect("selfhelp:workspace", pk=group.pk)
    services.log_access(request.user, group, AccessAction.MEETING, meeting.pk)
    day = timezone.localtime(meeting.starts_at).date()
    # The checklist: who was a member on the day (and anyone already marked).
    present = set(meeting.attendees.values_list("pk", flat=True))
    checklist = [
        member
        for member in group.members.order_by("first_name", "last_name", "pk")
        if member.pk in present
        or (member.joined_on <= day and (member.left_on is None or member.left_on >= day))
    ]
    return render(
        request,
        "selfhelp/meeting.html",
        {
            "meeting": meeting,
            "group": group,
            "form": form,
            "checklist": checklist,
            "present": present,
        },
    )


@permission_required("selfhelp.view_group")
def members_csv(request, pk: int):
    group = _group(request, pk)
    services.log_access(request.user, group, AccessAction.EXPORT)
    return csv_stream_response(
        [_("First name"), _("Last name"), _("Phone"), _("E-mail"), _("Joined on"), _("Left on")],
        (
            [m.first_name, m.last_name, m.phone, m.email, m.joined_on, m.left_on]
            for m in group.members.filter(erased_at__isnull=True)
            .order_by("first_name", "pk")
            .iterator(chunk_size=2000)
        ),
        f"grupa-{group.pk}-czlonkowie.csv",
    )


class AccessLogFilter(forms.Form):
    """The access log's filter: a group, typed or picked from the suggestions."""

    group = forms.CharField(
        label=_lazy("Group"),
        required=False,
        max_length=200,
        widget=autocomplete.SearchInput(GROUP_SOURCE, attrs={"class": "form-control"}),
        help_text=_lazy("Type part of the name and pick the group; empty: all groups."),
    )


def _log_of_group(entries, value: str):
    """The entries of the group ``value`` names: a picked suggestion (``… #id``), an id (older
    links) or part of a name (every group whose name has the typed words)."""
    value = " ".join((value or "").split())[:200]
    if not value:
        return entries
    picked = autocomplete.picked_id(value)
    if picked is None and value.isdigit() and len(value) <= 18:
        picked = int(value)
    if picked is not None:
        return entries.filter(group_id=picked)
    return entries.filter(autocomplete.text_query(("name",), value, prefix="group__"))


@permission_required("selfhelp.view_access_log")
def access_log(request):
    form = AccessLogFilter(request.GET)
    entries = AccessLog.objects.select_related("user", "group")
    if form.is_valid():
        entries = _log_of_group(entries, form.cleaned_data["group"])
    else:
        entries = entries.none()
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    actions = _labels(AccessAction.choices)
    for entry in page:
        entry.action_label = actions.get(entry.action, entry.action)
    return render(request, "selfhelp/access_log.html", {"page": page, "form": form})
