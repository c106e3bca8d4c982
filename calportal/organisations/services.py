"""Writes to the stakeholder catalogue."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from calportal.organisations.models import Organisation


@transaction.atomic
def organisation_create(*, data: dict) -> Organisation:
    organisation = Organisation(**data)
    _clear_partnership_if_not_partner(organisation)
    organisation.full_clean()
    _save(organisation)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, data: dict) -> Organisation:
    for field, value in data.items():
        setattr(organisation, field, value)
    _clear_partnership_if_not_partner(organisation)
    organisation.full_clean()
    _save(organisation)
    return organisation


def _save(organisation: Organisation) -> None:
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:  # the same name saved at the same moment by someone else
        raise ValidationError(
            {"name": _("An organisation with this name already exists.")}
        ) from None


def _clear_partnership_if_not_partner(organisation: Organisation) -> None:
    # An organisation that stops being a partner keeps no stale pact or cooperation form.
    if not organisation.is_partner:
        organisation.cooperation_form = ""
        organisation.pact_signed_on = None
