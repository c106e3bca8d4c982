"""The self-help access log becomes part of the portal's access log: its rows are copied here
(selfhelp 0007 then drops its table and keeps a proxy), and the DPO and the OPS staff who handle
data requests may read the audit trail (PRIVACY.md §6)."""

from django.db import migrations

from calportal.accounts.roles import Role, grant

PERMISSIONS = {
    Role.DPO: ["audit.view_accessevent"],
    Role.DATA_REQUESTS: ["audit.view_accessevent"],
}

# The self-help action's record kind, where one kind fits.
OBJECT_TYPES = {
    "request": "selfhelp.joinrequest",
    "meeting": "selfhelp.meeting",
    "facilitator": "accounts.user",
}


def copy_selfhelp_log(apps, schema_editor):
    AccessLog = apps.get_model("selfhelp", "AccessLog")
    AccessEvent = apps.get_model("audit", "AccessEvent")
    batch = []
    for entry in AccessLog.objects.order_by("pk").iterator(chunk_size=2000):
        action = "erasure" if entry.action == "erase" else entry.action
        batch.append(
            AccessEvent(
                user_id=entry.user_id,
                action=action,
                object_type=OBJECT_TYPES.get(entry.action, "") if entry.object_id else "",
                object_id=entry.object_id,
                group_id=entry.group_id,
                at=entry.at,
            )
        )
        if len(batch) >= 2000:
            AccessEvent.objects.bulk_create(batch)
            batch = []
    AccessEvent.objects.bulk_create(batch)


def grant_roles(apps, schema_editor):
    grant(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("selfhelp", "0006_access_log_reports"),
        ("accounts", "0004_user_deactivated_at"),
    ]

    operations = [
        migrations.RunPython(copy_selfhelp_log, migrations.RunPython.noop),
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
    ]
