"""The retention table (PRIVACY.md §1) as code: each rule's wording and default period. The
database's :class:`~calportal.privacy.models.RetentionRule` rows hold the periods the OPS set;
:func:`rule` reads them.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from calportal.privacy.models import RetentionRule
from calportal.privacy.models import RetentionUnit as U


class Action:
    ANONYMISE = "anonymise"
    DELETE = "delete"
    DELETE_FIELDS = "delete_fields"
    PSEUDONYMISE = "pseudonymise"


ACTION_LABELS = {
    Action.ANONYMISE: _("anonymise"),
    Action.DELETE: _("delete"),
    Action.DELETE_FIELDS: _("delete the fields"),
    Action.PSEUDONYMISE: _("pseudonymise"),
}


@dataclass(frozen=True)
class Rule:
    code: str
    data: Promise  # the kind of data
    anchor: Promise  # what the period counts from
    action: str
    kept: Promise  # what remains afterwards
    provision: str  # the legal provision or rationale, as cited in the answer to a person
    amount: int  # the default period
    unit: str


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule(
            "registration",
            _("Event registration and participant (not in a project or public task)"),
            _("the event"),
            Action.ANONYMISE,
            _(
                "registration facts with a per-year token, age band, gender, area, attendance, "
                "places, source, disability flag"
            ),
            "art. 5(1)(e) RODO",
            1,
            U.JUNE_30,
        ),
        Rule(
            "accessibility_needs",
            _("Accessibility needs (free text, health data)"),
            _("the event"),
            Action.DELETE_FIELDS,
            _("that the person had needs (yes/no)"),
            "art. 5(1)(c), art. 9 RODO",
            30,
            U.DAYS,
        ),
        Rule(
            "cancelled_registration",
            _("Cancelled registrations and waiting-list places never promoted"),
            _("the event"),
            Action.ANONYMISE,
            _("counts by status"),
            "art. 5(1)(c) RODO",
            30,
            U.DAYS,
        ),
        Rule(
            "project_registration",
            _("Registrations for events of an EU-funded project"),
            _("the project's agreement"),
            Action.ANONYMISE,
            _("as for registrations"),
            "art. 82 rozporządzenia 2021/1060 (CPR); art. 17(3)(b) RODO",
            0,
            U.AGREEMENT,
        ),
        Rule(
            "public_task_registration",
            _("Registrations for events of a public-task contract"),
            _("the end of the task"),
            Action.ANONYMISE,
            _("as for registrations"),
            "umowa o realizację zadania publicznego; art. 17(3)(b) RODO",
            5,
            U.FULL_YEARS,
        ),
        Rule(
            "pass_holder",
            _("Senior pass holder (pass expired or revoked, not renewed)"),
            _("the end of the pass"),
            Action.ANONYMISE,
            _("holders by age band, gender and area; uses per venue with a per-year token"),
            "art. 5(1)(e) RODO",
            12,
            U.MONTHS,
        ),
        Rule(
            "pass_application_rejected",
            _("Rejected pass applications"),
            _("the decision"),
            Action.DELETE,
            _("counts"),
            "art. 5(1)(c) RODO",
            6,
            U.MONTHS,
        ),
        Rule(
            "pass_call_back",
            _("Requests to be called back about the pass"),
            _("the handling"),
            Action.DELETE,
            _("counts"),
            "art. 5(1)(c) RODO",
            3,
            U.MONTHS,
        ),
        Rule(
            "volunteer_applicant",
            _("Volunteer applicants who never started"),
            _("the application"),
            Action.DELETE,
            _("the number of applications"),
            "art. 5(1)(e) RODO",
            6,
            U.MONTHS,
        ),
        Rule(
            "volunteer_contact",
            _("Ended volunteer: contact, availability, skills, areas, notes, message"),
            _("the end of volunteering"),
            Action.DELETE_FIELDS,
            _("nothing of these fields"),
            "art. 5(1)(c) RODO",
            12,
            U.MONTHS,
        ),
        Rule(
            "volunteer_agreement",
            _("Volunteer agreements, insurance and briefing dates, certificate register"),
            _("the year the agreement ended"),
            Action.ANONYMISE,
            _("hours entries with a per-year token, organisation, date, quarters, kind of work"),
            "art. 118 KC; art. 17(3)(e) RODO",
            6,
            U.FULL_YEARS,
        ),
        Rule(
            "child_safety_check",
            _("Child-safety checks (date, checker, result, valid until)"),
            _("the end of volunteering"),
            Action.DELETE,
            _("nothing"),
            "ustawa z 13.05.2016 o przeciwdziałaniu zagrożeniom przestępczością na tle "
            "seksualnym; standardy ochrony małoletnich",
            0,
            U.DAYS,
        ),
        Rule(
            "selfhelp_request",
            _("Self-help join requests declined or withdrawn"),
            _("the decision"),
            Action.DELETE_FIELDS,
            _("anonymous request facts"),
            "art. 5(1)(c), art. 9 RODO",
            90,
            U.DAYS,
        ),
        Rule(
            "selfhelp_member",
            _("Self-help members who left"),
            _("leaving the group"),
            Action.DELETE_FIELDS,
            _("joined, left and attendance facts"),
            "art. 5(1)(e), art. 9 RODO",
            90,
            U.DAYS,
        ),
        Rule(
            "facilitator_notes",
            _("Facilitator's private notes (requests and meetings)"),
            _("the meeting or request"),
            Action.DELETE_FIELDS,
            _("nothing"),
            "art. 5(1)(c) RODO",
            12,
            U.MONTHS,
        ),
        Rule(
            "map_report_contact",
            _("A resident's contact on a map report"),
            _("the moderation"),
            Action.DELETE_FIELDS,
            _("the report's content as a need or resource"),
            "art. 5(1)(c) RODO",
            6,
            U.MONTHS,
        ),
        Rule(
            "staff_account",
            _("Staff and partner accounts' personal fields"),
            _("the deactivation"),
            Action.PSEUDONYMISE,
            _('"account deleted #id" for the audit references'),
            "art. 5(1)(e), art. 32 RODO",
            12,
            U.MONTHS,
        ),
        Rule(
            "login_attempts",
            _("Login-attempt records"),
            _("the attempt"),
            Action.DELETE,
            _("nothing"),
            "art. 32 RODO",
            90,
            U.DAYS,
        ),
        Rule(
            "generated_files",
            _(
                "Generated files with personal data (attendance sheets, lists, internal "
                "reports, exports, certificates)"
            ),
            _("the file's creation"),
            Action.DELETE,
            _("the document's metadata"),
            "art. 5(1)(c) RODO",
            30,
            U.DAYS,
        ),
        Rule(
            "project_participant_list",
            _("A project's restricted participant list"),
            _("the file's creation"),
            Action.DELETE,
            _("the document's metadata"),
            "art. 5(1)(c) RODO",
            7,
            U.DAYS,
        ),
        Rule(
            "document_metadata",
            _("Metadata of deleted files"),
            _("the file's creation"),
            Action.DELETE,
            _("nothing"),
            "art. 5(1)(e) RODO",
            1,
            U.YEARS,
        ),
        Rule(
            "subject_access_package",
            _("Subject-access packages and their links"),
            _("the link's creation"),
            Action.DELETE,
            _("the entry in the request register"),
            "art. 5(1)(c) RODO",
            7,
            U.DAYS,
        ),
        Rule(
            "audit_trail",
            _("Audit trail and access log"),
            _("the entry"),
            Action.DELETE,
            _("nothing"),
            "art. 5(2), art. 32 RODO",
            3,
            U.YEARS,
        ),
    )
}


def rule(code: str) -> RetentionRule:
    """The rule ``code`` with the period the OPS set (the default when its row is missing).
    Raises ``KeyError`` for a code not in :data:`RULES`."""
    spec = RULES[code]
    row = RetentionRule.objects.filter(code=code).first()
    return row or RetentionRule(code=code, amount=spec.amount, unit=spec.unit)
