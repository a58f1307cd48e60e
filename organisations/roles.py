"""The roles of approvision. Each role is a Django group holding model permissions.

The permissions say what kind of thing a role may do; `visible_to(user)` on each model says to which
rows. Later apps add their permissions here as their models arrive.
"""

from django.db import models


class Role(models.TextChoices):
    LA_OFFICER = "la_officer", "LA officer"
    LA_ADMIN = "la_admin", "LA administrator"
    PANEL_MEMBER = "panel_member", "Panel member"
    SCHOOL_STAFF = "school_staff", "School staff"
    TRUST_LEAD = "trust_lead", "Trust lead"
    PROVIDER_STAFF = "provider_staff", "Provider staff"
    DIRECTOR = "director", "Director"


# Which organisation a member of each role belongs to.
LA_ROLES = frozenset({Role.LA_OFFICER, Role.LA_ADMIN, Role.PANEL_MEMBER, Role.DIRECTOR})
ROLE_ORGANISATION_FIELD = {
    Role.LA_OFFICER: "la",
    Role.LA_ADMIN: "la",
    Role.PANEL_MEMBER: "la",
    Role.DIRECTOR: "la",
    Role.SCHOOL_STAFF: "school",
    Role.TRUST_LEAD: "trust",
    Role.PROVIDER_STAFF: "provider",
}

_VIEW_DIRECTORY = [
    "organisations.view_localauthority",
    "organisations.view_trust",
    "organisations.view_school",
    "organisations.view_providerorganisation",
    "providers.view_providerprofile",
]
_VIEW_CALENDAR = ["organisations.view_term", "organisations.view_nonschoolday"]
_EDIT_CALENDAR = [
    *_VIEW_CALENDAR,
    "organisations.add_term",
    "organisations.change_term",
    "organisations.delete_term",
    "organisations.add_nonschoolday",
    "organisations.change_nonschoolday",
    "organisations.delete_nonschoolday",
]
_READ_CASES = [
    "cases.view_pupil",
    "cases.view_exclusion",
    "cases.view_deadline",
    "cases.view_referral",
]
_VIEW_PLACEMENTS = [
    "placements.view_placement",
    "placements.view_providerreturn",
    "placements.view_review",
    "placements.view_reintegrationplan",
]
# Those who hold reviews and write reintegration plans: the LA and the provider.
_REVIEW_PLACEMENTS = [
    *_VIEW_PLACEMENTS,
    "placements.add_review",
    "placements.add_reintegrationplan",
    "placements.change_reintegrationplan",
    "placements.add_followup",
]
# Case notes: read and written by those who work with the pupil; corrected by their author.
_NOTES = ["cases.view_casenote", "cases.add_casenote", "cases.change_casenote"]
# Tasks: seen and marked done by their owners.
_TASKS = ["cases.view_task", "cases.change_task"]
_WRITE_CASES = [
    *_READ_CASES,
    "cases.add_pupil",
    "cases.change_pupil",
    "cases.add_exclusion",
    "cases.change_exclusion",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # LA officers triage referrals (change); schools make them (add).
    Role.LA_OFFICER: [
        "reports.view_figures",
        "reports.view_rollcount",
        "reports.add_rollcount",
        "reports.change_rollcount",
        *_VIEW_DIRECTORY,
        *_VIEW_CALENDAR,
        *_WRITE_CASES,
        "cases.change_deadline",
        "cases.change_referral",
        "providers.add_duediligence",
        "providers.add_providersite",
        "providers.change_providersite",
        "panels.view_panelmeeting",
        "panels.change_panelmeeting",
        "panels.add_decision",
        "cases.view_fairaccesscase",
        "cases.add_fairaccesscase",
        "cases.change_fairaccesscase",
        "cases.change_fairaccessallocation",
        "reports.view_report",
        "reports.add_report",
        *_REVIEW_PLACEMENTS,
        "placements.add_placement",
        "placements.change_placement",
        "placements.view_pupilmove",
        "placements.add_pupilmove",
        "placements.change_pupilmove",
        # The caseload: leading, allocating and handing over work; notes and tasks.
        "cases.view_leadchange",
        "cases.add_leadchange",
        *_NOTES,
        *_TASKS,
        "cases.add_task",
        # Letters to parents, from the case.
        "cases.view_letter",
        "cases.add_letter",
    ],
    Role.LA_ADMIN: [
        "reports.view_rollcount",
        "reports.add_rollcount",
        "reports.change_rollcount",
        *_VIEW_DIRECTORY,
        *_EDIT_CALENDAR,
        "organisations.change_localauthority",
        "organisations.add_school",
        "organisations.change_school",
        "organisations.add_trust",
        "organisations.change_trust",
        "organisations.add_providerorganisation",
        "organisations.change_providerorganisation",
        "organisations.view_user",
        "organisations.add_user",
        "organisations.change_user",
        # Who looked at which pupil: the read audit, searchable, never editable.
        "audit.view_pupilread",
        # The wording of the letters to parents.
        "cases.view_lettertemplate",
        "cases.change_lettertemplate",
    ],
    # Panel members see the meetings they sit on; the chair among them runs it.
    Role.PANEL_MEMBER: [
        "reports.view_figures",
        *_VIEW_DIRECTORY,
        *_READ_CASES,
        "panels.view_panelmeeting",
        "panels.add_decision",
        "cases.view_fairaccesscase",
        "cases.change_fairaccesscase",
        *_VIEW_PLACEMENTS,
        "placements.view_pupilmove",
        "cases.view_casenote",
        *_TASKS,
    ],
    # Schools tell the LA about AP they commission themselves, and record managed moves.
    Role.SCHOOL_STAFF: [
        "reports.view_figures",
        "organisations.view_school",
        *_WRITE_CASES,
        "cases.add_referral",
        "cases.view_fairaccesscase",
        "cases.change_fairaccessallocation",
        *_VIEW_PLACEMENTS,
        "placements.add_placement",
        "placements.view_pupilmove",
        "placements.add_pupilmove",
        *_NOTES,
        *_TASKS,
    ],
    Role.TRUST_LEAD: [
        "reports.view_figures",
        "organisations.view_school",
        "organisations.view_trust",
        *_READ_CASES,
        "cases.view_fairaccesscase",
        *_VIEW_PLACEMENTS,
        "placements.view_pupilmove",
        "cases.view_casenote",
        *_TASKS,
    ],
    # Provider staff see their caseload: the pupils placed with them, their referral and history.
    Role.PROVIDER_STAFF: [
        "organisations.view_providerorganisation",
        "providers.view_providerprofile",
        "providers.add_providersite",
        "providers.change_providersite",
        "cases.view_pupil",
        "cases.view_exclusion",
        "cases.view_referral",
        *_REVIEW_PLACEMENTS,
        "placements.change_placement",
        "placements.add_providerreturn",
        "placements.add_attendancemark",
        *_NOTES,
        *_TASKS,
    ],
    # Directors see aggregates only: no pupil-level permission at all.
    Role.DIRECTOR: [
        "reports.view_figures",
        "organisations.view_localauthority",
        "organisations.view_school",
        "reports.view_report",
        "reports.add_report",
    ],
}


def roles_sync(*, using: str = "default") -> None:
    """Make each role's group hold exactly the permissions listed above."""
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        group, _ = Group.objects.using(using).get_or_create(name=role.label)
        wanted = []
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".")
            wanted.append(
                Permission.objects.using(using).get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(wanted)


def roles_sync_after_migrate(sender, using="default", **kwargs):
    # post_migrate is sent once per app, in INSTALLED_APPS order, each after that app's permissions
    # are created: act on the last app's, when every permission a role may name exists.
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender.name == with_models[-1].name:
        roles_sync(using=using)
