"""The portal's roles: Django groups whose permissions a data migration keeps in step.

Later apps grant their own permissions to these groups from their migrations with
:func:`grant`, so a role's rights are always what the migrations say.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # The value is the group's name in the database; never translate or rename it.
    OPS_STAFF = "OPS staff", _("OPS staff")
    PARTNER_COORDINATOR = "Partner coordinator", _("Partner coordinator")
    CAL_TEAM_MEMBER = "CAL team member", _("CAL team member")
    VENUE_STAFF = "Venue staff", _("Partner venue staff")
    # Self-help groups: oversight is a role of its own, not every OPS account.
    SELFHELP_COORDINATOR = "Self-help coordinator", _("Self-help groups coordinator")
    GROUP_FACILITATOR = "Group facilitator", _("Self-help group facilitator")
    # Privacy (PRIVACY.md §6): the data protection officer reads everything of the privacy
    # lifecycle and changes nothing; the OPS staff who answer data-subject requests, erase,
    # and keep the retention rules, consent texts and registers have a role of their own.
    DPO = "Data protection officer", _("Data protection officer")
    DATA_REQUESTS = "Data requests", _("Handles data-protection requests (OPS)")


FOUNDATION_PERMISSIONS = {
    Role.OPS_STAFF: [
        "organisations.view_organisation",
        "organisations.add_organisation",
        "organisations.change_organisation",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "team.view_teammember",
        "team.add_teammember",
        "team.change_teammember",
        "team.view_teammeeting",
        "team.add_teammeeting",
        "team.change_teammeeting",
        "team.view_teamtask",
        "team.change_teamtask",
    ],
    Role.PARTNER_COORDINATOR: [],
    Role.VENUE_STAFF: [],
    Role.CAL_TEAM_MEMBER: [
        "organisations.view_organisation",
        "team.view_teammember",
        "team.view_teammeeting",
        "team.view_teamtask",
    ],
}


def grant(apps, permissions_by_role: dict) -> None:
    """Give each role (group) the listed ``app_label.codename`` permissions.

    For use in data migrations: it creates the groups and any permissions the
    post-migrate signal has not created yet.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # In a migration the app registry is historical and models_module is unset, which
        # would make create_permissions skip the app; set it only for the call.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = models_module

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, permissions in permissions_by_role.items():
        group, _created = group_model.objects.get_or_create(name=str(role.value))
        for dotted in permissions:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
