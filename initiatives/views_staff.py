"""Staff pages: initiatives, events, registrations, attendance and the attendance sheet."""

import dataclasses

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calportal.accounts.decorators import permission_required
from calportal.audit.models import Access
from calportal.audit.services import record_access
from calportal.contacts import name_text_key, phone_search_digits
from calportal.csv_files import csv_stream_response
from calportal.documents.services import document_request
from calportal.middleware import contains_refused_characters
from calportal.parsing import int_list
from initiatives import selectors, services
from initiatives.filters import InitiativeFilter, StaffEventFilter
from initiatives.forms import (
    EventForm,
    FundingFormSet,
    InitiativeForm,
    MessageForm,
    MoveForm,
    PhoneRegistrationForm,
    SeriesForm,
)
from initiatives.messages import channels_for
from initiatives.models import Event, Initiative, Participant, Registration, RegistrationStatus

PAGE_SIZE = 25


# --- Initiatives --------------------------------------------------------------------------


@permission_required("initiatives.view_initiative")
def initiative_list(request):
    initiative_filter = InitiativeFilter(request.GET, queryset=selectors.staff_initiatives())
    page = Paginator(initiative_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "initiatives/initiative_list.html", {"filter": initiative_filter, "page": page}
    )


@permission_required("initiatives.view_initiative")
def initiative_detail(request, pk: int):
    initiative = get_object_or_404(
        Initiative.objects.select_related("lead_organisation").prefetch_related(
            "partner_organisations", "target_groups", "fundings__agreement"
        ),
        pk=pk,
    )
    events = selectors.staff_events().filter(initiative=initiative).order_by("starts_at")
    return render(
        request, "initiatives/initiative_detail.html", {"initiative": initiative, "events": events}
    )


@permission_required("initiatives.add_initiative")
def initiative_create(request):
    return _initiative_form(request, Initiative())


@permission_required("initiatives.change_initiative")
def initiative_edit(request, pk: int):
    return _initiative_form(request, get_object_or_404(Initiative, pk=pk))


def _initiative_form(request, initiative: Initiative):
    form = InitiativeForm(request.POST or None, instance=initiative)
    fundings = FundingFormSet(request.POST or None, instance=initiative, prefix="funding")
    if request.method == "POST" and form.is_valid() and fundings.is_valid():
        initiative = services.initiative_save(form=form, fundings=fundings)
        messages.success(request, _("Initiative saved."))
        return redirect(initiative)
    return render(
        request,
        "initiatives/initiative_form.html",
        {"form": form, "fundings": fundings, "initiative": initiative if initiative.pk else None},
    )


@require_POST
@permission_required("initiatives.add_initiative")
def initiative_duplicate(request, pk: int):
    initiative = get_object_or_404(Initiative, pk=pk)
    copy = services.initiative_duplicate(initiative=initiative)
    messages.success(request, _("A copy was made. Change what differs and save."))
    return redirect("initiatives:initiative_edit", pk=copy.pk)


# --- Events -----------------------------------------------------------------------------------


@permission_required("initiatives.view_event")
def event_list(request):
    event_filter = StaffEventFilter(
        request.GET, queryset=selectors.staff_events().order_by("starts_at")
    )
    page = Paginator(event_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "initiatives/event_list.html", {"filter": event_filter, "page": page})


@permission_required("initiatives.add_event")
def event_create(request):
    initial = {"initiative": request.GET.get("initiative")}
    form = EventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        event = services.event_create(data=form.cleaned_data)
        messages.success(request, _("Event saved."))
        return redirect("initiatives:event_registrations", pk=event.pk)
    return render(request, "initiatives/event_form.html", {"form": form})


@permission_required("initiatives.change_event")
def event_edit(request, pk: int):
    """Edit an event. A change people must hear about — more places (people on the waiting
    list get them) or another date, time or place (everyone registered is told) — is shown
    first, with who is told how, and made when staff confirm (the form is sent again)."""
    event = get_object_or_404(Event.objects.select_related("initiative"), pk=pk)
    old_capacity = event.capacity
    before = services.told_values(vars(event))
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        promotions, told = [], []
        if form.cleaned_data["capacity"] > old_capacity:
            current = Event.objects.select_related("initiative").get(pk=event.pk)
            promotions = services.promotion_preview(current, capacity=form.cleaned_data["capacity"])
        changed = services.told_values(form.cleaned_data) != before
        if changed and before[0] > timezone.now() and not event.is_cancelled:
            told = [
                (registration, channels_for(registration, "event_changed"))
                for registration in event.registrations.filter(
                    status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
                )
                .select_related("participant")
                .order_by("status", "queued_at", "pk")
            ]
        if (promotions or told) and request.POST.get("confirm_told") != "1":
            return render(
                request,
                "initiatives/event_form.html",
                {
                    "form": form,
                    "event": event,
                    "promotions": _told(promotions),
                    "changed_told": _told(told),
                    "resubmit": [
                        (name, value)
                        for name, values in request.POST.lists()
                        if name != "csrfmiddlewaretoken"
                        for value in values
                    ],
                },
            )
        try:
            services.event_update(event_id=event.pk, data=form.cleaned_data)
        except services.RegistrationError as error:
            form.add_error("capacity", str(error))
        else:
            told_count = len({row[0].pk for row in (*promotions, *told)})
            if told_count:
                messages.success(
                    request,
                    ngettext(
                        "Event saved. %(count)s person is being told; anyone the office must "
                        "call is on the call list.",
                        "Event saved. %(count)s people are being told; anyone the office must "
                        "call is on the call list.",
                        told_count,
                    )
                    % {"count": told_count},
                )
            else:
                messages.success(request, _("Event saved."))
            return redirect("initiatives:event_registrations", pk=event.pk)
    return render(request, "initiatives/event_form.html", {"form": form, "event": event})


@permission_required("initiatives.add_event")
def event_series_create(request, pk: int):
    initiative = get_object_or_404(Initiative, pk=pk)
    form = SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.event_series_create(
            initiative=initiative, form_data=form.cleaned_data, sessions=form.sessions()
        )
        if result.created or not result.existing:  # nothing created: the warning says why
            messages.success(
                request,
                ngettext(
                    "%(count)s session created.", "%(count)s sessions created.", len(result.created)
                )
                % {"count": len(result.created)},
            )
        if result.existing:
            messages.warning(
                request,
                ngettext(
                    "%(count)s session already existed and was left out: %(sessions)s.",
                    "%(count)s sessions already existed and were left out: %(sessions)s.",
                    len(result.existing),
                )
                % {
                    "count": len(result.existing),
                    "sessions": ", ".join(
                        formats.date_format(
                            timezone.localtime(event.starts_at), "SHORT_DATETIME_FORMAT"
                        )
                        for event in result.existing
                    ),
                },
            )
        return redirect(initiative)
    return render(request, "initiatives/series_form.html", {"form": form, "initiative": initiative})


@permission_required("initiatives.change_event")
def event_cancel(request, pk: int):
    event = get_object_or_404(Event.objects.select_related("initiative"), pk=pk)
    if request.method == "POST":
        services.event_cancel(event_id=event.pk)
        messages.success(
            request,
            _(
                "The event is cancelled. Everyone registered is being told; those the office "
                "must call are on the call list."
            ),
        )
        return redirect("initiatives:event_registrations", pk=event.pk)
    registered = list(
        event.registrations.exclude(status=RegistrationStatus.CANCELLED)
        .select_related("participant")
        .order_by("status", "queued_at", "pk")
    )
    told = _told(
        [
            (registration, channels_for(registration, "event_cancelled"))
            for registration in registered
        ]
    )
    return render(
        request,
        "initiatives/event_cancel.html",
        {"event": event, "registered": len(registered), "told": told},
    )


def _told(pairs) -> list[dict]:
    """``[{"registration", "channels": [label, …], "call": bool}]`` for a preview of who will be
    told how (:mod:`calportal.notify`); an empty channel list means nobody can reach them."""
    from calportal.notify import CALL, CHANNEL_LABELS

    return [
        {
            "registration": registration,
            "channels": [CHANNEL_LABELS[channel] for channel in channels],
            "call": CALL in channels,
        }
        for registration, channels in pairs
    ]


# --- Registrations ------------------------------------------------------------------------------


def _get_event(pk: int) -> Event:
    return get_object_or_404(Event.objects.select_related("initiative"), pk=pk)


@permission_required("initiatives.view_registration")
def event_registrations(request, pk: int):
    """The event's confirmed, waiting and cancelled registrations, a page of each (the
    ``confirmed_page``, ``waiting_page`` and ``cancelled_page`` parameters); a fixed number of
    queries however many people registered."""
    event = _get_event(pk)
    record_access(request.user, Access.REGISTRATIONS, event)
    lists = selectors.event_registration_pages(
        event,
        {status: request.GET.get(f"{status}_page") for status in selectors.REGISTRATION_LISTS},
    )
    for status, page in lists.items():
        page.previous_link = _page_link(request, f"{status}_page", page.number - 1, status)
        page.next_link = _page_link(request, f"{status}_page", page.number + 1, status)
    # The sessions a person can be moved to, formatted once for every row's drop-down.
    move_choices = [
        (
            choice.pk,
            formats.date_format(timezone.localtime(choice.starts_at), "SHORT_DATETIME_FORMAT"),
        )
        for choice in MoveForm(event=event).fields["to_event"].queryset.order_by("starts_at", "pk")
    ]
    return render(
        request,
        "initiatives/event_registrations.html",
        {"event": event, **lists, "move_choices": move_choices},
    )


def _page_link(request, parameter: str, number: int, anchor: str) -> str:
    """The current query string with ``parameter`` set to ``number``, to the list's heading."""
    query = request.GET.copy()
    query[parameter] = str(number)
    return f"?{query.urlencode()}#{anchor}-title"


@permission_required("initiatives.add_registration")
def registration_add(request, pk: int):
    event = _get_event(pk)
    query = request.GET.get("q", "").strip()
    candidates = _participant_candidates(query or request.POST.get("q", ""))
    form = PhoneRegistrationForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        known = data.get("participant")
        person = services.PersonData.from_data(known or data)
        if known and not known.birth_year and data.get("birth_year"):
            person = dataclasses.replace(person, birth_year=data["birth_year"])
        if known:
            person = dataclasses.replace(person, residence=data["residence"])
        try:
            result = services.registration_create(
                event_id=event.pk,
                person=person,
                companions=data["companions"],
                accessibility_needs=data["accessibility_needs"],
                health_consent=data["health_consent"],
                source=data["source"],
                created_by=request.user,
                check_window=False,
            )
        except services.RegistrationError as error:
            form.add_error(None, str(error))
        else:
            if not result.created:
                messages.info(
                    request,
                    _("%(person)s was already registered.")
                    % {"person": result.registration.participant},
                )
            elif result.registration.status == RegistrationStatus.CONFIRMED:
                messages.success(
                    request,
                    _("%(person)s is registered.") % {"person": result.registration.participant},
                )
            else:
                messages.info(
                    request,
                    _("The event is full: %(person)s is on the waiting list.")
                    % {"person": result.registration.participant},
                )
            return redirect("initiatives:event_registrations", pk=event.pk)
    return render(
        request,
        "initiatives/registration_add.html",
        {"event": event, "form": form, "query": query, "candidates": candidates},
    )


def _participant_candidates(query: str):
    query = query.strip()
    # The query string is checked by calportal.middleware; the POSTed search is not a form field.
    if len(query) < 2 or contains_refused_characters(query):
        return Participant.objects.none()
    digits = phone_search_digits(query)
    match = Q(name_key__contains=name_text_key(query)) | Q(email__icontains=query)
    if len(digits) >= 3:
        match |= Q(phone__contains=digits)
    # Not sliced: the form's choice field must be able to look a chosen person up. Anonymised
    # rows (PRIVACY.md §2) are nobody to register.
    people = Participant.objects.identifiable()
    ids = list(people.filter(match).values_list("pk", flat=True)[:20])
    return people.filter(pk__in=ids).order_by("last_name", "first_name")


def _get_registration(event_pk: int, pk: int) -> Registration:
    """A registration staff may cancel or move: not one of an anonymised person (PRIVACY.md
    §2), which is a fact of the figures, not someone's place."""
    return get_object_or_404(
        Registration.objects.select_related("participant", "event"),
        pk=pk,
        event_id=event_pk,
        participant__anonymised_year__isnull=True,
    )


@permission_required("initiatives.change_registration")
def registration_cancel(request, pk: int, registration_pk: int):
    """GET: what the cancellation will do — how the person is told, who on the waiting list
    gets the place and how each of them is told. POST: cancel."""
    registration = _get_registration(pk, registration_pk)
    if request.method != "POST":
        return render(
            request,
            "initiatives/registration_cancel_staff.html",
            {
                "event": registration.event,
                "registration": registration,
                "told": _told(
                    [(registration, channels_for(registration, "registration_cancelled"))]
                )[0],
                "promotions": _told(
                    services.promotion_preview(registration.event, freeing=registration)
                )
                if registration.status == RegistrationStatus.CONFIRMED
                else [],
            },
        )
    services.registration_cancel(registration_id=registration.pk, by_staff=True)
    messages.success(
        request, _("Registration of %(person)s cancelled.") % {"person": registration.participant}
    )
    return redirect("initiatives:event_registrations", pk=pk)


@require_POST
@permission_required("initiatives.change_registration")
def registration_move(request, pk: int, registration_pk: int):
    registration = _get_registration(pk, registration_pk)
    form = MoveForm(request.POST, event=registration.event)
    if not form.is_valid():
        messages.error(request, _("Choose the session to move to."))
        return redirect("initiatives:event_registrations", pk=pk)
    try:
        services.registration_move(
            registration_id=registration.pk,
            to_event_id=form.cleaned_data["to_event"].pk,
            moved_by=request.user,
        )
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(person)s moved to another session.") % {"person": registration.participant},
        )
    return redirect("initiatives:event_registrations", pk=pk)


@permission_required("initiatives.change_registration")
def event_attendance(request, pk: int):
    event = _get_event(pk)
    # Anonymised persons (PRIVACY.md §2) last, as "Anonymised person", their attendance shown
    # but no longer changed (see services.attendance_set).
    confirmed = list(
        event.registrations.filter(status=RegistrationStatus.CONFIRMED)
        .select_related("participant")
        .order_by(
            F("participant__anonymised_year").asc(nulls_first=True),
            "participant__last_name",
            "participant__first_name",
        )
    )
    if request.method == "POST":
        try:
            present = services.attendance_set(
                event=event,
                shown_ids=_ids(request.POST.getlist("shown")),
                present_ids=_ids(request.POST.getlist("present")),
            )
        except services.RegistrationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Attendance saved: %(present)s of %(total)s present.")
                % {"present": present, "total": len(confirmed)},
            )
        return redirect("initiatives:event_attendance", pk=event.pk)
    return render(
        request,
        "initiatives/event_attendance.html",
        {
            "event": event,
            "confirmed": confirmed,
            "can_record": services.attendance_can_be_recorded(event),
        },
    )


def _ids(values: list[str]) -> set[int]:
    return set(int_list(values))


@permission_required("initiatives.change_registration")
def event_message(request, pk: int):
    event = _get_event(pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        count = services.event_message_send(
            event=event,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            include_waiting=form.cleaned_data["include_waiting"],
        )
        messages.success(
            request,
            ngettext(
                "The message is being sent to %(count)s person with an e-mail address.",
                "The message is being sent to %(count)s people with an e-mail address.",
                count,
            )
            % {"count": count},
        )
        return redirect("initiatives:event_registrations", pk=event.pk)
    return render(request, "initiatives/event_message.html", {"event": event, "form": form})


@permission_required("initiatives.view_registration")
def event_registrations_csv(request, pk: int):
    event = _get_event(pk)
    record_access(request.user, Access.EXPORT, event, detail="csv")
    # UTF-8 with a byte-order mark and semicolons: Excel opens it with Polish letters intact;
    # written as it is sent, so a list of thousands is never held whole.
    return csv_stream_response(
        [
            _("Status"),
            _("Position"),
            _("First name"),
            _("Last name"),
            _("E-mail address"),
            _("Phone"),
            _("Year of birth"),
            _("Places"),
            _("Source"),
            _("Accessibility needs"),
            _("Attendance"),
            _("Registered"),
        ],
        (
            [
                registration.get_status_display(),
                getattr(registration, "position", ""),
                # An anonymised person (PRIVACY.md §2): the label, no generalised year.
                str(registration.participant)
                if registration.participant.is_anonymised
                else registration.participant.first_name,
                registration.participant.last_name,
                registration.participant.email,
                registration.participant.phone,
                ""
                if registration.participant.is_anonymised
                else registration.participant.birth_year or "",
                registration.places,
                registration.get_source_display(),
                registration.accessibility_needs,
                registration.get_attendance_display(),
                timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
            for registration in selectors.registrations_for_export(event)
        ),
        f"zapisy-{event.pk}.csv",
    )


@require_POST
@permission_required("initiatives.view_registration")
def attendance_sheet_request(request, pk: int):
    event = _get_event(pk)
    document = document_request(
        kind="initiatives.attendance_sheet",
        params={"event_id": event.pk},
        title=_("Attendance sheet: %(event)s") % {"event": event.display_title},
        requested_by=request.user,
        language=get_language(),
    )
    return redirect(document)
