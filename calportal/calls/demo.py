"""A morning's call list for the demo: people the office must phone, as the portal's own
rules put them there (:mod:`calportal.notify`), plus a few calls already tried."""

import datetime

from django.utils import timezone

from calportal.calls import services
from calportal.calls.models import CallItem, CallOutcome, CallReason


def calls_demo_load() -> int:
    """Put phone-only demo participants' upcoming registrations on the list (a place from the
    waiting list, a moved session, the reminder for a landline), the self-help join requests
    that asked for a call, and a call-back request; one item tried twice and one flagged after
    three tries. Idempotent (the items' keys). Returns how many items are open."""
    from initiatives.messages import tell_registration
    from initiatives.models import Registration, RegistrationStatus
    from selfhelp.models import ContactWay, JoinRequest, RequestStatus

    upcoming = (
        Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            participant__email="",
            participant__anonymised_year__isnull=True,
            event__starts_at__gt=timezone.now(),
        )
        .select_related("participant")
        .order_by("event__starts_at", "pk")
    )
    for registration, message in zip(
        upcoming, ("registration_promoted", "registration_moved", "event_changed"), strict=False
    ):
        tell_registration(message, registration.pk, key=f"demo:{registration.pk}")
    for join_request in JoinRequest.objects.filter(
        status=RequestStatus.NEW, contact_way=ContactWay.PHONE
    ).select_related("group"):
        services.add(
            CallReason.JOIN_REQUEST,
            name=join_request.first_name,
            phone=join_request.phone,
            # The key the portal's own acknowledgement uses (selfhelp.services): never twice.
            key=f"selfhelp-request:{join_request.pk}:received",
            context={"join_request": join_request, "first_name": join_request.first_name},
            regarding=join_request,
            group=join_request.group,
        )
    services.add(
        CallReason.CALL_BACK,
        name="Helena Wawrzyniak",
        phone="612835000",
        key="demo:call-back",
        context={"about": "karty „Śremski Przyjaciel Seniora”"},
    )
    _tried(CallReason.PROMOTED, times=2)
    _tried(CallReason.CALL_BACK, times=3)
    return CallItem.objects.open().count()


def _tried(reason: str, *, times: int) -> None:
    """Record ``times`` unanswered calls on the first open item of ``reason``, on past days,
    so the list shows how a repeated try looks (and a flag after three)."""
    item = CallItem.objects.open().filter(reason=reason, not_reached=0).first()
    if item is None:
        return
    for _attempt in range(times):
        services.record_outcome(item_id=item.pk, outcome=CallOutcome.NOT_REACHED, by=None)
    CallItem.objects.filter(pk=item.pk).update(due_on=timezone.localdate())
    item.attempts.update(at=timezone.now() - datetime.timedelta(days=1))
