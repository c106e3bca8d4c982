import json

from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from calportal.contacts import PhoneField
from calportal.public_forms import PublicForm
from initiatives.forms import _helper
from initiatives.models import Initiative, TargetGroup
from resources_map import geo
from resources_map.models import (
    CLASS_OF_KIND,
    Area,
    Diagnosis,
    Need,
    ReportKind,
    Resource,
    ResourceClass,
)
from selfhelp.models import RUNNING_GROUP_STATUSES, Group
from volunteers.models import Opportunity

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PointMixin:
    """Latitude and longitude together, inside the municipality's bounding box."""

    def clean(self):
        cleaned = super().clean()
        error = geo.point_error(cleaned.get("latitude"), cleaned.get("longitude"))
        if error and not self.has_error("latitude") and not self.has_error("longitude"):
            self.add_error("latitude", error)
        return cleaned


def _point_widgets(form) -> None:
    for name in ("latitude", "longitude"):
        form.fields[name].widget.attrs.update({"inputmode": "decimal", "data-point": name})
        form.fields[name].localize = False
    form.fields["latitude"].help_text = _(
        "Click the map to set the point, or type the coordinates (e.g. 52.0886, 17.0146)."
    )


class ResourceForm(PointMixin, forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Resource
        fields = [
            "name",
            "resource_class",
            "kind",
            "topic",
            "organisation",
            "area",
            "address",
            "latitude",
            "longitude",
            "description",
            "opening_hours",
            "contact_phone",
            "contact_email",
            "website",
            "target_groups",
            "conditions",
            "deadline",
            "is_public",
            "verified_on",
            "used_by",
            "internal_notes",
        ]
        widgets = {
            "deadline": DATE,
            "verified_on": DATE,
            "target_groups": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].queryset = TargetGroup.objects.order_by("pk")
        self.fields["used_by"].queryset = Initiative.objects.order_by("title")
        self.fields["used_by"].required = False
        self.fields["used_by"].widget.attrs["size"] = 6
        _point_widgets(self)
        self.helper = _helper(Submit("save", _("Save")))

    def clean(self):
        cleaned = super().clean()
        resource_class, kind = cleaned.get("resource_class"), cleaned.get("kind")
        if resource_class and kind and CLASS_OF_KIND.get(kind) != resource_class:
            self.add_error(
                "kind",
                _("“%(kind)s” is not a kind of %(class)s resource.")
                % {
                    "kind": Resource(kind=kind).get_kind_display(),
                    "class": Resource(resource_class=resource_class)
                    .get_resource_class_display()
                    .lower(),
                },
            )
        if resource_class == ResourceClass.INSTITUTIONAL and not cleaned.get("organisation"):
            self.add_error(
                "organisation",
                _("An institutional resource must name its organisation from the catalogue."),
            )
        return cleaned


def _group_label(group: Group) -> str:
    """A group's name, with its status when it no longer answers needs (closed)."""
    if group.status in RUNNING_GROUP_STATUSES:
        return group.name
    return f"{group.name} ({group.get_status_display()})"


def _opportunity_label(opportunity: Opportunity) -> str:
    """An opportunity's title and organisation, marked when it is closed."""
    label = f"{opportunity.title} — {opportunity.organisation}"
    if opportunity.is_open:
        return label
    # Outside the f-string, so that makemessages finds it.
    closed = pgettext("volunteering opportunity", "closed")
    return f"{label} ({closed})"


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = [
            "title",
            "description",
            "target_groups",
            "areas",
            "severity",
            "found_by",
            "identified_on",
            "status",
            "resources",
            "initiatives",
            "self_help_groups",
            "opportunities",
            "is_public",
            "internal_notes",
        ]
        widgets = {
            "identified_on": DATE,
            "target_groups": forms.CheckboxSelectMultiple,
            "areas": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].queryset = TargetGroup.objects.order_by("pk")
        self.fields["areas"].queryset = Area.objects.order_by("kind", "name")
        self.fields["areas"].error_messages["required"] = _("Choose at least one area.")
        self.fields["resources"].queryset = Resource.objects.order_by("name")
        self.fields["initiatives"].queryset = Initiative.objects.order_by("title")
        self.fields["self_help_groups"].queryset = Group.objects.order_by("name")
        self.fields["self_help_groups"].label_from_instance = _group_label
        self.fields["opportunities"].queryset = Opportunity.objects.select_related(
            "organisation"
        ).order_by("title", "pk")
        self.fields["opportunities"].label_from_instance = _opportunity_label
        for name in ("resources", "initiatives", "self_help_groups", "opportunities"):
            self.fields[name].widget.attrs["size"] = 6
        self.helper = _helper(Submit("save", _("Save")))


class AreaForm(PointMixin, forms.ModelForm):
    boundary_text = forms.CharField(
        label=_("Boundary (GeoJSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text=_(
            "Paste a GeoJSON Polygon or MultiPolygon, e.g. exported from geojson.io. "
            "Leave empty if the area has no drawn boundary."
        ),
    )

    class Meta:
        model = Area
        fields = [
            "name",
            "kind",
            "latitude",
            "longitude",
            "population_total",
            "population_60_plus",
            "population_55_plus",
            "population_children",
            "population_year",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    field_order = [*Meta.fields[:2], "boundary_text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.boundary:
            self.initial["boundary_text"] = json.dumps(self.instance.boundary)
        _point_widgets(self)
        self.fields["latitude"].help_text = _(
            "The centre, where the area's needs show on the map. Empty: taken from the boundary."
        )
        self.helper = _helper(Submit("save", _("Save")))

    def clean_boundary_text(self):
        return geo.parse_boundary(self.cleaned_data["boundary_text"])

    def clean(self):
        cleaned = super().clean()
        boundary = cleaned.get("boundary_text")
        if boundary and cleaned.get("latitude") is None and cleaned.get("longitude") is None:
            cleaned["latitude"], cleaned["longitude"] = geo.boundary_centre(boundary)
        for small, large in (
            ("population_60_plus", "population_55_plus"),
            ("population_55_plus", "population_total"),
            ("population_children", "population_total"),
        ):
            if (
                cleaned.get(small) is not None
                and cleaned.get(large) is not None
                and cleaned[small] > cleaned[large]
            ):
                self.add_error(
                    small,
                    _("This cannot be more than “%(other)s”.")
                    % {"other": self.fields[large].label},
                )
        return cleaned

    def save(self, commit=True):
        self.instance.boundary = self.cleaned_data.get("boundary_text")
        self.instance.latitude = self.cleaned_data.get("latitude")
        self.instance.longitude = self.cleaned_data.get("longitude")
        return super().save(commit)


class ReportForm(PublicForm):
    """The public form: report a need or offer help. ``hp_check`` is a honeypot."""

    consent_required_message = _(
        "Please tick the consent: without it we cannot contact you about the report."
    )

    kind = forms.ChoiceField(
        label=_("What would you like to tell us?"),
        choices=ReportKind.choices,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=_("Describe it in a few sentences"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Please do not write about other people's health or family matters."),
    )
    area = forms.ModelChoiceField(
        label=_("District or village"),
        queryset=Area.objects.order_by("kind", "name"),
        required=False,
        empty_label=_("— I don't know / the whole municipality —"),
    )
    place = forms.CharField(label=_("Place or address (optional)"), max_length=200, required=False)
    name = forms.CharField(label=_("Your name"), max_length=100)
    phone = PhoneField(label=_("Phone"), required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False, max_length=254)
    consent = forms.BooleanField(
        label=_(
            "I agree to the processing of my data so that the CAL team can contact me about "
            "this report, as described in the information clause."
        )
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["required"] = _(
            "Choose whether you report a need or offer help."
        )

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) or self.has_error(name) for name in ("email", "phone")):
            raise ValidationError(
                _("Give an e-mail address or a phone number, so that we can reach you.")
            )
        return cleaned


class RejectReportForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class DiagnosisForm(forms.ModelForm):
    class Meta:
        model = Diagnosis
        fields = ["title", "community", "conclusions", "action_plan"]
        widgets = {
            "community": forms.Textarea(attrs={"rows": 5}),
            "conclusions": forms.Textarea(attrs={"rows": 8}),
            "action_plan": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Submit("save", _("Save the texts")))
