from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from calportal.contacts import PhoneNumberField
from calportal.dates import sane_year_constraint


class TeamRole(models.TextChoices):
    LEADER = "leader", _("Team leader")
    DEPUTY = "deputy", _("Deputy leader")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class TeamMemberQuerySet(models.QuerySet):
    def current(self, on=None):
        day = on or timezone.localdate()
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))

    def former(self, on=None):
        day = on or timezone.localdate()
        return self.filter(end_date__lt=day)


class TeamMember(models.Model):
    """A person on the CAL team (Zespół CAL), representing a partner institution."""

    full_name = models.CharField(_("full name"), max_length=150)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation represented"),
        on_delete=models.PROTECT,
        related_name="team_members",
    )
    team_role = models.CharField(
        _("role in the team"), max_length=20, choices=TeamRole.choices, default=TeamRole.MEMBER
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = PhoneNumberField(_("phone"), max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team_membership",
    )
    start_date = models.DateField(_("on the team from"))
    end_date = models.DateField(_("on the team until"), null=True, blank=True)

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="teammember_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            sane_year_constraint("start_date", name="teammember_start_date_sane_year"),
            sane_year_constraint("end_date", name="teammember_end_date_sane_year"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.start_date <= today and (self.end_date is None or self.end_date >= today)


class TeamMeeting(models.Model):
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("start time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"))
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(
        _("decisions"), blank=True, help_text=_("One decision per line, with who carries it out.")
    )
    attendees = models.ManyToManyField(
        TeamMember, verbose_name=_("present"), related_name="meetings", blank=True
    )
    # Empty when not known: the demo meetings, meetings recorded before the field was kept,
    # and those whose recorder's account has been deleted (SET_NULL). Editing such a meeting
    # leaves it empty: the one who edits did not record it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        constraints = [
            sane_year_constraint("held_on", name="teammeeting_held_on_sane_year"),
        ]
        verbose_name = _("team meeting")
        verbose_name_plural = _("team meetings")
        ordering = ["-held_on", "-starts_at"]

    def __str__(self) -> str:
        return str(
            _("Team meeting of %(date)s") % {"date": date_format(self.held_on, "SHORT_DATE_FORMAT")}
        )

    def get_absolute_url(self) -> str:
        return reverse("team:meeting_detail", args=[self.pk])

    @property
    def decision_lines(self) -> list[str]:
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]


class TeamTask(models.Model):
    """One of the CAL team's standing tasks, with the members responsible for it."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    responsible = models.ManyToManyField(
        TeamMember, verbose_name=_("responsible"), related_name="tasks", blank=True
    )

    class Meta:
        verbose_name = _("team task")
        verbose_name_plural = _("team tasks")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="teamtask_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"
