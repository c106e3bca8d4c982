"""Writes to the stakeholder catalogue."""

from django.db import transaction

from calportal.organisations.models import Organisation


@transaction.atomic
def organisation_create(*, data: dict) -> Organisation:
    organisation = Organisation(**data)
    _clear_partnership_if_not_partner(organisation)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, data: dict) -> Organisation:
    for field, value in data.items():
        setattr(organisation, field, value)
    _clear_partnership_if_not_partner(organisation)
    organisation.full_clean()
    organisation.save()
    return organisation


def _clear_partnership_if_not_partner(organisation: Organisation) -> None:
    # An organisation that stops being a partner keeps no stale pact or cooperation form.
    if not organisation.is_partner:
        organisation.cooperation_form = ""
        organisation.pact_signed_on = None
