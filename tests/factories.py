import datetime

import factory
from django.contrib.auth.models import Group

from calportal.accounts.models import User
from calportal.accounts.roles import Role
from calportal.organisations.models import Kind, Organisation, Sector
from calportal.team.models import TeamMeeting, TeamMember

PASSWORD = "correct-horse-battery"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Stowarzyszenie Testowe nr {n}")
    sector = Sector.NON_GOVERNMENTAL
    kind = Kind.NGO
    city = "Śrem"
    is_partner = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="pl_PL")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted: Role | None, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted.value))


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    full_name = factory.Faker("name", locale="pl_PL")
    organisation = factory.SubFactory(OrganisationFactory)
    start_date = datetime.date(2009, 5, 1)


class TeamMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMeeting

    held_on = datetime.date(2026, 10, 1)
    agenda = "1. Mapa zasobów"
