from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from calportal.team.models import TeamMeeting, TeamMember, TeamTask

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TeamMemberForm(forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = [
            "full_name",
            "organisation",
            "team_role",
            "email",
            "phone",
            "user",
            "start_date",
            "end_date",
        ]
        widgets = {"start_date": DATE_INPUT, "end_date": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = self.fields["user"].queryset.filter(is_active=True)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Row(Column("full_name"), Column("organisation")),
            Row(Column("team_role"), Column("email"), Column("phone")),
            Row(Column("start_date"), Column("end_date"), Column("user")),
            Submit("save", _("Save")),
        )


class TeamMeetingForm(forms.ModelForm):
    attendees = forms.ModelMultipleChoiceField(
        label=_("Present"),
        queryset=TeamMember.objects.select_related("organisation"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = TeamMeeting
        fields = ["held_on", "starts_at", "place", "agenda", "minutes", "decisions", "attendees"]
        widgets = {
            "held_on": DATE_INPUT,
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].label_from_instance = lambda member: (
            f"{member.full_name} ({member.organisation.display_name})"
        )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Row(Column("held_on"), Column("starts_at"), Column("place", css_class="col-md-6")),
            "agenda",
            "minutes",
            "decisions",
            "attendees",
            Submit("save", _("Save")),
        )


class TeamTaskForm(forms.ModelForm):
    responsible = forms.ModelMultipleChoiceField(
        label=_("Responsible"),
        queryset=TeamMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = TeamTask
        fields = ["description", "responsible"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Current members, plus anyone already responsible who has since left the team.
        current = TeamMember.objects.current().values("pk")
        self.fields["responsible"].queryset = TeamMember.objects.filter(
            Q(pk__in=current) | Q(tasks=self.instance)
        ).distinct()
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("save", _("Save")))
