"""Public pages: the calendar, the event page with signup, personal links, iCalendar feeds."""

import calendar as calendar_module
from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calportal.public_forms import public_form_accepted
from initiatives import selectors, services
from initiatives.filters import PublicEventFilter
from initiatives.forms import SignupForm
from initiatives.ical import calendar_bytes
from initiatives.links import LinkExpired, LinkInvalid, registration_from_token, registration_path
from initiatives.models import Event, Initiative

PAGE_SIZE = 20


def event_calendar(request):
    event_filter = PublicEventFilter(request.GET, queryset=selectors.public_events())
    page = Paginator(event_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "initiatives/calendar.html",
        {"filter": event_filter, "page": page, "now": timezone.now()},
    )


def event_calendar_month(request, year: int | None = None, month: int | None = None):
    today = timezone.localdate()
    year = today.year if year is None else year
    month = today.month if month is None else month
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404
    event_filter = PublicEventFilter(request.GET, queryset=selectors.public_events())
    events = list(selectors.events_in_month(event_filter.qs, year=year, month=month))
    by_day: dict[date, list[Event]] = {}
    for event in events:
        by_day.setdefault(timezone.localtime(event.starts_at).date(), []).append(event)
    weeks = [
        [(day, by_day.get(day, [])) if day.month == month else (day, None) for day in week]
        for week in calendar_module.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    previous_month = (year - 1, 12) if month == 1 else (year, month - 1)
    next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return render(
        request,
        "initiatives/calendar_month.html",
        {
            "filter": event_filter,
            "weeks": weeks,
            "month_start": date(year, month, 1),
            "previous_month": previous_month,
            "next_month": next_month,
            "events": events,
            "today": today,
        },
    )


def _get_public_event(pk: int) -> Event:
    return get_object_or_404(
        Event.objects.select_related("initiative"), pk=pk, initiative__is_public=True
    )


def event_public(request, pk: int):
    event = _get_public_event(pk)
    form = SignupForm(request.POST or None, event=event)
    status = 200
    if request.method == "POST":
        accepted, status = public_form_accepted(
            request,
            form,
            group="initiatives.signup",
            limit_message=_(
                "Too many signups from your connection. Please try again in a while or call us."
            ),
        )
        if accepted:
            result = _signup(request, event, form)
            if result is not None:
                return result
    return render(
        request,
        "initiatives/event_public.html",
        {"event": event, "form": form, "state": event.registration_state()},
        status=status,
    )


def _signup(request, event: Event, form: SignupForm):
    data = form.cleaned_data
    try:
        result = services.registration_create(
            event_id=event.pk,
            event=event,
            person=services.PersonData.from_data(data),
            companions=data["companions"],
            accessibility_needs=data["accessibility_needs"],
            certificate_declared=bool(data.get("disability_certificate")),
            health_consent=bool(data.get("health_consent")),
            language=get_language(),
        )
    except services.RegistrationError as error:
        form.add_error(None, str(error))
        return None
    # Whoever typed these details may not be the person (the social-welfare act forbids
    # revealing who signs up), so a known person gets exactly the page anyone gets, and the
    # personal link goes only to the contact details on file.
    if not result.created:
        services.registration_resend_link(registration=result.registration)
    if form.health_data_refused:
        messages.warning(
            request,
            _(
                "We did not keep what you wrote about your needs: information about health is "
                "kept only with the separate consent, which was not ticked. If you want us to "
                "prepare something for you, please call us."
            ),
        )
    return redirect("initiatives:signup_received", pk=event.pk)


def signup_received(request, pk: int):
    from calportal.outbox.sms import sms_enabled

    return render(
        request,
        "initiatives/signup_received.html",
        {"event": _get_public_event(pk), "SMS_ENABLED": sms_enabled()},
    )


def _registration_or_error_page(request, token: str):
    try:
        return registration_from_token(token), None
    except LinkExpired:
        return None, render(request, "initiatives/link_invalid.html", {"expired": True}, status=410)
    except LinkInvalid:
        return None, render(
            request, "initiatives/link_invalid.html", {"expired": False}, status=404
        )


def registration_personal(request, token: str):
    registration, error_page = _registration_or_error_page(request, token)
    if error_page:
        return error_page
    return render(
        request,
        "initiatives/registration_personal.html",
        {
            "registration": registration,
            "event": registration.event,
            "position": selectors.waiting_position(registration),
            "token": token,
            "sms_choice": _sms_choice(registration.participant),
        },
    )


def _sms_choice(participant) -> str:
    """What the personal page offers about text messages: ``"choose"`` (a mobile and an
    e-mail: the person chooses), ``"always"`` (a mobile without e-mail: texts are how we reach
    them), or ``""`` (no mobile, or the portal sends none)."""
    from calportal.outbox.sms import can_text, sms_enabled

    if not sms_enabled() or not can_text(str(participant.phone or "")):
        return ""
    return "choose" if participant.email else "always"


@require_POST
def registration_text_messages(request, token: str):
    """The person turns text messages as well as e-mails on or off (``sms`` = "1" / "0") from
    their personal link. Without an e-mail address a mobile number gets them anyway: that is
    how the portal reaches them (the page says so)."""
    registration, error_page = _registration_or_error_page(request, token)
    if error_page:
        return error_page
    wanted = request.POST.get("sms") == "1"
    participant = registration.participant
    if participant.sms_wanted != wanted:
        participant.sms_wanted = wanted
        participant.save(update_fields=["sms_wanted"])
    messages.success(
        request,
        _("We will send you text messages as well.")
        if wanted
        else _("We will not send you text messages while we have your e-mail address."),
    )
    return redirect(registration_path(registration))


def registration_cancel_public(request, token: str):
    """GET asks "are you sure?"; POST cancels. A tap by mistake cancels nothing."""
    registration, error_page = _registration_or_error_page(request, token)
    if error_page:
        return error_page
    if request.method != "POST":
        return render(
            request,
            "initiatives/registration_cancel.html",
            {"registration": registration, "event": registration.event, "token": token},
        )
    try:
        services.registration_cancel(registration_id=registration.pk)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Your registration is cancelled. Thank you for letting us know.")
        )
    return redirect(registration_path(registration))


def event_ics(request, pk: int):
    event = _get_public_event(pk)
    return _ics_response(
        calendar_bytes([event], name=event.display_title), f"wydarzenie-{event.pk}.ics"
    )


def feed_all(request):
    events = selectors.public_events()[:500]
    return _ics_response(calendar_bytes(events, name=_("CAL Śrem – events")), "cal-srem.ics")


def feed_initiative(request, slug: str):
    initiative = get_object_or_404(Initiative, slug=slug, is_public=True)
    events = selectors.public_events().filter(initiative=initiative)[:500]
    return _ics_response(calendar_bytes(events, name=initiative.title), f"{initiative.slug}.ics")


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response
