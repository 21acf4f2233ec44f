"""Staff groups and what each may do. setup_demo creates them; the owner adds people to them.

Each app declares the permissions it gives each group in its own AppConfig, as
`staff_permissions = {GROUP: [codename, ...]}`, so a new model decides in one place who may
use it, and this module names no other app.
"""

from django.apps import apps

THERAPISTS = "Therapists"
FRONT_DESK = "Front desk"
GROUPS = (THERAPISTS, FRONT_DESK)


def group_permissions() -> dict[str, list[str]]:
    """Every group's permissions as "app_label.codename", gathered from the apps."""
    wanted: dict[str, list[str]] = {name: [] for name in GROUPS}
    for config in apps.get_app_configs():
        for group, codenames in getattr(config, "staff_permissions", {}).items():
            wanted[group] += [f"{config.label}.{codename}" for codename in codenames]
    return wanted


def sync_groups() -> dict:
    """Create the staff groups and give each exactly the permissions its apps declare."""
    # Imported here: the AppConfigs import this module's group names before models load.
    from django.contrib.auth.models import Group, Permission

    groups = {}
    for name, dotted_names in group_permissions().items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = []
        for dotted in dotted_names:
            app_label, codename = dotted.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
        groups[name] = group
    return groups
