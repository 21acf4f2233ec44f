"""Staff groups and what each may do. seed_demo creates them; the owner adds people to them.

Each app lists its own permissions here by codename ("app_label.codename"), so a new model
decides in one place who may use it.
"""

from django.contrib.auth.models import Group, Permission

THERAPISTS = "Therapists"
FRONT_DESK = "Front desk"

GROUP_PERMISSIONS: dict[str, list[str]] = {
    THERAPISTS: [
        "clinic.view_clinicsettings",
        # booking: therapists, services, hours, time off, booking requests
        "clinic.view_therapist",
        "clinic.change_therapist",
        "clinic.view_service",
        "clinic.view_workinghours",
        "clinic.add_workinghours",
        "clinic.change_workinghours",
        "clinic.delete_workinghours",
        "clinic.view_timeoff",
        "clinic.add_timeoff",
        "clinic.change_timeoff",
        "clinic.delete_timeoff",
        "clinic.view_bookingrequest",
        "clinic.change_bookingrequest",
        "clinic.view_bookingevent",
        # privacy: clients' requests to delete their data
        "clinic.view_datadeletionrequest",
        "clinic.change_datadeletionrequest",
        # education: articles, topics, reader questions
        "education.add_article",
        "education.change_article",
        "education.view_article",
        "education.add_citation",
        "education.change_citation",
        "education.delete_citation",
        "education.view_citation",
        "education.add_topic",
        "education.change_topic",
        "education.view_topic",
        "education.change_readerquestion",
        "education.delete_readerquestion",
        "education.view_readerquestion",
        # intake: intakes (health information: therapists only)
        "intake.view_intake",
        "intake.change_intake",
        "intake.view_intakeaccess",
        "intake.export_intake",
    ],
    FRONT_DESK: [
        "clinic.view_clinicsettings",
        # booking: the front desk manages requests but never sees intake answers
        "clinic.view_therapist",
        "clinic.view_service",
        "clinic.view_workinghours",
        "clinic.view_timeoff",
        "clinic.add_timeoff",
        "clinic.change_timeoff",
        "clinic.delete_timeoff",
        "clinic.view_bookingrequest",
        "clinic.change_bookingrequest",
        "clinic.view_bookingevent",
    ],
}


def sync_groups() -> dict[str, Group]:
    """Create the staff groups and give each exactly the permissions listed above."""
    groups = {}
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
        groups[name] = group
    return groups
