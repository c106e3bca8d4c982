"""No text message wakes a senior: one queued at night (the reminder run just after midnight)
waits for the morning, then the sweep sends it."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from calportal.outbox import sms
from calportal.outbox.models import SMSStatus

WARSAW = timezone.get_default_timezone()


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=WARSAW)


@pytest.fixture
def quiet_hours(settings):
    settings.SMS_QUIET_FROM, settings.SMS_QUIET_UNTIL = 21, 8


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(9, 0, 5), at(9, 8)),  # just after midnight: this morning
        (at(9, 21, 30), at(10, 8)),  # late evening: tomorrow morning
        (at(9, 7, 59), at(9, 8)),
        (at(9, 8), None),
        (at(9, 20, 59), None),
    ],
)
def test_the_quiet_hours_end_at_eight_local_time(quiet_hours, moment, expected):
    assert sms.quiet_until(moment) == expected


def test_no_quiet_hours_when_both_ends_are_the_same(settings):
    settings.SMS_QUIET_FROM = settings.SMS_QUIET_UNTIL = 8
    assert sms.quiet_until(at(9, 3)) is None


@pytest.mark.django_db
def test_a_message_queued_at_night_is_sent_by_the_sweep_in_the_morning(quiet_hours, sms_outbox):
    with time_machine.travel(at(9, 0, 5), tick=False):
        message = sms.queue_sms("resources_map_report_received", {}, "601 234 567")
        assert message.next_attempt_at == at(9, 8)
        assert sms.deliver(message.pk) is None  # the delivery published at once waits
        assert sms.sweep_sms() == 0
    with time_machine.travel(at(9, 8, 1), tick=False):
        assert sms.sweep_sms() == 1  # eagerly delivered
    message.refresh_from_db()
    assert message.status == SMSStatus.SENT
    assert [text.to for text in sms_outbox] == ["601234567"]
