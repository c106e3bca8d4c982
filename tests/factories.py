import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

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


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "initiatives.Initiative"

    title = factory.Sequence(lambda n: f"Inicjatywa {n}")
    slug = factory.Sequence(lambda n: f"inicjatywa-{n}")
    kind = "workshops"
    category = "integration"
    lead_organisation = factory.SubFactory(OrganisationFactory)
    is_public = True


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "initiatives.Event"

    initiative = factory.SubFactory(InitiativeFactory)
    starts_at = factory.LazyFunction(
        lambda: timezone.now().replace(microsecond=0) + datetime.timedelta(days=7)
    )
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=2))
    place_name = "Sala OPS"
    address = "ul. Mickiewicza 40"
    capacity = 10
    max_companions = 2


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "initiatives.Participant"

    first_name = "Zofia"
    last_name = factory.Sequence(lambda n: f"Źrebięcka{n}")
    email = factory.Sequence(lambda n: f"osoba{n}@example.org")
    consent_text_version = "2026-11"
    consent_scope = "registration"
    consent_given_at = factory.LazyFunction(timezone.now)
