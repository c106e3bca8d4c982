"""Which models' changes django-auditlog records, and how (PRIVACY.md §6 accountability).

Registered from ``AuditConfig.ready``. Rules:

* **Masked** fields (special categories — health, disability — and free texts that may hold
  them): the entry records that the field changed, never the text: the stored value is
  ``MASK`` (or "" when the field was or became empty).
* **Excluded** fields: secrets (access keys, password, nonces), derived search keys, and
  bookkeeping that changes on every visit (``last_login``).
* ``object_repr`` is set to "app.model #pk", never ``str(instance)`` (which is often a name).
  auditlog copies the acting user's e-mail (``actor_email``); ``services.forget(user)`` clears
  it when a staff account is pseudonymised.

auditlog sees ``save()`` and ``delete()`` (signals), not ``QuerySet.update()`` or
``bulk_create``; see the report of issue 15 for where the app updates personal data in bulk.
"""

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.db.models.signals import pre_save

MASK = "***"

SPEC: dict[str, dict] = {
    "initiatives.Participant": {"exclude_fields": ["name_key", "first_years"]},
    "initiatives.Registration": {
        "exclude_fields": ["access_key", "reminder_sent_at"],
        # Health (accessibility needs) and the disability declaration: art. 9 data.
        "mask_fields": ["accessibility_needs", "had_accessibility_needs", "certificate_declared"],
    },
    "initiatives.PassApplication": {"exclude_fields": ["name_key"], "mask_fields": ["message"]},
    "initiatives.SeniorPass": {"mask_fields": ["status_note"]},
    "initiatives.Redemption": {"exclude_fields": ["nonce"]},
    "volunteers.Volunteer": {"mask_fields": ["notes", "message"]},
    "volunteers.Agreement": {},
    "volunteers.ChildSafetyCheck": {},
    "volunteers.HoursEntry": {"mask_fields": ["description"]},
    # Self-help: that a person is in a group is itself sensitive (bereavement, a child's
    # disability; the social-welfare act's secrecy), and its erasure updates rows in bulk,
    # which auditlog does not see: identity, contact and texts are recorded as changed only.
    "selfhelp.JoinRequest": {
        "mask_fields": ["first_name", "phone", "email", "contact_time", "message", "note"]
    },
    "selfhelp.Member": {"mask_fields": ["first_name", "last_name", "phone", "email"]},
    "resources_map.ResidentReport": {"mask_fields": ["description"]},
    "accounts.User": {
        "exclude_fields": ["password", "last_login"],
        "m2m_fields": {"groups"},  # role changes
    },
    "privacy.SubjectRequest": {"mask_fields": ["notes", "identity_note"]},
    "privacy.Consent": {},
    "privacy.RetentionRule": {},
    "privacy.ConsentText": {},
}


def mask(value: str) -> str:
    """auditlog's mask callable: "changed", not half of the text (its default keeps half)."""
    return "" if value in ("", "None") else MASK


def _before_saving_an_entry(sender, instance, **kwargs):
    from calportal.audit.services import scrub_if_forgotten

    if instance.pk is not None or not instance.content_type_id:
        return  # only new entries; forget() itself updates in bulk
    model = instance.content_type.model_class()
    label = model._meta.label_lower if model else instance.content_type.model
    instance.object_repr = f"{label} #{instance.object_pk}"
    scrub_if_forgotten(instance)


def register() -> None:
    """Register every model of ``SPEC`` with auditlog (idempotent)."""
    for label, options in SPEC.items():
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        auditlog.register(model, mask_callable="calportal.audit.tracking.mask", **options)
    pre_save.connect(_before_saving_an_entry, sender=LogEntry, dispatch_uid="audit_entry")
