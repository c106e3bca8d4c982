"""Self-help groups (grupy samopomocowe). Membership itself is sensitive — who is bereaved,
whose child is disabled — so members, requests and notes are seen only by the group's
facilitator and by the OPS coordinators who oversee groups, and every such view is logged."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from calportal.audit.models import Access, AccessEvent
from calportal.choices import WEEKDAYS
from calportal.contacts import PhoneNumberField
from calportal.dates import sane_year_constraint


class Topic(models.TextChoices):
    BEREAVEMENT = "bereavement", _("Bereavement")
    DISABILITY_FAMILIES = "disability_families", _("Families of disabled people")
    ADDICTION = "addiction", _("Addiction recovery")
    SENIOR_CARERS = "senior_carers", _("Carers of seniors")
    OTHER = "other", _("Other")


class GroupStatus(models.TextChoices):
    FORMING = "forming", pgettext_lazy("self-help group", "Forming")
    ACTIVE = "active", pgettext_lazy("self-help group", "Active")
    PAUSED = "paused", pgettext_lazy("self-help group", "Paused")
    CLOSED = "closed", pgettext_lazy("self-help group", "Closed")


# A group that has not closed still meets (or is about to, or pauses for a while): it is on the
# public list and it answers the needs it is linked to on the map of needs and resources.
RUNNING_GROUP_STATUSES = [GroupStatus.FORMING, GroupStatus.ACTIVE, GroupStatus.PAUSED]


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Once a month (the same weekday)")


class Group(models.Model):
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("address in the portal"), max_length=80, unique=True)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    description = models.TextField(_("description for the public"))
    who_for = models.TextField(_("who it is for"))
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        on_delete=models.PROTECT,
        related_name="facilitated_groups",
    )
    place = models.CharField(_("where it meets"), max_length=200)
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=WEEKDAYS,
    )
    starts_at = models.TimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"),
        default=90,
        validators=[MinValueValidator(15), MaxValueValidator(480)],
    )
    frequency = models.CharField(
        _("how often"), max_length=20, choices=Frequency.choices, default=Frequency.FORTNIGHTLY
    )
    max_size = models.PositiveSmallIntegerField(
        _("maximum size"), default=12, validators=[MinValueValidator(2), MaxValueValidator(60)]
    )
    accepts_members = models.BooleanField(_("accepts new members now"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=GroupStatus.choices, default=GroupStatus.ACTIVE
    )

    class Meta:
        verbose_name = _("self-help group")
        verbose_name_plural = _("self-help groups")
        ordering = ["name"]
        permissions = [
            ("oversee_groups", _("Oversee every self-help group (members, requests, notes)")),
            ("view_access_log", _("Review the self-help groups' access log")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("selfhelp:group_public", args=[self.slug])

    @property
    def is_open(self) -> bool:
        return self.status in (GroupStatus.FORMING, GroupStatus.ACTIVE) and self.accepts_members

    def meeting_dates(
        self, start: datetime.date, end: datetime.date, anchor: datetime.date | None = None
    ) -> list[datetime.date]:
        """The regular meeting days from ``start`` to ``end`` by the group's schedule.

        Fortnights count from ``anchor`` (the group's first meeting), so terms planned one after
        another, or overlapping, keep the same rhythm instead of drifting into weekly meetings.
        """
        day = start + datetime.timedelta(days=(self.weekday - start.weekday()) % 7)
        off_rhythm = anchor is not None and (day - anchor).days % 14
        if self.frequency == Frequency.FORTNIGHTLY and off_rhythm:
            day += datetime.timedelta(days=7)
        dates = []
        while day <= end:
            if self.frequency == Frequency.MONTHLY:
                if day.day <= 7:  # the same weekday in each month: its first occurrence
                    dates.append(day)
                day += datetime.timedelta(days=7)
            else:
                dates.append(day)
                day += datetime.timedelta(days=14 if self.frequency == Frequency.FORTNIGHTLY else 7)
        return dates


class ContactWay(models.TextChoices):
    PHONE = "phone", _("By phone")
    EMAIL = "email", _("By e-mail")
    EITHER = "either", _("Either")


class RequestStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("request to join", "New")
    WAITING = "waiting", _("On the waiting list")
    CONTACTED = "contacted", _("Contacted")
    JOINED = "joined", _("Joined")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A request nobody has finished with yet — new, on the waiting list, or contacted but not yet
# accepted, declined or withdrawn. Every "waiting requests" figure counts exactly these.
OPEN_REQUEST_STATUSES = [RequestStatus.NEW, RequestStatus.WAITING, RequestStatus.CONTACTED]


class JoinRequestQuerySet(models.QuerySet):
    def waiting(self) -> "JoinRequestQuerySet":
        """Requests nobody has finished with (``OPEN_REQUEST_STATUSES``): the one definition
        behind the dashboard tile, the groups list, the workspace and the figures."""
        return self.filter(status__in=OPEN_REQUEST_STATUSES)


class JoinRequest(models.Model):
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="requests")
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    phone = PhoneNumberField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    contact_way = models.CharField(
        _("preferred way of contact"), max_length=10, choices=ContactWay.choices
    )
    contact_time = models.CharField(_("best time to contact"), max_length=100, blank=True)
    message = models.TextField(_("message"), max_length=1000, blank=True)
    consent_given_at = models.DateTimeField(_("consent given at"))
    language = models.CharField(max_length=8, default="pl")
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    note = models.TextField(_("facilitator's private note"), blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(erased_at__isnull=False) | ~Q(phone="", email=""),
                name="request_has_contact_until_erased",
                violation_error_message=_("Give a phone number or an e-mail address."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Member(models.Model):
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="members")
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    phone = PhoneNumberField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    request = models.OneToOneField(
        JoinRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="member"
    )
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["first_name", "last_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="member_leaves_after_joining",
                violation_error_message=_("A member cannot leave before joining."),
            ),
            models.CheckConstraint(
                condition=Q(erased_at__isnull=True) | Q(left_on__isnull=False),
                name="only_former_members_erased",
                violation_error_message=_("Only a former member's data can be erased."),
            ),
            sane_year_constraint("joined_on", name="member_joined_on_sane_year"),
            sane_year_constraint("left_on", name="member_left_on_sane_year"),
        ]

    def __str__(self) -> str:
        if self.erased_at:
            return str(_("(data erased)"))
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class Meeting(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("starts"))
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    held = models.BooleanField(_("held"), default=False)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    notes = models.TextField(_("facilitator's private notes"), blank=True)
    attendees = models.ManyToManyField(
        Member, verbose_name=_("attendance"), blank=True, related_name="meetings"
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "starts_at"], name="one_meeting_at_a_time"),
            models.CheckConstraint(
                condition=~Q(held=True, cancelled=True),
                name="meeting_held_or_cancelled",
                violation_error_message=_("A meeting cannot be both held and cancelled."),
            ),
            sane_year_constraint("starts_at", name="meeting_starts_at_sane_year", moment=True),
        ]

    def __str__(self) -> str:
        return f"{self.group} — {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


# The self-help access log is the part of the portal's access log (calportal.audit) that
# concerns a group; its actions are the portal's.
AccessAction = Access


class SelfHelpAccessManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(group__isnull=False)


class AccessLog(AccessEvent):
    """Who opened what sensitive of a self-help group, and when: the portal's access events
    that name a group. Never holds the person's name — only ids."""

    objects = SelfHelpAccessManager()

    class Meta:
        proxy = True
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.group} {self.at:%Y-%m-%d %H:%M}"
