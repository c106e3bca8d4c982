import pytest
from django.core.management import CommandError, call_command

from calportal.accounts.models import User
from calportal.organisations.models import Organisation
from calportal.team.models import TeamMember, TeamTask


def test_demo_data_loads_the_institutions_the_team_and_one_login_per_role(db, capsys, settings):
    settings.DEBUG = True
    call_command("load_demo_data")

    output = capsys.readouterr().out
    assert Organisation.objects.filter(name="Ośrodek Pomocy Społecznej w Śremie").exists()
    assert Organisation.objects.filter(venue__isnull=True).count() == 8  # plus 7 venues
    assert TeamMember.objects.current().count() == 12
    assert all(task.responsible.exists() for task in TeamTask.objects.all())
    for email in ("koordynator@example.org", "nadzieja@example.org", "zespol@example.org"):
        assert email in output
        assert User.objects.get(email=email).check_password("demo-cal-2026")


def test_demo_data_is_idempotent(db, settings):
    settings.DEBUG = True
    call_command("load_demo_data")
    counts = (Organisation.objects.count(), TeamMember.objects.count(), User.objects.count())

    call_command("load_demo_data")

    assert (
        Organisation.objects.count(),
        TeamMember.objects.count(),
        User.objects.count(),
    ) == counts


def test_demo_data_refuses_a_production_configuration(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo_data")

    assert not User.objects.exists()


def test_demo_data_can_be_forced(db, settings):
    settings.DEBUG = False

    call_command("load_demo_data", "--force")

    assert User.objects.filter(email="koordynator@example.org").exists()
