"""The map of needs and resources (mapa zasobów i potrzeb): the CAL method's diagnosis."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from calportal.contacts import PhoneNumberField
from calportal.dates import sane_year_constraint


def _coordinate(label, limit: int):
    return models.DecimalField(
        label,
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-limit), MaxValueValidator(limit)],
    )


def _point_pair_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(latitude__isnull=True, longitude__isnull=True)
        | Q(latitude__isnull=False, longitude__isnull=False),
        name=name,
        violation_error_message=_("Give both the latitude and the longitude, or neither."),
    )


class AreaKind(models.TextChoices):
    DISTRICT = "district", _("Town district (osiedle)")
    VILLAGE = "village", _("Village (sołectwo)")


class Area(models.Model):
    """A part of the municipality the diagnosis is done for, with its population figures."""

    name = models.CharField(_("name"), max_length=100)
    # The area's code in the TERYT register (SIMC for a village, or the code the municipality
    # uses for a district): how boundary and population files name it (resources_map/area_import).
    teryt = models.CharField(
        _("TERYT code"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^\d{7}$", _("A TERYT code is seven digits."))],
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AreaKind.choices)
    # Urban (miasto) or rural (wieś) for the reports; set from the kind unless staff change it.
    urban = models.BooleanField(
        _("urban"), default=True, help_text=_("Part of the town (not a village).")
    )
    boundary = models.JSONField(
        _("boundary"),
        null=True,
        blank=True,
        help_text=_("A GeoJSON Polygon or MultiPolygon (longitude, latitude)."),
    )
    latitude = _coordinate(_("centre latitude"), 90)
    longitude = _coordinate(_("centre longitude"), 180)
    population_total = models.PositiveIntegerField(_("residents"), null=True, blank=True)
    population_60_plus = models.PositiveIntegerField(_("residents aged 60+"), null=True, blank=True)
    population_55_plus = models.PositiveIntegerField(_("residents aged 55+"), null=True, blank=True)
    population_children = models.PositiveIntegerField(
        _("children (under 18)"), null=True, blank=True
    )
    population_year = models.PositiveSmallIntegerField(
        _("figures for the year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    description = models.TextField(_("description of the community"), blank=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="area_name_unique_ci",
                violation_error_message=_("An area with this name already exists."),
            ),
            models.UniqueConstraint(
                "teryt",
                condition=~Q(teryt=""),
                name="area_teryt_unique",
                violation_error_message=_("An area with this TERYT code already exists."),
            ),
            _point_pair_constraint("area_point_pair"),
            models.CheckConstraint(
                condition=Q(population_60_plus__isnull=True)
                | Q(population_55_plus__isnull=True)
                | Q(population_60_plus__lte=models.F("population_55_plus")),
                name="area_60_within_55",
                violation_error_message=_(
                    "Residents aged 60+ cannot outnumber residents aged 55+."
                ),
            ),
            models.CheckConstraint(
                condition=Q(population_total__isnull=True)
                | (
                    (
                        Q(population_55_plus__isnull=True)
                        | Q(population_55_plus__lte=models.F("population_total"))
                    )
                    & (
                        Q(population_children__isnull=True)
                        | Q(population_children__lte=models.F("population_total"))
                    )
                ),
                name="area_groups_within_total",
                violation_error_message=_("An age group cannot outnumber all residents."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    FEMALE = "female", _("Women")
    MALE = "male", _("Men")


class PopulationAgeGroup(models.TextChoices):
    """Age groups of the population table: enough for the reach indicators (60+, the
    post-working age of women 60+ and men 65+, 55+ for the CAL's 55+ figures, children) and
    what the GUS Local Data Bank publishes by sex."""

    CHILDREN = "0-17", _("0–17")
    WORKING = "18-54", _("18–54")
    AGE_55_59 = "55-59", _("55–59")
    AGE_60_64 = "60-64", _("60–64")
    AGE_65_PLUS = "65+", _("65 and over")


class AreaPopulation(models.Model):
    """Residents of an area in a year, by sex and age group (REPORTS.md §9, D2; GUS BDL
    "ludność według płci i grup wieku", state on 31 December). The reach indicators RE1/RE2 use
    the latest year not after the report's year."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="population")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    age_group = models.CharField(_("age group"), max_length=10, choices=PopulationAgeGroup.choices)
    residents = models.PositiveIntegerField(_("residents"))

    class Meta:
        verbose_name = _("area population")
        verbose_name_plural = _("area population")
        ordering = ["area", "-year", "sex", "age_group"]
        constraints = [
            models.UniqueConstraint(
                "area",
                "year",
                "sex",
                "age_group",
                name="areapopulation_unique",
                violation_error_message=_(
                    "This area already has a figure for that year, sex and age group."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100), name="areapopulation_sane_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.year} {self.sex} {self.age_group}: {self.residents}"


class ResourceClass(models.TextChoices):
    INSTITUTIONAL = "institutional", _("Institutional")
    MATERIAL = "material", _("Material")
    HUMAN = "human", _("Human")
    FINANCIAL = "financial", _("Financial")


class ResourceKind(models.TextChoices):
    PUBLIC_INSTITUTION = "public", _("Public institution")
    NGO = "ngo", _("Non-governmental organisation")
    BUSINESS = "business", _("Business")
    PREMISES = "premises", _("Premises")
    ROOM = "room", _("Room to borrow")
    EQUIPMENT = "equipment", _("Equipment")
    TRANSPORT = "transport", _("Transport")
    SKILL = "skill", _("Skills")
    TIME = "time", _("Time offered")
    LEADER = "leader", _("Local leader")
    FUNDING_SOURCE = "funding", _("Funding source")
    CALL = "call", _("Call for proposals")


# Which kinds belong to which class, as the CAL method groups them.
KINDS_BY_CLASS = {
    ResourceClass.INSTITUTIONAL: [
        ResourceKind.PUBLIC_INSTITUTION,
        ResourceKind.NGO,
        ResourceKind.BUSINESS,
    ],
    ResourceClass.MATERIAL: [
        ResourceKind.PREMISES,
        ResourceKind.ROOM,
        ResourceKind.EQUIPMENT,
        ResourceKind.TRANSPORT,
    ],
    ResourceClass.HUMAN: [ResourceKind.SKILL, ResourceKind.TIME, ResourceKind.LEADER],
    ResourceClass.FINANCIAL: [ResourceKind.FUNDING_SOURCE, ResourceKind.CALL],
}
CLASS_OF_KIND = {kind: cls for cls, kinds in KINDS_BY_CLASS.items() for kind in kinds}


class Topic(models.TextChoices):
    """The topics of the public guide "Where to get help"."""

    SOCIAL_WELFARE = "welfare", _("Social welfare and benefits")
    COUNSELLING = "counselling", _("Counselling and crisis support")
    HEALTH = "health", _("Health and rehabilitation")
    DISABILITY = "disability", _("Disability")
    SENIORS = "seniors", _("Seniors")
    FAMILY = "family", _("Family, children and young people")
    WORK = "work", _("Work and education")
    CULTURE = "culture", _("Culture, sport and leisure")
    VOLUNTEERING = "volunteering", _("Volunteering and self-help")
    OTHER = "other", _("Other")


class Conditions(models.TextChoices):
    FREE = "free", _("Free")
    PAID = "paid", _("Paid")
    ON_REQUEST = "request", _("On request")


class Resource(models.Model):
    name = models.CharField(_("name"), max_length=200)
    resource_class = models.CharField(_("class"), max_length=20, choices=ResourceClass.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    topic = models.CharField(
        _("topic in the guide"), max_length=20, choices=Topic.choices, default=Topic.OTHER
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = _coordinate(_("latitude"), 90)
    longitude = _coordinate(_("longitude"), 180)
    description = models.TextField(_("description"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    contact_phone = PhoneNumberField(_("phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    target_groups = models.ManyToManyField(
        "initiatives.TargetGroup",
        verbose_name=_("target groups"),
        blank=True,
        related_name="resources",
    )
    conditions = models.CharField(
        _("conditions of use"), max_length=20, choices=Conditions.choices, default=Conditions.FREE
    )
    deadline = models.DateField(
        _("deadline"), null=True, blank=True, help_text=_("For calls for proposals.")
    )
    is_public = models.BooleanField(
        _("shown to the public"),
        default=False,
        help_text=_("Public resources appear on the public map and in the guide."),
    )
    verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Never shown on public pages.")
    )
    used_by = models.ManyToManyField(
        "initiatives.Initiative",
        verbose_name=_("used by initiatives"),
        blank=True,
        related_name="resources",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["is_public", "resource_class"])]
        constraints = [
            _point_pair_constraint("resource_point_pair"),
            models.CheckConstraint(
                condition=~Q(resource_class=ResourceClass.INSTITUTIONAL)
                | Q(organisation__isnull=False),
                name="institutional_resource_has_organisation",
                violation_error_message=_(
                    "An institutional resource must name its organisation from the catalogue."
                ),
            ),
            models.CheckConstraint(
                condition=Q(
                    *[
                        Q(resource_class=cls, kind__in=[kind.value for kind in kinds])
                        for cls, kinds in KINDS_BY_CLASS.items()
                    ],
                    _connector=Q.OR,
                ),
                name="resource_kind_matches_class",
                violation_error_message=_("This kind does not belong to the chosen class."),
            ),
            sane_year_constraint("deadline", name="resource_deadline_sane_year"),
            sane_year_constraint("verified_on", name="resource_verified_on_sane_year"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Severity(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class FoundBy(models.TextChoices):
    SURVEY = "survey", _("Survey")
    INTERVIEW = "interview", _("Interview")
    STATISTICS = "statistics", _("Statistics")
    OBSERVATION = "observation", _("Team observation")
    RESIDENT_REPORT = "report", _("Resident's report")


class NeedStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    ADDRESSED = "addressed", _("Being addressed")
    MET = "met", _("Met")
    DROPPED = "dropped", _("Dropped")


OPEN_NEED_STATUSES = [NeedStatus.IDENTIFIED, NeedStatus.ADDRESSED]


class NeedQuerySet(models.QuerySet):
    """The one definition of "answered": a need is answered when an initiative answers it, or a
    running self-help group (not closed), or an open volunteering opportunity."""

    @staticmethod
    def answered_condition() -> Q:
        """A ``Q`` true for needs something answers; usable in ``filter``, ``exclude`` and
        ``Count(filter=…)`` on ``Need``."""
        from selfhelp.models import RUNNING_GROUP_STATUSES

        through_initiatives = Need.initiatives.through.objects.filter(need_id=OuterRef("pk"))
        through_groups = Need.self_help_groups.through.objects.filter(
            need_id=OuterRef("pk"), group__status__in=RUNNING_GROUP_STATUSES
        )
        through_opportunities = Need.opportunities.through.objects.filter(
            need_id=OuterRef("pk"), opportunity__is_open=True
        )
        return (
            Q(Exists(through_initiatives))
            | Q(Exists(through_groups))
            | Q(Exists(through_opportunities))
        )

    def answered(self) -> "NeedQuerySet":
        return self.filter(self.answered_condition())

    def unanswered(self) -> "NeedQuerySet":
        return self.exclude(self.answered_condition())

    def with_answered(self) -> "NeedQuerySet":
        """Adds ``is_answered`` (bool) to every row, in the same query."""
        return self.annotate(
            is_answered=ExpressionWrapper(
                self.answered_condition(), output_field=models.BooleanField()
            )
        )


class Need(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    target_groups = models.ManyToManyField(
        "initiatives.TargetGroup", verbose_name=_("target groups"), blank=True, related_name="needs"
    )
    areas = models.ManyToManyField(Area, verbose_name=_("areas"), related_name="needs")
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.MEDIUM
    )
    found_by = models.CharField(_("how it was found"), max_length=20, choices=FoundBy.choices)
    identified_on = models.DateField(_("identified on"), default=timezone.localdate)
    status = models.CharField(
        _("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.IDENTIFIED
    )
    resources = models.ManyToManyField(
        Resource,
        verbose_name=_("resources that could answer it"),
        blank=True,
        related_name="needs",
    )
    initiatives = models.ManyToManyField(
        "initiatives.Initiative",
        verbose_name=_("initiatives that answer it"),
        blank=True,
        related_name="needs",
    )
    self_help_groups = models.ManyToManyField(
        "selfhelp.Group",
        verbose_name=_("self-help groups that answer it"),
        blank=True,
        related_name="needs",
        help_text=_("A group answers the need while it has not closed."),
    )
    opportunities = models.ManyToManyField(
        "volunteers.Opportunity",
        verbose_name=_("volunteering opportunities that answer it"),
        blank=True,
        related_name="needs",
        help_text=_("An opportunity answers the need while it is open."),
    )
    is_public = models.BooleanField(
        _("shown to the public"),
        default=True,
        help_text=_("The title, description and areas appear on the public map."),
    )
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Never shown on public pages.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-severity", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=4),
                name="need_severity_range",
                violation_error_message=_("Choose a severity from the list."),
            ),
            sane_year_constraint("identified_on", name="need_identified_on_sane_year"),
        ]

    def __str__(self) -> str:
        return self.title


class ReportKind(models.TextChoices):
    NEED = "need", _("I see a need or a problem")
    SKILL = "skill", _("I can offer a skill")
    ROOM = "room", _("I can offer a room or equipment")
    TIME = "time", _("I can offer my time")


class ReportStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("resident's report", "New")
    ACCEPTED = "accepted", _("Added to the map")
    REJECTED = "rejected", pgettext_lazy("resident's report", "Rejected")


class ResidentReport(models.Model):
    """A need or an offer of help sent in from the public form, waiting for moderation."""

    kind = models.CharField(_("what it is"), max_length=20, choices=ReportKind.choices)
    description = models.TextField(_("description"), max_length=2000)
    place = models.CharField(_("place"), max_length=200, blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.SET_NULL, null=True, blank=True
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = PhoneNumberField(_("phone"), max_length=40, blank=True)
    consent_given_at = models.DateTimeField(_("consent given at"))
    language = models.CharField(max_length=8, default="pl")
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.NEW
    )
    reject_reason = models.CharField(_("reason for rejecting"), max_length=300, blank=True)
    need = models.ForeignKey(
        Need, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("resident's report")
        verbose_name_plural = _("residents' reports")
        ordering = ["created_at", "pk"]
        constraints = [
            # Contact details are erased once the report is handled.
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.NEW) | ~Q(email="", phone=""),
                name="report_has_contact",
                violation_error_message=_("Give an e-mail address or a phone number."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.REJECTED) | ~Q(reject_reason=""),
                name="rejected_report_has_reason",
                violation_error_message=_("Give the reason for rejecting the report."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.created_at:%Y-%m-%d}"

    @property
    def is_need(self) -> bool:
        return self.kind == ReportKind.NEED


class Diagnosis(models.Model):
    """The diagnosis's editable texts (one row): the conclusions and the action plan."""

    title = models.CharField(
        _("title"), max_length=200, default="Mapa zasobów i potrzeb gminy Śrem"
    )
    community = models.TextField(
        _("description of the community"),
        blank=True,
        help_text=_("An introduction before the areas' figures."),
    )
    conclusions = models.TextField(_("conclusions"), blank=True)
    action_plan = models.TextField(_("action plan"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnosis")

    def __str__(self) -> str:
        return self.title

    @classmethod
    def current(cls) -> "Diagnosis":
        row, _created = cls.objects.get_or_create(pk=1)
        return row
