from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from calportal.accounts.models import User
from calportal.accounts.roles import Role
from calportal.contacts import PhoneField
from calportal.privacy.models import ConsentPurpose
from calportal.public_forms import PublicForm
from initiatives.forms import _helper
from selfhelp.models import ContactWay, Group, Meeting
from selfhelp.services import current_members


class JoinForm(PublicForm):
    """The gentle public form: few fields, nothing about why. ``hp_check`` is a honeypot."""

    consent_purpose = ConsentPurpose.SELFHELP

    first_name = forms.CharField(
        label=_("Your first name"),
        max_length=100,
        help_text=_("A first name is enough."),
    )
    phone = PhoneField(label=_("Phone"), required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False, max_length=254)
    contact_way = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=ContactWay.choices,
        initial=ContactWay.PHONE,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    contact_time = forms.CharField(
        label=_("When is a good time? (optional)"),
        max_length=100,
        required=False,
        help_text=_("For example: weekdays after 16:00."),
    )
    message = forms.CharField(
        label=_("Anything you would like to say first? (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the person leading the group contacts me, as described in the "
            "information clause."
        )
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].error_messages["max_length"] = _(
            "Please keep the message under 1,000 characters; you can tell us more when we talk."
        )

    def clean(self):
        cleaned = super().clean()
        way = cleaned.get("contact_way")
        if self.has_error("phone") or self.has_error("email"):
            return cleaned
        if not cleaned.get("phone") and not cleaned.get("email"):
            raise ValidationError(
                _("Give a phone number or an e-mail address, so that we can contact you.")
            )
        if way == ContactWay.PHONE and not cleaned.get("phone"):
            self.add_error("phone", _("You asked us to call: give your phone number."))
        if way == ContactWay.EMAIL and not cleaned.get("email"):
            self.add_error("email", _("You asked us to write: give your e-mail address."))
        return cleaned


RESERVED_SLUGS = {"thanks"}


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = [
            "name",
            "slug",
            "topic",
            "description",
            "who_for",
            "facilitator",
            "place",
            "weekday",
            "starts_at",
            "duration_minutes",
            "frequency",
            "max_size",
            "accepts_members",
            "status",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "who_for": forms.Textarea(attrs={"rows": 2}),
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, may_reassign: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not may_reassign:
            # Whoever is the facilitator reads the members: only the groups' coordinator may
            # hand a running group to someone else.
            del self.fields["facilitator"]
        else:
            self.fields["facilitator"].queryset = (
                User.objects.filter(
                    is_active=True,
                    groups__name__in=[
                        Role.GROUP_FACILITATOR.value,
                        Role.SELFHELP_COORDINATOR.value,
                        Role.OPS_STAFF.value,
                    ],
                )
                .distinct()
                .order_by("full_name")
            )
            self.fields["facilitator"].label_from_instance = lambda user: user.full_name
        self.helper = _helper(Submit("save", _("Save")))

    def clean_max_size(self):
        """A group cannot be made smaller than the members it has now: nobody is dropped."""
        size = self.cleaned_data["max_size"]
        if self.instance.pk and size is not None:
            members = current_members(self.instance)
            if size < members:
                raise ValidationError(
                    ngettext(
                        "The group has %(count)s member now: it cannot be made smaller than that.",
                        "The group has %(count)s members now: it cannot be made smaller than that.",
                        members,
                    )
                    % {"count": members}
                )
        return size

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("This address is taken by the portal; choose another."))
        return slug


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Private note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AcceptForm(forms.Form):
    last_name = forms.CharField(label=_("Last name (optional)"), required=False, max_length=100)


class DeclineForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the person"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class LeaveForm(forms.Form):
    left_on = forms.DateField(
        label=_("Left on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class TermForm(forms.Form):
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("start", "end"):
            if cleaned.get(name) and not 2000 <= cleaned[name].year <= 2100:
                self.add_error(name, _("Give a date between 2000 and 2100."))
                return cleaned
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The end of the term cannot be before its start."))
        return cleaned


OUTCOMES = [
    ("held", _("It took place")),
    ("cancelled", _("It was cancelled")),
    ("planned", _("Not yet: still planned")),
]


class MeetingForm(forms.ModelForm):
    outcome = forms.ChoiceField(
        label=_("The meeting"),
        choices=OUTCOMES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = Meeting
        fields = ["topic", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance
        self.fields["outcome"].initial = (
            "held" if meeting.held else "cancelled" if meeting.cancelled else "planned"
        )
        if not meeting.held and not meeting.cancelled:
            started = meeting.starts_at and meeting.starts_at <= timezone.now()
            self.fields["outcome"].initial = "held" if started else "planned"
        if meeting.starts_at and timezone.localdate(meeting.starts_at) > timezone.localdate():
            # A day still to come: it can be cancelled ahead, not recorded as held.
            self.fields["outcome"].choices = [c for c in OUTCOMES if c[0] != "held"]
