"""The consent registry (PRIVACY.md §5): the staff pages of the texts, the public page of the
text in force, withdrawal from the personal link and by staff, and a person's consents."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calportal.accounts.decorators import permission_required
from calportal.privacy import consent
from calportal.privacy.erasure import ErasureError
from calportal.privacy.forms_consent import NewVersionForm, ReconsentForm, WithdrawForm
from calportal.privacy.models import (
    Consent,
    ConsentChannel,
    ConsentPurpose,
    ConsentText,
    SubjectRequest,
)


@permission_required("privacy.view_consenttext")
def consent_list(request):
    return render(
        request,
        "privacy/consent_list.html",
        {
            "groups": consent.registry(),
            "may_add": request.user.has_perm("privacy.add_consenttext"),
        },
    )


@permission_required("privacy.view_consenttext")
def consent_detail(request, pk: int):
    text = get_object_or_404(ConsentText.objects.select_related("created_by"), pk=pk)
    return render(
        request,
        "privacy/consent_detail.html",
        {
            "text": text,
            "given": text.consents.count(),
            "withdrawn": text.consents.filter(withdrawn_at__isnull=False).count(),
            "may_add": request.user.has_perm("privacy.add_consenttext"),
        },
    )


@permission_required("privacy.view_consenttext", "privacy.add_consenttext")
def consent_create(request):
    """A new version: starts as a copy of the text in force (``?purpose=&language=``)."""
    initial = {}
    purpose, language = request.GET.get("purpose", ""), request.GET.get("language", "")
    if purpose in ConsentPurpose.values:
        initial["purpose"] = purpose
        current = (
            ConsentText.objects.filter(purpose=purpose, language=language, valid_to__isnull=True)
            .order_by("-valid_from")
            .first()
        )
        if current is not None:
            initial.update(language=current.language, text=current.text)
    form = NewVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            text = consent.text_new_version(**form.cleaned_data, user=request.user)
        except consent.ConsentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Version %(version)s is now in force; the previous one is closed.")
                % {"version": text.version},
            )
            return redirect("privacy:consent_detail", pk=text.pk)
    return render(request, "privacy/consent_form.html", {"form": form})


def consent_public(request, purpose: str):
    """The text in force of ``purpose`` in the page's language (anyone may read it)."""
    if purpose not in ConsentPurpose.values:
        raise Http404
    try:
        text = consent.current_text(purpose, get_language())
    except ConsentText.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "privacy/consent_public.html",
        {
            "text": text,
            "purpose_label": ConsentPurpose(purpose).label,
            "DPO_EMAIL": settings.DPO_EMAIL,
            "DPO_NAME": getattr(settings, "DPO_NAME", ""),
        },
    )


@require_POST
def consent_withdraw_personal(request, token: str):
    """One click on the personal link: the person withdraws the consent of their event
    sign-ups (their future registrations are cancelled and, with the erasure service, their
    data erased)."""
    from initiatives.links import LinkExpired, LinkInvalid, registration_from_token

    try:
        registration = registration_from_token(token)
    except (LinkExpired, LinkInvalid):
        raise Http404 from None
    if request.POST.get("confirm") != "1":
        # Erasure cannot be undone: the box on the personal page confirms it.
        messages.error(request, _("Tick the box to confirm that you want your data deleted."))
        return redirect("initiatives:registration_personal", token)
    # On an ErasureError the withdrawal is recorded and the future registrations cancelled;
    # what is left (rare: data under a pending claim) goes to the office as a request.
    try:
        consent.withdraw_person_event_consent(registration, channel=ConsentChannel.ONLINE)
    except ErasureError:
        consent.erasure_left_to_the_office(registration.participant)
    return redirect("privacy:consent_withdrawn")


def consent_withdrawn(request):
    return render(request, "privacy/consent_withdrawn.html")


# -- a person's consents (staff) -----------------------------------------------------------

SUBJECTS = {
    # kind: (view permission, change permission)
    "participant": ("initiatives.view_participant", "initiatives.change_registration"),
    "volunteer": ("volunteers.view_volunteer", "volunteers.change_volunteer"),
}


def _get_subject_for_user(request, kind: str, pk: int):
    if kind not in SUBJECTS:
        raise Http404
    if not request.user.has_perm(SUBJECTS[kind][0]):
        raise PermissionDenied
    if kind == "participant":
        from initiatives.models import Participant

        return get_object_or_404(Participant, pk=pk, anonymised_year__isnull=True)
    from volunteers.selectors import volunteers_for

    return get_object_or_404(volunteers_for(request.user), pk=pk)


def _consents_of(kind: str, subject):
    if kind == "participant":
        from django.db.models import Q

        found = Consent.objects.filter(
            Q(participant=subject) | Q(registration__participant=subject)
        )
    else:
        found = Consent.objects.filter(volunteer=subject)
    return found.select_related(
        "text", "taken_by", "withdrawn_by", "registration__event__initiative"
    ).order_by("-given_at", "-pk")


@permission_required()
def consent_subject(request, kind: str, pk: int):
    """Everything a person consented to, with withdrawal and (for a material change) renewal."""
    subject = _get_subject_for_user(request, kind, pk)
    may_change = request.user.has_perm(SUBJECTS[kind][1])
    return render(
        request,
        "privacy/consent_subject.html",
        {
            "kind": kind,
            "subject": subject,
            "consents": list(_consents_of(kind, subject)),
            "may_change": may_change,
            "withdraw_form": WithdrawForm(),
            "reconsent": consent.reconsent_needed(subject) if kind == "volunteer" else None,
            "reconsent_form": ReconsentForm(),
        },
    )


@require_POST
@permission_required()
def consent_withdraw(request, kind: str, pk: int):
    """Staff take a withdrawal by phone or on site; recorded with who took it."""
    subject = _get_subject_for_user(request, kind, pk)
    if not request.user.has_perm(SUBJECTS[kind][1]):
        raise PermissionDenied
    form = WithdrawForm(request.POST)
    # Which consent: the health-data one alone, or the sign-ups (everything else).
    active = _consents_of(kind, subject).filter(withdrawn_at__isnull=True)
    if request.POST.get("purpose") == ConsentPurpose.DISABILITY:
        active = active.filter(text__purpose=ConsentPurpose.DISABILITY)
    else:
        active = active.exclude(text__purpose=ConsentPurpose.DISABILITY)
    active = active.first()
    if not form.is_valid() or active is None:
        messages.error(request, _("There is no consent to withdraw."))
    else:
        try:
            outcome = consent.withdraw(
                active, channel=form.cleaned_data["channel"], user=request.user
            )
        except ErasureError as error:
            messages.warning(
                request,
                _("The withdrawal is recorded, but the data could not be erased yet: %(reason)s")
                % {"reason": error},
            )
        else:
            if isinstance(outcome, SubjectRequest):
                messages.info(
                    request,
                    _(
                        "The withdrawal is recorded and future registrations cancelled. The "
                        "erasure is in the register of requests (no. %(number)s) for the staff "
                        "who handle data protection."
                    )
                    % {"number": outcome.pk},
                )
                return redirect(_subject_url(kind, pk))
            if outcome is None:
                messages.success(
                    request, _("The consent is withdrawn and the health data deleted.")
                )
                return redirect(_subject_url(kind, pk))
            messages.success(
                request, _("The consent is withdrawn and the rules of erasure applied.")
            )
        return redirect(_after_withdrawal_url(kind, subject))
    return redirect(_subject_url(kind, pk))


@require_POST
@permission_required()
def consent_renew(request, kind: str, pk: int):
    """Staff record that a person in an ongoing relation consented to the new text."""
    subject = _get_subject_for_user(request, kind, pk)
    if kind != "volunteer" or not request.user.has_perm(SUBJECTS[kind][1]):
        raise PermissionDenied
    needed = consent.reconsent_needed(subject)
    form = ReconsentForm(request.POST)
    if needed is None:
        messages.info(request, _("No new consent is needed."))
    elif not form.is_valid():
        messages.error(request, _("Read the new text to the person first, then tick this."))
    else:
        consent.record(
            subject,
            needed.purpose,
            channel=form.cleaned_data["channel"],
            taken_by=request.user,
            language=needed.language,
        )
        messages.success(
            request,
            _("The consent to version %(version)s is recorded.") % {"version": needed.version},
        )
    return redirect(_subject_url(kind, pk))


def _after_withdrawal_url(kind: str, subject) -> str:
    """Back to the person's consents, unless the erasure took them away."""
    model = type(subject)
    if model.objects.filter(pk=subject.pk, **_identifiable(kind)).exists():
        return _subject_url(kind, subject.pk)
    if kind == "participant":
        return reverse("initiatives:participant_list")
    return reverse("volunteers:volunteer_list")


def _identifiable(kind: str) -> dict:
    return {"anonymised_year__isnull": True}


def _subject_url(kind: str, pk: int) -> str:
    return reverse("privacy:consent_subject", args=[kind, pk])
