import json

from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from calportal.contacts import PhoneField
from calportal.privacy.models import ConsentPurpose
from calportal.public_forms import PublicForm
from initiatives.forms import _helper
from initiatives.models import Initiative, TargetGroup
from resources_map import geo
from resources_map.models import (
    CLASS_OF_KIND,
    Area,
    AreaKind,
    Diagnosis,
    Need,
    PopulationAgeGroup,
    ReportKind,
    Resource,
    ResourceClass,
    Sex,
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
    # Empty for a new area: urban for a town district, rural for a village (the reports' urban
    # and rural split); staff choose otherwise where the kind misleads.
    urban = forms.TypedChoiceField(
        label=_("Urban or rural"),
        choices=[
            ("", _("As its kind says (district: urban, village: rural)")),
            ("1", _("Urban (part of the town)")),
            ("0", _("Rural (village)")),
        ],
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
        help_text=_("Reports split participants into town and villages by this."),
    )
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
            "teryt",
            "kind",
            "urban",
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

    field_order = [*Meta.fields[:4], "boundary_text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["urban"] = "1" if self.instance.urban else "0"
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
        if cleaned.get("urban") is None:
            cleaned["urban"] = cleaned.get("kind", self.instance.kind) != AreaKind.VILLAGE
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


# The largest number of residents one cell of the population table may hold: more than the
# whole municipality, so a typo of an extra digit or two is caught.
MAX_RESIDENTS_IN_GROUP = 1_000_000
POPULATION_YEARS = (1990, 2100)


class PopulationForm(forms.Form):
    """An area's residents in one year by sex and age group: the grid of the population page.
    An empty cell is a figure not known; at least one is needed. ``cell_name(sex, age)`` names
    each cell's field; :meth:`figures` gives ``{(sex, age group): residents}`` of those filled."""

    year = forms.IntegerField(
        label=_("Year"),
        min_value=POPULATION_YEARS[0],
        max_value=POPULATION_YEARS[1],
        error_messages={
            "required": _("Enter the year the figures are for."),
            "invalid": _("Enter the year as a number, e.g. 2025."),
            "min_value": _("Enter a year between 1990 and 2100."),
            "max_value": _("Enter a year between 1990 and 2100."),
        },
        help_text=_("The state on 31 December of this year, as the GUS Local Data Bank gives it."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for sex, sex_label in Sex.choices:
            for age, age_label in PopulationAgeGroup.choices:
                self.fields[self.cell_name(sex, age)] = forms.IntegerField(
                    label=f"{sex_label}, {age_label}",
                    required=False,
                    min_value=0,
                    max_value=MAX_RESIDENTS_IN_GROUP,
                    error_messages={
                        "invalid": _("Enter a whole number of residents, e.g. 250."),
                        "min_value": _("The number of residents cannot be negative."),
                        "max_value": _("This is more residents than the whole municipality has."),
                    },
                    widget=forms.TextInput(
                        attrs={
                            "class": "form-control text-end",
                            "inputmode": "numeric",
                            "autocomplete": "off",
                            "size": 7,
                            "maxlength": 9,
                        }
                    ),
                )

    @staticmethod
    def cell_name(sex: str, age: str) -> str:
        return f"{sex}_{age}".replace("+", "_plus").replace("-", "_")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.figures():
            raise ValidationError(_("Enter the residents of at least one group."))
        return cleaned

    def figures(self) -> dict[tuple[str, str], int]:
        return {
            (sex, age): self.cleaned_data[self.cell_name(sex, age)]
            for sex in Sex.values
            for age in PopulationAgeGroup.values
            if self.cleaned_data.get(self.cell_name(sex, age)) is not None
        }


class ReportForm(PublicForm):
    """The public form: report a need or offer help. ``hp_check`` is a honeypot."""

    consent_purpose = ConsentPurpose.MAP_REPORT

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
